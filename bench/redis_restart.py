"""The public agenda under load while its Redis restarts: a scripted check, on PostgreSQL.

    .venv/bin/python bench/redis_restart.py
    BENCH_SECONDS=60 BENCH_KILL_AT=20 BENCH_DOWN_FOR=2 .venv/bin/python bench/redis_restart.py

It seeds the conference of bench/agenda.py (database plenary_bench_agenda, BENCH_DATABASE),
starts a redis-server of its own (port 6392, BENCH_REDIS_PORT; never the shared one) and one
gunicorn server (2 workers, DEBUG off) whose cache it is, and runs ``wrk -c64`` on the agenda
page for 60 s. At 20 s it kills that Redis, and starts it again 2 s later. It prints, for each
second, the responses by status (from bench/status_per_second.lua) and the transactions
PostgreSQL committed in the bench database, which are near zero only while pages come from
the cache. Target: no 5xx beyond the first second of the restart, and after it the agenda
served from the cache again (as few transactions a second as before the kill).
"""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.agenda import BINDS, ENV, ROOT, Redis, fetch, gunicorns, prepare  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SECONDS", "60"))
KILL_AT = float(os.environ.get("BENCH_KILL_AT", "20"))
DOWN_FOR = float(os.environ.get("BENCH_DOWN_FOR", "2"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "64"))


def transactions_per_second(stop: threading.Event, into: dict[int, int]) -> None:
    """Committed transactions in the bench database, sampled once a second."""
    import psycopg

    database = ENV["DATABASE_URL"].rsplit("/", 1)[1]
    query = "SELECT xact_commit FROM pg_stat_database WHERE datname = %s"
    with psycopg.connect(ENV["DATABASE_URL"], autocommit=True) as connection:
        last = connection.execute(query, [database]).fetchone()[0]
        while not stop.wait(1 - time.time() % 1):
            now = connection.execute(query, [database]).fetchone()[0]
            into[int(time.time()) - 1] = now - last  # the second that just ended
            last = now


def main() -> None:
    paths = prepare()
    agenda = f"http://{BINDS[0]}{paths['agenda page']}"
    redis = Redis()
    redis.start()
    events: dict[str, float] = {}
    try:
        with gunicorns(BINDS[0]):
            for _ in range(4):  # cache the page in both workers
                fetch(agenda)
            stop, transactions = threading.Event(), {}
            sampler = threading.Thread(target=transactions_per_second, args=(stop, transactions))
            sampler.start()
            command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--timeout", "10s",
                       "-s", str(ROOT / "bench" / "status_per_second.lua"), agenda]  # fmt: skip
            events["start"] = time.time()
            run = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
            time.sleep(KILL_AT)
            events["kill"] = time.time()
            redis.stop()
            time.sleep(DOWN_FOR)
            events["restart"] = time.time()
            redis.start()
            output, _ = run.communicate()
            stop.set()
            sampler.join()
            fetch(agenda)
            keys = redis.cli("DBSIZE")
    finally:
        redis.stop()

    start = int(events["start"])
    rows = [line.split()[1:] for line in output.splitlines() if line.startswith("second ")]
    print(f"\nwrk -c{CONNECTIONS} -d{SECONDS}s on {paths['agenda page']}, one gunicorn server × 2 "
          f"workers on PostgreSQL and its own Redis (port {redis.port}), {os.cpu_count()} CPUs; "
          f"Redis killed at {events['kill'] - start:.1f} s, started again at "
          f"{events['restart'] - start:.1f} s")  # fmt: skip
    print(f"{'second':>6}{'2xx':>8}{'5xx':>6}{'other':>7}{'PG xact':>9}  Redis")
    fives, fives_late, seconds = 0, 0, {}
    for second, ok, five, other in rows:
        second, ok, five, other = int(second), int(ok), int(five), int(other)
        seconds[second - start] = ok
        down = second + 1 > events["kill"] and second < events["restart"]
        state = "down" if down else ""
        fives += five
        if second > int(events["kill"]):
            fives_late += five
        xact = transactions.get(second, 0)
        print(f"{second - start:>6}{ok:>8}{five:>6}{other:>7}{xact:>9}  {state}")
    print(next(line for line in output.splitlines() if line.startswith("socket errors")))

    def rate(first: float, last: float) -> tuple[float, float]:
        span = [s for s in range(int(first), int(last)) if s + start in transactions]
        ok = sum(seconds.get(s, 0) for s in span) / max(1, len(span))
        xact = sum(transactions[s + start] for s in span) / max(1, len(span))
        return ok, xact

    before, after = rate(2, KILL_AT - 1), rate(events["restart"] - start + 3, SECONDS - 1)
    print(f"before the kill: {before[0]:.0f} req/s, {before[1]:.0f} PG transactions/s; "
          f"from 3 s after the restart: {after[0]:.0f} req/s, {after[1]:.0f} PG transactions/s; "
          f"Redis holds {keys} keys at the end")  # fmt: skip
    verdict = "ok" if fives_late == 0 else "FAILED"
    print(f"5xx in all: {fives}; after the first second of the outage: {fives_late}  {verdict}")


if __name__ == "__main__":
    main()
