"""Benchmark of the cached public pages against a bare WSGI app, under the same gunicorn.

    make bench-public        # or: .venv/bin/python bench/public.py

It seeds the agenda benchmark's conference (bench/agenda.py: 2 days × 3 rooms × 10 sessions,
120 speakers) into its own database, plenary_bench_public (BENCH_DATABASE), starts its own
redis-server on port 6393 (BENCH_REDIS_PORT; never the shared one), then two gunicorn servers
with the same settings (2 sync workers, gunicorn.conf.py): Plenary (DEBUG off, Redis cache)
and a bare WSGI callable (bench/bare_wsgi.py) that answers "ok". wrk (-t2 -c16, BENCH_SECONDS
each) loads every cached public page as an anonymous visitor, Plenary's own 404 (the
framework's floor) and the bare floor, in rounds: each round runs every target once, the bare
floor first and last, so a change in the machine's load touches all of them. It prints the
median of BENCH_ROUNDS (3) rounds per target with the load average, and each page's share of
the bare floor beside the target (>= 0.8x). Then bench/public_inprocess.py gives the CPU
microseconds per request of each page in-process, with and without the ready copies
(conference/site/ready.py): figures the machine's load changes far less than wrk's.
"""

import os
import re
import statistics
import subprocess
import sys
import urllib.request
from contextlib import contextmanager
from pathlib import Path

os.environ.setdefault("BENCH_DATABASE", "plenary_bench_public")
os.environ.setdefault("BENCH_REDIS_PORT", "6393")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import agenda  # noqa: E402  (bench/agenda.py: seeding, Redis, wrk)

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
TARGET = 0.8
PLENARY, FLOOR = "127.0.0.1:8407", "127.0.0.1:8408"


@contextmanager
def servers():
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    common = ["--workers", "2", "--log-level", "warning"]
    processes = [
        subprocess.Popen(
            [gunicorn, "conference.wsgi", "--bind", PLENARY, *common], cwd=agenda.ROOT
        ),
        subprocess.Popen([gunicorn, "bench.bare_wsgi", "--bind", FLOOR, *common], cwd=agenda.ROOT),
    ]
    try:
        agenda.wait_for(f"http://{PLENARY}/bench/trivial/")
        agenda.wait_for(f"http://{FLOOR}/")
        yield
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait()


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def main() -> None:
    paths = agenda.prepare()
    slug = agenda.SLUG
    session = paths["session page"]
    targets = {
        "site index": "/",
        "conference home": f"/{slug}/",
        "agenda page": paths["agenda page"],
        "session page": session,
        "speakers index": paths["speakers index"],
        "delegations": f"/{slug}/delegations/",
        "documents": f"/{slug}/documents/",
        "iCal feed": paths["iCal feed"],
        "JSON feed": f"/{slug}/agenda.json",
        "XML schedule": f"/{slug}/schedule.xml",
    }
    redis = agenda.Redis(agenda.REDIS_PORT)
    redis.start()
    results: dict[str, list[float]] = {}
    try:
        with servers():
            page = agenda.fetch(f"http://{PLENARY}{session}")
            speaker = re.search(rf"/{slug}/speakers/\d+/", page).group(0)
            targets["speaker page"] = speaker
            urls = {name: f"http://{PLENARY}{path}" for name, path in targets.items()}
            for name, url in urls.items():
                for _ in range(4):  # into the shared cache and each worker's own copy
                    assert status(url) == 200, (name, url)
            framework = f"http://{PLENARY}/no-such-page/at-all/"
            assert status(framework) == 404
            order = [("bare WSGI floor", f"http://{FLOOR}/"), *urls.items()]
            order += [("Plenary 404", framework), ("bare WSGI floor", f"http://{FLOOR}/")]
            loads = []
            for _ in range(ROUNDS):
                loads.append(os.getloadavg()[0])
                for name, url in order:
                    rps = float(agenda.wrk(url, allow_errors=name == "Plenary 404")["rps"])
                    results.setdefault(name, []).append(rps)
        # The same pages in-process, CPU time per request by layer (bench/public_inprocess.py).
        inprocess = subprocess.run(
            [sys.executable, str(Path(__file__).parent / "public_inprocess.py"), *targets.values()],
            cwd=agenda.ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        redis.stop()
    floor = statistics.median(results["bare WSGI floor"])
    print(
        f"\ngunicorn 2 sync workers each, wrk -t2 -c{agenda.CONNECTIONS} {agenda.SECONDS}s, "
        f"median of {ROUNDS} rounds on {os.cpu_count()} CPUs; load average (1 min) at the "
        f"start of each round: {', '.join(f'{load:.2f}' for load in loads)}"
    )
    print(f"{'target':<18}{'req/s (median)':>16}  {'runs':<34}{'vs floor':>9}   target")
    for name in ["bare WSGI floor", "Plenary 404", *targets]:
        runs = results[name]
        median = statistics.median(runs)
        share = median / floor
        if name == "bare WSGI floor":
            verdict = "-"
        elif name == "Plenary 404":
            verdict = "- (framework floor, for reference)"
        else:
            verdict = f">= {TARGET}x: {'ok' if share >= TARGET else 'MISSED'}"
        shown = " / ".join(f"{run:.0f}" for run in runs)
        print(f"{name:<18}{median:>16.0f}  {shown:<34}{share:>8.2f}x   {verdict}")
    print(inprocess)


if __name__ == "__main__":
    main()
