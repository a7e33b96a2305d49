"""Benchmark of the cached public agenda against a trivial view: two gunicorn servers sharing
one PostgreSQL and one Redis, as the README's two-app-server deployment.

    .venv/bin/python bench/agenda.py
    BENCH_POSTGRES=postgres://postgres@127.0.0.1:5432 BENCH_SECONDS=10 \
        .venv/bin/python bench/agenda.py

It recreates the database plenary_bench_agenda (BENCH_DATABASE), seeds one conference of
2 days × 3 rooms × 10 sessions with 120 speakers (6 statements a session), starts a
redis-server of its own on port 6392 (BENCH_REDIS_PORT; never the shared one) and two
gunicorn servers (2 workers each, DEBUG off) on ports 8405 and 8406, and loads each server in
turn, with wrk, on the agenda page, a session page, the speakers index, the iCal feed and a
trivial view. It prints each server's requests per second and p50/p99 latency. Target: every
cached public page reaches at least half the trivial view's throughput on the same server.
Then it renames a session through server A and prints what server B's next request shows.
"""

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = os.environ.get("BENCH_DATABASE", "plenary_bench_agenda")
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
REDIS_PORT = int(os.environ.get("BENCH_REDIS_PORT", "6392"))
BINDS = ("127.0.0.1:8405", "127.0.0.1:8406")
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
    "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
    # The benchmark mails nobody; with DEBUG off mail must be chosen explicitly.
    "EMAIL_URL": "console:",
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
    from participants.models import BadgeCategory, Delegation, Participant
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
    category = BadgeCategory.objects.create(
        conference=conference, code="D", name="Delegate", colour_name="blue", colour="#1f4e9a"
    )
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
            badge_category=category,
            # The public pages name only speakers who agreed to it.
            consent_public_list=True,
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


class Redis:
    """The benchmark's own redis-server, without persistence, that it may stop and start."""

    def __init__(self, port: int = REDIS_PORT) -> None:
        self.port = port
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        self.cli("PING", retries=100)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def cli(self, *args: str, retries: int = 1) -> str:
        for _ in range(retries):
            done = subprocess.run(
                ["redis-cli", "-p", str(self.port), *args], capture_output=True, text=True
            )
            if done.returncode == 0 and not done.stdout.startswith("Could not connect"):
                return done.stdout.strip()
            time.sleep(0.05)
        raise SystemExit(f"redis-server on port {self.port} does not answer")


@contextmanager
def gunicorns(*binds: str):
    """One gunicorn server (2 workers) per bind, all on the same database and Redis."""
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    servers = [
        subprocess.Popen(
            [
                gunicorn,
                "conference.wsgi",
                "--workers",
                "2",
                "--bind",
                bind,
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
        )  # fmt: skip
        for bind in binds
    ]
    try:
        for bind in binds:
            wait_for(f"http://{bind}/bench/trivial/")
        yield
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait()


def prepare() -> dict[str, str]:
    """A fresh database with the seeded conference; returns the paths to load."""
    for tool in ("wrk", "redis-server", "redis-cli"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: apt-get install -y wrk redis-server")
    sys.path.insert(0, str(ROOT))
    os.environ.update(ENV)
    recreate_database()
    manage("migrate", "--noinput", "-v", "0")
    manage("collectstatic", "--noinput", "-v", "0")
    manage("compile_catalogues")
    paths = seed()
    # Fresh bulk inserts would otherwise set autovacuum going during the first runs.
    import psycopg

    with psycopg.connect(ENV["DATABASE_URL"], autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    return paths


def wrk(url: str, *, allow_errors: bool = False) -> dict[str, str]:
    threads = str(min(2, CONNECTIONS))
    command = ["wrk", "-t", threads, "-c", str(CONNECTIONS), "-d", f"{SECONDS}s", "--latency", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in output and not allow_errors:
        raise SystemExit(f"{url} answered with errors:\n{output}")
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", output, re.MULTILINE))
    return {
        "rps": re.search(r"Requests/sec:\s+(\S+)", output).group(1),
        "p50": latency["50"],
        "p99": latency["99"],
    }


def fetch(url: str, data: dict[str, str] | None = None) -> str:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(url, data=body) as response:
        return response.read().decode()


def main() -> None:
    paths = prepare()
    redis = Redis()
    redis.start()
    try:
        with gunicorns(*BINDS):
            results = {}
            for bind in BINDS:
                for name, path in paths.items():
                    url = f"http://{bind}{path}"
                    for _ in range(4):  # fill the cache (one shared by both servers now)
                        fetch(url)
                    results[bind, name] = wrk(url)
            keys = redis.cli("DBSIZE")
            # A change through server A, then server B's next request.
            agenda = paths["agenda page"]
            session_pk = paths["session page"].rstrip("/").rsplit("/", 1)[1]
            before = fetch(f"http://{BINDS[1]}{agenda}")
            fetch(f"http://{BINDS[0]}/bench/rename/{session_pk}/", {"title": "Renamed on A"})
            after = fetch(f"http://{BINDS[1]}{agenda}")
    finally:
        redis.stop()
    print(f"\n{DAYS} days × {ROOMS} rooms × {SESSIONS_PER_ROOM} sessions, {SPEAKERS} speakers; "
          f"two gunicorn servers × 2 workers, DEBUG off, one PostgreSQL, one Redis "
          f"({keys} keys after the runs); wrk {CONNECTIONS} connections, {SECONDS}s each, one "
          f"server at a time, on {os.cpu_count()} CPUs")  # fmt: skip
    print(f"{'server':<16}{'target':<16}{'req/s':>10}{'p50':>10}{'p99':>10}{'vs trivial':>12}")
    for bind in BINDS:
        floor = float(results[bind, "trivial view"]["rps"])
        for name in paths:
            result = results[bind, name]
            share = float(result["rps"]) / floor
            verdict = "  ok" if share >= 0.5 else "  BELOW TARGET"
            verdict = "" if name == "trivial view" else verdict
            print(
                f"{bind:<16}{name:<16}{result['rps']:>10}{result['p50']:>10}{result['p99']:>10}"
                f"{share:>11.0%}{verdict}"
            )
    shown = "Renamed on A" in after
    print(
        f"\nRenamed a session through {BINDS[0]}: {BINDS[1]}'s agenda showed it before: "
        f"{'Renamed on A' in before}; on its next request: {shown}" + ("" if shown else "  FAILED")
    )


if __name__ == "__main__":
    main()
