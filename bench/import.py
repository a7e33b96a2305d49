"""Benchmark of the participant CSV import on PostgreSQL: preview and confirm at size.

    make bench-import        # or: .venv/bin/python bench/import.py [SIZE ...]

It recreates the database plenary_bench_import (server from BENCH_POSTGRES). Each
size runs in a fresh subprocess with its own conference of 100 delegations; a tenth
of the rows update participants already registered, the rest are new. The preview
is what the admin's upload queues, run eagerly here as with no broker: an ImportJob that
keeps the file, then reads it and validates every row
(participants.imports.services.import_job_validate);
the confirm is what the admin's confirmation queues, run eagerly too: the same job
validates the preview's stored batches again under row locks and writes them, all in one
transaction (participants.imports.services.import_job_run). Peak
memory is the subprocess's peak resident set, Python and Django included. Last,
1,000 rows go into a conference that already has 100,000 participants.
"""

import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = os.environ.get("BENCH_DATABASE", "plenary_bench_import")
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
SIZES = (1_000, 5_000, 10_000, 50_000)
DELEGATIONS = 100
CODES = ("KZ", "KG", "TJ", "TM", "UZ", "AF", "DE", "FR", "JP", "SK")
HEADER = "email,given_names,family_name,functional_title,role,delegation,hotel,arrival_at\n"


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")
    import django

    django.setup()


def conference_with_delegations(slug: str, registered: int) -> None:
    from conference.models import Conference, Organization
    from participants.models import Delegation, Participant

    conference = Conference.objects.create(
        title=f"Import benchmark {slug}",
        short_title=slug,
        slug=slug,
        city="Dushanbe",
        country="TJ",
        start_date=dt.date(2019, 5, 16),
        end_date=dt.date(2019, 5, 17),
        time_zone="Asia/Dushanbe",
        max_delegation_size=30_000,
    )
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
                given_names=f"Saved {n}",
                family_name=f"Member {n}",
                email=f"member{n}@example.org",
            )
            for n in range(registered)
        ),
        batch_size=5_000,
    )


def csv_text(delegations, rows: int, *, updates: int) -> str:
    """``updates`` rows name registered members (member0…), the others are new people."""
    lines = [HEADER]
    for n in range(rows):
        delegation = delegations[n % DELEGATIONS]
        name = delegation.country.code if delegation.country else delegation.organization.name
        email = f"member{n}@example.org" if n < updates else f"new{n}@example.org"
        lines.append(
            f"{email},Benchbek {n},Пешко-Lajčák {n},Counsellor,adviser,{name},"
            f"Hyatt Regency Dushanbe,2019-05-15 {10 + n % 10}:30\n"
        )
    return "".join(lines)


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _slug(rows: int, registered: int) -> str:
    return f"import-{rows}-{registered}"


class QueryCounter:
    """Counts the statements run, keeping none of them: a capture of every statement's SQL
    would grow with the file and count in the peak memory measured."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure(rows: int, registered: int) -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection

    # A worker runs with DEBUG off; on, Django would keep every statement's SQL (up to 9,000
    # of them, the bulk inserts' included) and count it in the peak memory.
    settings.DEBUG = False

    from conference.models import Conference
    from participants.enums import ImportJobStatus
    from participants.imports.services import import_job_confirm, import_job_upload

    updates = min(rows // 10, registered)
    conference = Conference.objects.get(slug=_slug(rows, registered))
    delegations = list(conference.delegations.select_related("organization").order_by("pk"))
    text = csv_text(delegations, rows, updates=updates)
    user, _ = get_user_model().objects.get_or_create(username="bench-import")
    before = peak_mib()
    started, cpu = time.perf_counter(), cpu_s()
    preview_queries, confirm_queries = QueryCounter(), QueryCounter()
    with connection.execute_wrapper(preview_queries):
        # Without a broker the task runs as the job's transaction commits, inside this call.
        job = import_job_upload(conference=conference, text=text, delegation=None, by=user)
    preview, preview_cpu = time.perf_counter() - started, cpu_s() - cpu
    job.refresh_from_db()
    assert job.status == ImportJobStatus.PREVIEWED, job.errors[:3]
    started, cpu = time.perf_counter(), cpu_s()
    with connection.execute_wrapper(confirm_queries):
        job = import_job_confirm(job=job, by=user)
    confirm, confirm_cpu = time.perf_counter() - started, cpu_s() - cpu
    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE, job.errors[:3]
    assert (job.created_count, job.updated_count) == (rows - updates, updates)
    return {
        "rows": rows,
        "registered_before": registered,
        "preview_s": round(preview, 2),
        "confirm_s": round(confirm, 2),
        "total_s": round(preview + confirm, 2),
        # The benchmark process's own CPU time, the database server's aside: less noisy than
        # the wall time on a shared machine.
        "cpu_s": round(preview_cpu + confirm_cpu, 2),
        "preview_queries": preview_queries.count,
        "confirm_queries": confirm_queries.count,
        "queries_per_100_rows": round(
            100 * (preview_queries.count + confirm_queries.count) / rows, 2
        ),
        "rss_before_mib": before,
        "peak_rss_mib": peak_mib(),
    }


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        connection.execute(f"CREATE DATABASE {DATABASE}")


def run(rows: int, registered: int) -> dict:
    """Seed in one subprocess and measure in another, so seeding's memory is not counted."""
    subprocess.run([sys.executable, __file__, "seed", str(rows), str(registered)], check=True)
    out = subprocess.run(
        [sys.executable, __file__, "measure", str(rows), str(registered)],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(sizes: tuple[int, ...]) -> None:
    recreate_database()
    env = {**os.environ, "DATABASE_URL": f"{SERVER}/{DATABASE}"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        check=True,
        env=env,
    )
    results = {}
    for rows in sizes:
        results[rows] = run(rows, registered=rows // 10)
        print(json.dumps(results[rows]), flush=True)
    large = run(1_000, registered=100_000)
    print(json.dumps(large), flush=True)
    print("targets:")
    if 10_000 in results:
        ten = results[10_000]
        print(f"  10k preview + confirm {ten['total_s']} s (<= 10 s: {ten['total_s'] <= 10})")
        print(f"  10k queries per 100 rows {ten['queries_per_100_rows']} (<= 4)")
        if 50_000 in results:
            fifty = results[50_000]
            ratio = fifty["total_s"] / ten["total_s"]
            print(f"  50k / 10k time {ratio:.2f}x (<= 5.2x: {ratio <= 5.2})")
            cpu = fifty["cpu_s"] / ten["cpu_s"]
            print(f"  50k / 10k CPU time of the process {cpu:.2f}x")
            memory = fifty["peak_rss_mib"] / ten["peak_rss_mib"]
            print(
                f"  peak memory {ten['peak_rss_mib']} -> {fifty['peak_rss_mib']} MiB, "
                f"{memory:.2f}x (<= 1.5x: {memory <= 1.5})"
            )
    print(
        f"  1k rows into 100k participants {large['total_s']} s (<= 2 s), "
        f"peak {large['peak_rss_mib']} MiB (<= 150 MiB)"
    )


if __name__ == "__main__":
    if sys.argv[1:2] in (["seed"], ["measure"]):
        setup_django()
        rows, registered = int(sys.argv[2]), int(sys.argv[3])
        if sys.argv[1] == "seed":
            conference_with_delegations(_slug(rows, registered), registered)
            # Fresh statistics, as autovacuum keeps them in a running database.
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        else:
            print(json.dumps(measure(rows, registered)))
    else:
        main(tuple(int(size) for size in sys.argv[1:]) or SIZES)
