"""Benchmark of the admin at size on PostgreSQL: the participant list and the dashboard.

    make bench-admin        # or: .venv/bin/python bench/admin.py [SIZE ...]

It recreates the database plenary_bench_admin (server from BENCH_POSTGRES) and, for each
size, adds a conference of that many participants in 100 delegations with bulk_create.
Every page is requested through Django's test client as a superuser, in this process,
REPEAT times after one warm-up; it prints the median time and the number of queries.
"""

import datetime as dt
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = os.environ.get("BENCH_DATABASE", "plenary_bench_admin")
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
SIZES = (1_000, 10_000, 100_000)
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
DELEGATIONS = 100
# Issue 26: every variant of the list, and the dashboard, at 100,000 participants.
TARGETS_MS = {"changelist": 100, "dashboard": 150}
CODES = ("KZ", "KG", "TJ", "TM", "UZ", "AF", "DE", "FR", "JP", "SK")
STATUSES = ("nominated", "under_review", "approved", "approved", "rejected")


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()


def seed(size: int) -> int:
    from conference.models import Conference, Organization
    from participants.models import BadgeCategory, Delegation, Participant

    conference = Conference.objects.create(
        title=f"Admin benchmark {size}",
        short_title=f"Admin {size}",
        slug=f"admin-{size}",
        city="Dushanbe",
        country="TJ",
        start_date=dt.date(2019, 5, 16),
        end_date=dt.date(2019, 5, 17),
        time_zone="Asia/Dushanbe",
        max_delegation_size=30_000,
    )
    # Approved and printed participants must hold a badge category (a database constraint).
    categories = [
        BadgeCategory.objects.create(
            conference=conference, code=code, name=name, colour_name=colour, colour=hex_colour
        )
        for code, name, colour, hex_colour in (
            ("D", "Delegate", "blue", "#1f4e9a"),
            ("M", "Media", "green", "#2e7d32"),
        )
    ]
    delegations = []
    for i in range(DELEGATIONS):
        if i < len(CODES):
            delegation = Delegation(conference=conference, country=CODES[i])
        else:
            organization, _ = Organization.objects.get_or_create(
                name=f"Benchmark Organization {i}", defaults={"kind": "regional"}
            )
            delegation = Delegation(
                conference=conference, organization=organization, category="organization"
            )
        delegation.save()
        delegations.append(delegation)
    Participant.objects.bulk_create(
        (
            Participant(
                conference=conference,
                delegation=delegations[n % DELEGATIONS],
                given_names=f"Benchbek {n}",
                family_name=f"Family{n:06d}",
                functional_title="Counsellor",
                email=f"member{n}@example.org",
                status=STATUSES[n % len(STATUSES)],
                badge_category=categories[n % 7 == 0],
            )
            for n in range(size)
        ),
        batch_size=5_000,
    )
    return conference.pk


def pages(conference_id: int, size: int, *, delegation_column: int) -> dict[str, str]:
    from django.urls import reverse

    changelist = reverse("admin:participants_participant_changelist")
    scoped = f"{changelist}?conference__id__exact={conference_id}"
    return {
        "changelist": scoped,
        "search": f"{scoped}&q=Family000123",
        "filter": f"{scoped}&status__exact=approved",
        "sort": f"{scoped}&o=-{delegation_column}",
        # Page 50 of 100 rows, or the last page of a smaller list.
        "page 50": f"{scoped}&p={min(50, size // 100)}",
        "dashboard": reverse("admin:participants_participant_dashboard", args=[conference_id]),
    }


def measure(size: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from conference.models import Conference

    conference = Conference.objects.get(slug=f"admin-{size}")
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    from tests.auth import sign_in  # a confirmed second factor, as the admin requires

    client = sign_in(Client(), user)
    results = {}
    # "Sort" is by the delegation column, wherever the user's columns put it (the photo
    # column comes first for those who may see photos).
    changelist = client.get(pages(conference.pk, size, delegation_column=0)["changelist"])
    columns = re.findall(r'<th scope="col" class="([^"]*)"', changelist.content.decode())
    column = next(i for i, c in enumerate(columns) if "column-delegation_column" in c)
    for name, url in pages(conference.pk, size, delegation_column=column).items():
        assert client.get(url).status_code == 200, url
        times, database, cpu = [], [], []
        for _ in range(REPEAT):
            with CaptureQueriesContext(connection) as queries:
                started, cpu_started = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append(time.perf_counter() - started)
                cpu.append(time.process_time() - cpu_started)
            assert response.status_code == 200
            # The time PostgreSQL took (as the client saw it), apart from Python's.
            database.append(sum(float(query["time"]) for query in queries))
        results[name] = {
            "median_ms": round(statistics.median(times) * 1000, 1),
            "db_ms": round(statistics.median(database) * 1000, 1),
            # This process's CPU time: Python's share, less sensitive to a loaded machine.
            "cpu_ms": round(statistics.median(cpu) * 1000, 1),
            "queries": len(queries),
        }
    return results


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        connection.execute(f"CREATE DATABASE {DATABASE}")


def main(sizes: tuple[int, ...]) -> None:
    # BENCH_REUSE=1 measures the conferences a previous run seeded, without seeding again.
    reuse = bool(os.environ.get("BENCH_REUSE"))
    if not reuse:
        recreate_database()
    env = {**os.environ, "DATABASE_URL": f"{SERVER}/{DATABASE}"}
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True, env=env)
    results = {}
    for size in sizes:
        started = time.perf_counter()
        if not reuse:
            subprocess.run([sys.executable, __file__, "seed", str(size)], check=True)
            print(f"seeded {size:,} participants in {time.perf_counter() - started:.1f} s")
        subprocess.run(
            [*manage, "dbshell", "--", "-c", "ANALYZE"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        out = subprocess.run(
            [sys.executable, __file__, "measure", str(size)],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
        results[size] = json.loads(out.strip().splitlines()[-1])
        load = os.getloadavg()[0]
        for page, figures in results[size].items():
            print(
                f"{size:>7,}  {page:<11} {figures['median_ms']:>7} ms  (database"
                f" {figures['db_ms']:>6} ms, Python CPU {figures['cpu_ms']:>6} ms)"
                f"  {figures['queries']} queries  load {load:.2f}"
            )
    largest, smallest = results[max(sizes)], results[min(sizes)]
    print(
        f"targets at {max(sizes):,} (median of {REPEAT}, {os.cpu_count()} CPUs, load average"
        f" {', '.join(f'{x:.2f}' for x in os.getloadavg())}):"
    )
    for page, figures in largest.items():
        limit = TARGETS_MS["dashboard" if page == "dashboard" else "changelist"]
        same = figures["queries"] == smallest[page]["queries"]
        verdict = "ok" if figures["median_ms"] <= limit else "MISSED"
        print(
            f"  {page:<11} {figures['median_ms']:>7} ms  target <= {limit} ms: {verdict:<6}"
            f"  database {figures['db_ms']} ms, Python CPU {figures['cpu_ms']} ms;"
            f" queries {smallest[page]['queries']} -> {figures['queries']} (identical: {same})"
        )


if __name__ == "__main__":
    if sys.argv[1:2] in (["seed"], ["measure"]):
        setup_django()
        if sys.argv[1] == "seed":
            seed(int(sys.argv[2]))
        else:
            print(json.dumps(measure(int(sys.argv[2]))))
    else:
        main(tuple(int(size) for size in sys.argv[1:]) or SIZES)
