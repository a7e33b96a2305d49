"""Benchmark of the cached public agenda against a trivial view, on PostgreSQL.

    .venv/bin/python bench/agenda.py
    BENCH_POSTGRES=postgres://postgres@127.0.0.1:5432 BENCH_SECONDS=10 \
        .venv/bin/python bench/agenda.py

It recreates the database plenary_bench_agenda, seeds one conference of
2 days × 3 rooms × 10 sessions with 120 speakers (6 statements a session),
serves it with gunicorn (2 workers, DEBUG off) and loads, with wrk, the agenda
page, a session page, the speakers index, the iCal feed and a trivial view.
It prints requests per second and p50/p99 latency for each. Target: every
cached public page reaches at least half the trivial view's throughput.
"""

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "plenary_bench_agenda"
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
BIND = "127.0.0.1:8405"
SLUG = "bench-2019"
DAYS, ROOMS, SESSIONS_PER_ROOM, SPEAKERS, STATEMENTS_PER_SESSION = 2, 3, 10, 120, 6
ENV = {
    "DATABASE_URL": f"{SERVER}/{DATABASE}",
    "DJANGO_SETTINGS_MODULE": "bench.agenda_settings",
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "STATIC_ROOT": str(ROOT / "var" / "bench-static"),
    "LOG_LEVEL": "WARNING",
}


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        connection.execute(f"CREATE DATABASE {DATABASE}")


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def seed() -> dict[str, str]:
    """The conference, through the ORM; returns the paths to load."""
    import django

    django.setup()
    from conference.models import Conference
    from participants.enums import DelegationCategory, RepresentationLevel
    from participants.models import Delegation, Participant
    from sessions.enums import SessionKind
    from sessions.models import Room, Session, Statement

    conference = Conference.objects.create(
        title="Benchmark Conference on Regional Co-operation",
        short_title="Benchmark 2019",
        slug=SLUG,
        city="Dushanbe",
        country="TJ",
        venue_name="Kokhi Somon",
        start_date=dt.date(2019, 5, 16),
        end_date=dt.date(2019, 5, 17),
        time_zone="Asia/Dushanbe",
        is_public=True,
    )
    countries = [
        "AF", "AM", "AT", "AZ", "BE", "BG", "BY", "CA", "CH", "CN", "CZ", "DE", "DK", "EE",
        "ES", "FI", "FR", "GB", "GE", "GR", "HU", "IN", "IR", "IT", "JP", "KG", "KR", "KZ",
        "LT", "LV", "MN", "NL", "NO", "PK", "PL", "RO", "RU", "SE", "TM", "UZ",
    ]  # fmt: skip
    delegations = []
    for index, code in enumerate(countries):
        delegation = Delegation(
            conference=conference,
            country=code,
            category=DelegationCategory.PARTICIPATING_STATE,
            level=RepresentationLevel.MINISTER + index % 4,
            status="confirmed",
        )
        delegation.save()
        delegations.append(delegation)
    speakers = Participant.objects.bulk_create(
        Participant(
            conference=conference,
            delegation=delegations[n % len(delegations)],
            honorific="H.E. Mr.",
            given_names=f"Benchbek{n}",
            family_name=f"Loadtestov{n}",
            functional_title="Deputy Minister of Foreign Affairs",
            email=f"speaker{n}@bench.example",
            status="approved",
        )
        for n in range(SPEAKERS)
    )
    rooms = [Room.objects.create(conference=conference, name=f"Hall {r + 1}") for r in range(ROOMS)]
    tz = conference.tz
    sessions = []
    for day in range(DAYS):
        for room_index, room in enumerate(rooms):
            for slot in range(SESSIONS_PER_ROOM):
                start = dt.datetime(2019, 5, 16 + day, 9, 0, tzinfo=tz) + dt.timedelta(
                    minutes=45 * slot
                )
                sessions.append(
                    Session(
                        conference=conference,
                        title=f"Session {day + 1}.{room_index + 1}.{slot + 1}: co-operation",
                        kind=SessionKind.THEMATIC,
                        starts_at=start,
                        ends_at=start + dt.timedelta(minutes=45),
                        room=room,
                        chair=speakers[(day * 31 + room_index * 7 + slot) % SPEAKERS],
                    )
                )
    sessions = Session.objects.bulk_create(sessions)
    Statement.objects.bulk_create(
        Statement(
            session=session,
            speaker=speaker,
            delegation=speaker.delegation,
            order=position + 1,
            allotted_minutes=5,
        )
        for index, session in enumerate(sessions)
        for position in range(STATEMENTS_PER_SESSION)
        for speaker in [speakers[(index * STATEMENTS_PER_SESSION + position) % SPEAKERS]]
    )
    return {
        "trivial view": "/bench/trivial/",
        "agenda page": f"/{SLUG}/agenda/",
        "session page": f"/{SLUG}/sessions/{sessions[len(sessions) // 2].pk}/",
        "speakers index": f"/{SLUG}/speakers/",
        "iCal feed": f"/{SLUG}/agenda.ics",
    }


def wait_for(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"gunicorn did not answer at {url}")


def wrk(url: str) -> dict[str, str]:
    threads = str(min(2, CONNECTIONS))
    command = ["wrk", "-t", threads, "-c", str(CONNECTIONS), "-d", f"{SECONDS}s", "--latency", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in output:
        raise SystemExit(f"{url} answered with errors:\n{output}")
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", output, re.MULTILINE))
    return {
        "rps": re.search(r"Requests/sec:\s+(\S+)", output).group(1),
        "p50": latency["50"],
        "p99": latency["99"],
    }


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    sys.path.insert(0, str(ROOT))
    os.environ.update(ENV)
    recreate_database()
    shutil.rmtree(ROOT / "var" / "bench-cache", ignore_errors=True)
    manage("migrate", "--noinput", "-v", "0")
    manage("collectstatic", "--noinput", "-v", "0")
    manage("compile_catalogues")
    paths = seed()
    # Fresh bulk inserts would otherwise set autovacuum going during the first runs.
    import psycopg

    with psycopg.connect(ENV["DATABASE_URL"], autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "conference.wsgi", "--workers", "2",
         "--bind", BIND, "--log-level", "warning"],
        cwd=ROOT,
    )  # fmt: skip
    try:
        wait_for(f"http://{BIND}/bench/trivial/")
        results = {}
        for name, path in paths.items():
            url = f"http://{BIND}{path}"
            for _ in range(4):  # fill the cache of both workers
                urllib.request.urlopen(url).read()
            results[name] = wrk(url)
    finally:
        gunicorn.terminate()
        gunicorn.wait()
    floor = float(results["trivial view"]["rps"])
    print(f"\n{DAYS} days × {ROOMS} rooms × {SESSIONS_PER_ROOM} sessions, {SPEAKERS} speakers; "
          f"gunicorn 2 workers, DEBUG off, PostgreSQL; wrk {CONNECTIONS} connections, "
          f"{SECONDS}s each on {os.cpu_count()} CPUs")  # fmt: skip
    print(f"{'target':<16}{'req/s':>10}{'p50':>10}{'p99':>10}{'vs trivial':>12}")
    for name, result in results.items():
        share = float(result["rps"]) / floor
        verdict = "" if name == "trivial view" else ("  ok" if share >= 0.5 else "  BELOW TARGET")
        print(
            f"{name:<16}{result['rps']:>10}{result['p50']:>10}{result['p99']:>10}"
            f"{share:>11.0%}{verdict}"
        )


if __name__ == "__main__":
    main()
