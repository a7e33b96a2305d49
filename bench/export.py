"""Benchmark of the participants export: time and peak memory at 10,000 and 100,000 rows.

    .venv/bin/python bench/export.py            # SQLite file var/bench-export.sqlite3
    DATABASE_URL=postgres://… .venv/bin/python bench/export.py

Each size is generated once with bulk_create and measured in a fresh
subprocess, so one measurement's memory never counts towards the next. Peak
memory is the subprocess's peak resident set (getrusage), which includes
Python and Django themselves; the export streams, so it must stay flat (within
20%) from 10,000 to 100,000 rows. tracemalloc would slow the export itself
several times over, so it is not used.
"""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (10_000, 100_000)
PER_DELEGATION = 1_000
BATCH = 5_000


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-export.sqlite3'}")
    import django

    django.setup()


def generate(size: int) -> None:
    import datetime as dt

    from conference.models import Conference, Organization
    from participants.models import Delegation, Participant

    slug = f"bench-{size}"
    conference = Conference.objects.filter(slug=slug).first()
    if conference and conference.participants.count() == size:
        return
    if conference:
        conference.participants.all().delete()
        conference.delegations.all().delete()
        conference.delete()
    conference = Conference.objects.create(
        title=f"Benchmark conference of {size} participants",
        short_title=f"Bench {size}",
        slug=slug,
        city="Dushanbe",
        country="TJ",
        start_date=dt.date(2019, 5, 16),
        end_date=dt.date(2019, 5, 17),
        time_zone="Asia/Dushanbe",
        max_delegation_size=PER_DELEGATION,
    )
    codes = ("KZ", "KG", "TJ", "TM", "UZ", "AF", "DE", "FR", "JP", "SK")
    delegations = []

    for i in range(size // PER_DELEGATION):
        if i < len(codes):
            delegations.append(Delegation(conference=conference, country=codes[i]))
        else:
            organization, _ = Organization.objects.get_or_create(
                name=f"Benchmark Organization {i}", defaults={"kind": "regional"}
            )
            delegations.append(Delegation(conference=conference, organization=organization))
    for delegation in delegations:
        delegation.category = "participating_state" if delegation.country else "organization"
        delegation.save()
    arrival = dt.datetime(2019, 5, 15, 9, 0, tzinfo=dt.UTC)
    batch = []
    for n in range(size):
        batch.append(
            Participant(
                conference=conference,
                delegation=delegations[n // PER_DELEGATION],
                honorific="Mr.",
                given_names=f"Benchbek {n}",
                family_name=f"Пешко-Lajčák {n}",
                functional_title="Counsellor",
                email=f"bench{n}@example.org",
                phone="+992 37 221 0000",
                hotel="Hyatt Regency Dushanbe",
                arrival_at=arrival + dt.timedelta(minutes=n % 600),
                arrival_flight="TJ 132",
            )
        )
        if len(batch) == BATCH:
            Participant.objects.bulk_create(batch)
            batch = []
    Participant.objects.bulk_create(batch)


def measure(size: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from conference.csvio import registry
    from conference.csvio.base import csv_lines
    from conference.models import Conference

    conference = Conference.objects.get(slug=f"bench-{size}")
    export = registry.get("participants")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    rows = -1
    written = 0
    with CaptureQueriesContext(connection) as queries, open(os.devnull, "w") as sink:
        for line in csv_lines(export, export.queryset(conference), conference=conference):
            written += sink.write(line)
            rows += 1
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "peak_rss_mib": round(peak / 1024, 1),
        "rss_before_export_mib": round(before / 1024, 1),
        "queries": len(queries),
        "characters": written,
    }


def main() -> None:
    env = os.environ.copy()
    env.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-export.sqlite3'}")
    (ROOT / "var").mkdir(exist_ok=True)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], check=True, env=env)
    results = {}
    for size in SIZES:
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__, "generate", str(size)], check=True, env=env)
        print(f"generated {size:,} participants in {time.perf_counter() - started:.1f} s")
        out = subprocess.run(
            [sys.executable, __file__, "measure", str(size)],
            check=True,
            env=env,
            capture_output=True,
            text=True,
        ).stdout
        results[size] = json.loads(out.strip().splitlines()[-1])
        print(f"{size:>7,} rows: {json.dumps(results[size])}")
    small, large = (results[size]["peak_rss_mib"] for size in SIZES)
    growth = (large - small) / small
    print(f"database: {env['DATABASE_URL'].split(':')[0]}")
    flat = growth <= 0.2
    print(f"peak memory {small} MiB -> {large} MiB ({growth:+.0%}); flat within 20%: {flat}")
    sys.exit(0 if flat else 1)


if __name__ == "__main__":
    if len(sys.argv) == 3:
        setup_django()
        if sys.argv[1] == "generate":
            generate(int(sys.argv[2]))
        else:
            print(json.dumps(measure(int(sys.argv[2]))))
    else:
        main()
