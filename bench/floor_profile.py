"""Where a console action's time goes: queries, CPU and the share of each part, in one process.

    make bench-floor-profile
    BENCH_PROFILE_ROUNDS=40 .venv/bin/python bench/floor_profile.py

Figures that do not depend on the machine's load: the queries per action, and the CPU time
per action, of the answer's thread and of the whole process (the publisher thread's included;
the database's and Redis's own work is not in it). The console
posts as bench/floor.py's does (X-Requested-With: fetch, the panel comes back), through the
whole middleware stack with Django's test client, on PostgreSQL (BENCH_POSTGRES, recreating
plenary_bench_floor_profile) and a redis-server of its own on port 6472 (BENCH_REDIS_PORT)
for the cache and the channel layer. Each round presses "next", "pause" and "resume"; the
first round warms up and is not counted. A second pass under cProfile splits each kind of
action into the service, publishing to the projectors, retiring the cached public pages, and
the rest (the console's panel, middleware).
"""

import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import time

os.environ.setdefault("BENCH_DATABASE", "plenary_bench_floor_profile")
os.environ.setdefault("BENCH_REDIS_PORT", "6472")

import floor  # noqa: E402  bench/floor.py: the same database, seed and settings

ROUNDS = int(os.environ.get("BENCH_PROFILE_ROUNDS", "40"))
TOP = int(os.environ.get("BENCH_PROFILE_TOP", "0"))  # also print the top functions of each
SQL = os.environ.get("BENCH_PROFILE_SQL") == "1"  # also print the queries of each kind's last
KINDS = ("next", "pause", "resume")
# (label, file ending, function): cumulative time of each, from the profile.
PARTS = (
    ("service", "sessions/services.py", None),
    ("publish in the answer (_send)", "sessions/live.py", "_send"),
    ("retire cached pages", "conference/site/publishing.py", "public_pages_invalidate"),
    ("forget conference state", "conference/site/caching.py", "forget_public_conference"),
    ("console panel render", "django/shortcuts.py", "render"),
)
# What each kind needs pressed first: a current speaker, a paused one.
BEFORE = {"next": (), "pause": ("next",), "resume": ("next", "pause")}
SERVICES = {
    "next": "speakers_list_next",
    "pause": "statement_floor_pause",
    "resume": "statement_floor_resume",
}


class Console:
    def __init__(self, session_pk: int):
        from django.contrib.auth import get_user_model
        from django.test import Client

        self.client = Client()
        self.client.force_login(get_user_model().objects.get(username="secretary"))
        self.url = f"/{floor.SLUG}/sessions/{session_pk}/console/"
        self.current = None

    def press(self, kind: str) -> None:
        data = {"action": kind}
        if kind == "next":
            data["seen"] = self.current or ""
        else:
            data["statement"] = self.current
        response = self.client.post(self.url, data, headers={"X-Requested-With": "fetch"})
        assert response.status_code == 200, response.content.decode()[:500]
        if kind == "next":
            found = floor.re.search(r'data-current-id="(\d+)"', response.content.decode())
            self.current = int(found.group(1))


def measure(console: Console) -> dict[str, list[tuple[float, float, float, int]]]:
    """(wall s, CPU s of the answer, CPU s of the process, queries) of every action, by kind.

    The process's CPU includes the publisher thread's, waited for after each action.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sessions.live import floor_publish_wait

    figures: dict[str, list] = {kind: [] for kind in KINDS}
    for round_number in range(ROUNDS + 1):
        for kind in KINDS:
            with CaptureQueriesContext(connection) as queries:
                process = time.process_time()
                wall, cpu = time.perf_counter(), time.thread_time()
                console.press(kind)
                wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
            floor_publish_wait(timeout=10)
            process = time.process_time() - process
            if round_number:
                figures[kind].append((wall, cpu, process, len(queries)))
            if SQL and round_number == ROUNDS:
                print(f"\n{kind}: {len(queries)} queries")
                for query in queries.captured_queries:
                    print("  ", query["sql"][:160])
    return figures


def cumulative(stats: pstats.Stats, ending: str, name: str) -> float:
    return sum(
        row[3]
        for (path, _line, function), row in stats.stats.items()
        if path.endswith(ending) and function == name
    )


def profile(console: Console) -> dict[str, dict[str, float]]:
    """Seconds per action in each part, by kind, under cProfile."""
    shares = {}
    for kind in KINDS:
        profiler = cProfile.Profile()
        for _ in range(ROUNDS):
            for before in BEFORE[kind]:
                console.press(before)
            profiler.enable()
            console.press(kind)
            profiler.disable()
        stats = pstats.Stats(profiler)
        if TOP:
            print(f"\n{kind}: the top {TOP} functions by cumulative time, {ROUNDS} actions")
            stats.sort_stats("cumulative").print_stats(TOP)
        total = cumulative(stats, "django/test/client.py", "post")
        parts = {"total": total / ROUNDS}
        for label, ending, name in PARTS:
            parts[label] = cumulative(stats, ending, name or SERVICES[kind]) / ROUNDS
        shares[kind] = parts
    return shares


def main() -> None:
    root = floor.ROOT
    sys.path.insert(0, str(root))
    os.environ.update(floor.ENV)
    floor.recreate_database()
    floor.manage("migrate", "--noinput", "-v", "0")
    redis = subprocess.Popen(
        ["redis-server", "--port", str(floor.REDIS_PORT), "--bind", "127.0.0.1", "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    try:
        time.sleep(0.3)
        # next, pause, resume per round; the profile's pass moves on as many again.
        session_pk, _cookie = floor.seed((ROUNDS + 1) * 3 + ROUNDS * 3 + 5)
        from django.conf import settings

        settings.ALLOWED_HOSTS = ["testserver"]
        console = Console(session_pk)
        figures = measure(console)
        shares = profile(console)
    finally:
        redis.terminate()
        redis.wait()
    load = os.getloadavg()
    print(f"{ROUNDS} actions of each kind, PostgreSQL and a Redis of its own; in process:")
    print(
        f"{'action':8} {'queries':>8} {'answer CPU ms':>14} {'process CPU ms':>15}"
        f" {'wall ms p50':>12} {'wall ms p99':>12}   (medians)"
    )
    for kind in KINDS:
        walls = [f[0] for f in figures[kind]]
        queries = sorted({f[3] for f in figures[kind]})
        print(
            f"{kind:8} {'/'.join(map(str, queries)):>8}"
            f" {statistics.median(f[1] for f in figures[kind]) * 1000:14.1f}"
            f" {statistics.median(f[2] for f in figures[kind]) * 1000:15.1f}"
            f" {statistics.median(walls) * 1000:12.1f}"
            f" {floor.percentile(walls, 0.99) * 1000:12.1f}"
        )
    print("\nunder cProfile, ms per action (wall, the profiler's overhead included):")
    labels = ["total", *(label for label, _e, _n in PARTS)]
    print(f"{'part':34} " + " ".join(f"{kind:>8}" for kind in KINDS))
    for label in labels:
        print(f"{label:34} " + " ".join(f"{shares[k][label] * 1000:8.1f}" for k in KINDS))
    print(f"\nload average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
