"""Benchmark of the live floor: 500 projector WebSockets and a console pressing "next".

    make bench-floor
    BENCH_VIEWERS=500 BENCH_ACTIONS=50 BENCH_RUNS=3 .venv/bin/python bench/floor.py

It recreates the database plenary_bench_floor (BENCH_DATABASE) on PostgreSQL (BENCH_POSTGRES,
default 127.0.0.1:5432), seeds a public session with a long speakers' list, starts a
redis-server of its own on port 6471 (BENCH_REDIS_PORT; never the shared one), daphne on
conference.asgi (the WebSockets, port 8411) and gunicorn on conference.wsgi (the console,
2 workers, port 8412), as production runs them, with DEBUG off. Then BENCH_VIEWERS WebSocket
clients connect from this process, and a signed-in console posts "next" BENCH_ACTIONS times per
run over HTTP, as console.js does. For each action it measures the console's response time and
the time from sending the POST to the last viewer receiving the new speaker; it prints p50 and
p99 of both per run, the median of the runs, and the load average, with the targets beside.
"""

import asyncio
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = os.environ.get("BENCH_DATABASE", "plenary_bench_floor")
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_PORT = int(os.environ.get("BENCH_REDIS_PORT", "6471"))
VIEWERS = int(os.environ.get("BENCH_VIEWERS", "500"))
ACTIONS = int(os.environ.get("BENCH_ACTIONS", "50"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
WS_BIND, HTTP_BIND = ("127.0.0.1", 8411), ("127.0.0.1", 8412)
SLUG = "bench-floor-2019"
TARGET_DELIVERY_P99 = 1.0  # seconds, console "next" to the last viewer
TARGET_ACTION = 0.100  # seconds, the console's response
WAIT_FOR_VIEWERS = 10.0
ENV = {
    "DATABASE_URL": f"{SERVER}/{DATABASE}",
    "DJANGO_SETTINGS_MODULE": "conference.settings",
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "STATIC_ROOT": str(ROOT / "var" / "bench-static"),
    "LOG_LEVEL": "WARNING",
    # DEBUG off refuses to start without a mail setting; the floor sends none.
    "EMAIL_URL": "console:",
    "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
}


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        connection.execute(f"CREATE DATABASE {DATABASE}")


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def seed(statements: int) -> tuple[int, str]:
    """A public session with ``statements`` on its list; returns its pk and a console cookie."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from conference.models import Conference
    from participants.accreditation.roles import roles_sync
    from participants.enums import DelegationCategory
    from participants.models import BadgeCategory, Delegation, Participant
    from sessions.enums import SessionKind
    from sessions.models import Session, Statement

    roles_sync()
    conference = Conference.objects.create(
        title="Benchmark Conference on the Live Floor",
        short_title="Floor 2019",
        slug=SLUG,
        city="Dushanbe",
        country="TJ",
        venue_name="Kokhi Somon",
        start_date=dt.date(2019, 5, 16),
        end_date=dt.date(2019, 5, 17),
        time_zone="Asia/Dushanbe",
        is_public=True,
    )
    category = BadgeCategory.objects.create(
        conference=conference, code="D", name="Delegate", colour_name="blue", colour="#1f4e9a"
    )
    countries = ["KZ", "KG", "TJ", "TM", "UZ", "AF", "DE", "FR", "JP", "CN", "RU", "US"]
    delegations = []
    for code in countries:
        delegation = Delegation(
            conference=conference,
            country=code,
            category=DelegationCategory.PARTICIPATING_STATE,
            status="confirmed",
        )
        delegation.save()
        delegations.append(delegation)
    start = dt.datetime(2019, 5, 16, 9, tzinfo=conference.tz)
    session = Session.objects.create(
        conference=conference,
        title="Plenary: the floor under load",
        kind=SessionKind.PLENARY,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=8),
        speaking_minutes_state=5,
    )
    speakers = Participant.objects.bulk_create(
        Participant(
            conference=conference,
            delegation=delegations[n % len(delegations)],
            honorific="H.E. Mr.",
            given_names=f"Benchbek{n}",
            family_name=f"Floorov{n}",
            functional_title="Minister of Foreign Affairs",
            email=f"speaker{n}@bench.example",
            status="approved",
            badge_category=category,
        )
        for n in range(statements)
    )
    Statement.objects.bulk_create(
        Statement(session=session, speaker=s, delegation=s.delegation, order=n + 1)
        for n, s in enumerate(speakers)
    )
    user = get_user_model().objects.create_user("secretary", is_staff=True)
    user.groups.add(Group.objects.get(name="Protocol officer"))
    client = Client()
    client.force_login(user)
    return session.pk, client.cookies["sessionid"].value


def wait_for(url: str) -> None:
    for _ in range(200):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing answers at {url}")


class Console:
    """A signed-in console, posting over HTTP as console.js does (X-Requested-With: fetch)."""

    def __init__(self, session_pk: int, session_cookie: str) -> None:
        self.url = f"http://{HTTP_BIND[0]}:{HTTP_BIND[1]}/{SLUG}/sessions/{session_pk}/console/"
        self.cookie = f"sessionid={session_cookie}"
        page = self._open(urllib.request.Request(self.url, headers={"Cookie": self.cookie}))
        self.csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        self.cookie += f"; csrftoken={self.csrf_cookie}"
        self.current: int | None = self._current(page)

    def _open(self, request) -> str:
        with urllib.request.urlopen(request, timeout=30) as response:
            cookies = response.headers.get_all("Set-Cookie") or []
            for cookie in cookies:
                if cookie.startswith("csrftoken="):
                    self.csrf_cookie = cookie.split(";")[0].split("=", 1)[1]
            return response.read().decode()

    @staticmethod
    def _current(page: str) -> int | None:
        found = re.search(r'data-current-id="(\d+)"', page)
        return int(found.group(1)) if found else None

    def next(self) -> tuple[int, float]:
        """Press "next"; returns the new speaker and the response time in seconds."""
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": self.csrf, "action": "next", "seen": self.current or ""}
        ).encode()
        request = urllib.request.Request(
            self.url,
            data=body,
            headers={
                "Cookie": self.cookie,
                "X-Requested-With": "fetch",
                "Referer": self.url,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        began = time.perf_counter()
        page = self._open(request)
        took = time.perf_counter() - began
        self.current = self._current(page)
        return self.current, took


async def viewer(url: str, arrivals: dict, ready: asyncio.Event, counter: list) -> None:
    import websockets

    async with websockets.connect(
        url, origin="http://127.0.0.1", open_timeout=60, max_queue=None
    ) as socket:
        first = True
        async for raw in socket:
            state = json.loads(raw)
            now = time.perf_counter()
            current = state["current"]["id"] if state["current"] else None
            arrivals.setdefault(current, []).append(now)
            if first:
                first = False
                counter[0] += 1
                if counter[0] == VIEWERS:
                    ready.set()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


async def run(session_pk: int, cookie: str, runs: int) -> list[dict]:
    url = f"ws://{WS_BIND[0]}:{WS_BIND[1]}/ws/{SLUG}/sessions/{session_pk}/floor/?lang=en"
    arrivals: dict = {}
    ready, counter = asyncio.Event(), [0]
    connecting = time.perf_counter()
    tasks = []
    for _ in range(VIEWERS):
        tasks.append(asyncio.create_task(viewer(url, arrivals, ready, counter)))
        await asyncio.sleep(0.002)  # no thundering herd of handshakes
    await asyncio.wait_for(ready.wait(), timeout=120)
    print(f"{VIEWERS} viewers connected in {time.perf_counter() - connecting:.1f} s")
    console = Console(session_pk, cookie)
    loop = asyncio.get_running_loop()
    results = []
    for number in range(1, runs + 1):
        deliveries, responses, missing = [], [], 0
        for _ in range(ACTIONS):
            sent = time.perf_counter()
            current, took = await loop.run_in_executor(None, console.next)
            responses.append(took)
            deadline = sent + WAIT_FOR_VIEWERS
            while len(arrivals.get(current, ())) < VIEWERS and time.perf_counter() < deadline:
                await asyncio.sleep(0.005)
            got = arrivals.get(current, [])
            missing += VIEWERS - len(got)
            deliveries.append(max(got) - sent if got else WAIT_FOR_VIEWERS)
            await asyncio.sleep(0.2)
        load = os.getloadavg()
        results.append(
            {
                "delivery_p50": percentile(deliveries, 0.50),
                "delivery_p99": percentile(deliveries, 0.99),
                "action_p50": percentile(responses, 0.50),
                "action_p99": percentile(responses, 0.99),
                "missing": missing,
                "load": load,
            }
        )
        r = results[-1]
        print(
            f"run {number}: next -> last of {VIEWERS} viewers p50 {r['delivery_p50'] * 1000:.0f} ms"
            f" p99 {r['delivery_p99'] * 1000:.0f} ms; console response p50"
            f" {r['action_p50'] * 1000:.0f} ms p99 {r['action_p99'] * 1000:.0f} ms;"
            f" messages missed {missing}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
        )
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return results


def main() -> None:
    for tool in ("redis-server", "redis-cli"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: apt-get install -y redis-server")
    sys.path.insert(0, str(ROOT))
    os.environ.update(ENV)
    recreate_database()
    manage("migrate", "--noinput", "-v", "0")
    manage("collectstatic", "--noinput", "-v", "0")
    manage("compile_catalogues")
    import socket

    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", REDIS_PORT)) == 0:
            raise SystemExit(f"port {REDIS_PORT} is taken: set BENCH_REDIS_PORT to a free one")
    session_pk, cookie = seed(ACTIONS * RUNS + 5)
    bin_dir = Path(sys.executable).parent
    redis = subprocess.Popen(
        ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    servers = [redis]
    try:
        servers.append(
            subprocess.Popen(
                [str(bin_dir / "daphne"), "-b", WS_BIND[0], "-p", str(WS_BIND[1]),
                 "--verbosity", "0", "conference.asgi:application"],
                cwd=ROOT,
            )
        )  # fmt: skip
        servers.append(
            subprocess.Popen(
                [str(bin_dir / "gunicorn"), "conference.wsgi", "--workers", "2",
                 "--bind", f"{HTTP_BIND[0]}:{HTTP_BIND[1]}", "--log-level", "warning"],
                cwd=ROOT,
            )
        )  # fmt: skip
        wait_for(f"http://{HTTP_BIND[0]}:{HTTP_BIND[1]}/{SLUG}/")
        wait_for(f"http://{WS_BIND[0]}:{WS_BIND[1]}/{SLUG}/")
        results = asyncio.run(run(session_pk, cookie, RUNS))
        if redis.poll() is not None:
            print(f"the benchmark's Redis on port {REDIS_PORT} stopped during the runs: void")
    finally:
        for server in reversed(servers):  # Redis last, after the servers that use it
            server.terminate()
            server.wait()

    def median(key: str) -> float:
        return statistics.median(r[key] for r in results)

    delivery_p99, action_p99 = median("delivery_p99"), median("action_p99")
    print(f"\nmedian of {RUNS} runs, {ACTIONS} actions each, {VIEWERS} viewers:")
    print(
        f"  next -> last viewer   p50 {median('delivery_p50') * 1000:6.0f} ms   "
        f"p99 {delivery_p99 * 1000:6.0f} ms   target p99 <= {TARGET_DELIVERY_P99 * 1000:.0f} ms"
        f"  {'OK' if delivery_p99 <= TARGET_DELIVERY_P99 else 'MISSED'}"
    )
    print(
        f"  console response      p50 {median('action_p50') * 1000:6.0f} ms   "
        f"p99 {action_p99 * 1000:6.0f} ms   target <= {TARGET_ACTION * 1000:.0f} ms"
        f"  {'OK' if action_p99 <= TARGET_ACTION else 'MISSED'}"
    )
    load = os.getloadavg()
    print(f"  load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
