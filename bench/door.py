"""Benchmark of the door at 100,000 participants on PostgreSQL: lookups and sustained scans.

    make bench-door        # or: .venv/bin/python bench/door.py [PARTICIPANTS]

It recreates the database plenary_bench_door (server from BENCH_POSTGRES) and seeds one
conference of PARTICIPANTS (default 100,000) with bulk_create: collected badges in the
plenary zone, names made of syllables in Latin and the same names in Cyrillic (about two
people per family name, as at a real conference), one paired scanner device.

1. Lookups, in this process, LOOKUPS times per kind after a warm-up, for each of RUNS runs:
   by typed badge number and by signed QR (``services._find_badge``, what every scan does
   first) and by name in Latin and in Cyrillic (``selectors.desk_search``). p50 and p99.
2. Sustained scans: two gunicorn workers (DEBUG off) on 127.0.0.1:BENCH_PORT, and wrk
   (bench/door_scan.lua) posting QR scans with the device key to the device API's scan
   endpoint (an entry at the plenary: the re-entry rules run, a row is written), CONNECTIONS
   connections for SECONDS seconds per run. Requests per second and p50/p99 latency.

BENCH_REUSE=1 keeps the database of the last run (no new seeding). It prints the median of
the RUNS runs with the load average beside and the targets: lookups
p99 <= 50 ms; scans >= 100/s with p99 <= 100 ms.
"""

import datetime as dt
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = os.environ.get("BENCH_DATABASE", "plenary_bench_door")
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
PORT = int(os.environ.get("BENCH_PORT", "8417"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
LOOKUPS = int(os.environ.get("BENCH_LOOKUPS", "400"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
TOKENS = ROOT / "var" / "bench-door-tokens.txt"
SLUG = "door-bench"
ENV = {
    "DATABASE_URL": f"{SERVER}/{DATABASE}",
    "DEBUG": "0",
    "SECRET_KEY": "bench-door-" + "x" * 40,
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "LOG_LEVEL": "WARNING",
    "SECURE_SSL_REDIRECT": "0",
    # DEBUG off refuses to start without mail settings; the bench sends none.
    "EMAIL_URL": "console:",
    "CACHE_BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "CACHE_LOCATION": "bench-door",
}
# Syllables and their Cyrillic spelling: 30 ** 3 family names, each in both scripts.
SYLLABLES = [
    ("ka", "ка"), ("ra", "ра"), ("zhan", "жан"), ("bek", "бек"), ("nur", "нур"),
    ("sul", "сул"), ("tan", "тан"), ("mir", "мир"), ("da", "да"), ("den", "ден"),
    ("gul", "гуль"), ("sar", "сар"), ("ay", "ай"), ("dos", "дос"), ("er", "ер"),
    ("ma", "ма"), ("ri", "ри"), ("na", "на"), ("lo", "ло"), ("vi", "ви"),
    ("sha", "ша"), ("to", "то"), ("ki", "ки"), ("ba", "ба"), ("yu", "ю"),
    ("sa", "са"), ("ti", "ти"), ("mo", "мо"), ("za", "за"), ("le", "ле"),
]  # fmt: skip
SUFFIXES = [("ov", "ов"), ("ova", "ова")]


def name(n: int) -> tuple[str, str, str, str]:
    """Family and given names of participant n: Latin family, Latin given, Cyrillic both."""
    rng = random.Random(n)
    family = [rng.choice(SYLLABLES) for _ in range(3)]
    given = [rng.choice(SYLLABLES) for _ in range(2)]
    suffix = SUFFIXES[n % 2]
    family_lat = "".join(s[0] for s in family).capitalize() + suffix[0]
    family_cyr = "".join(s[1] for s in family).capitalize() + suffix[1]
    given_lat = "".join(s[0] for s in given).capitalize()
    given_cyr = "".join(s[1] for s in given).capitalize()
    return family_lat, given_lat, f"{given_cyr} {family_cyr}", family_cyr


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")
    import django

    django.setup()


def seed(size: int) -> None:
    from django.utils import timezone

    from conference.models import Conference
    from participants.badging import selectors, services
    from participants.enums import AccreditationStatus
    from participants.models import (
        AccessZone,
        BadgeCategory,
        Delegation,
        IssuedBadge,
        Participant,
    )

    started = time.perf_counter()
    conference = Conference.objects.create(
        title="Door benchmark",
        short_title="Door",
        slug=SLUG,
        city="Dushanbe",
        country="TJ",
        start_date=dt.date(2026, 12, 1),
        end_date=dt.date(2026, 12, 31),
        time_zone="Asia/Dushanbe",
        badge_prefix="DOR",
        max_delegation_size=30_000,
    )
    plenary = AccessZone.objects.create(conference=conference, code="P", name="Plenary")
    category = BadgeCategory.objects.create(
        conference=conference, code="D", name="Delegate", colour_name="blue", colour="#1f4e9a"
    )
    category.zones.set([plenary])
    delegations = Delegation.objects.bulk_create(
        Delegation(conference=conference, country=code)
        for code in ("KZ", "KG", "TJ", "TM", "UZ", "AF", "DE", "FR", "JP", "SK")
    )
    now = timezone.now()
    people = []
    for n in range(size):
        family, given, cyrillic, _family_cyr = name(n)
        people.append(
            Participant(
                conference=conference,
                delegation=delegations[n % len(delegations)],
                given_names=given,
                family_name=family,
                name_cyrillic=cyrillic,
                email=f"door{n}@example.org",
                status=AccreditationStatus.APPROVED,
                badge_category=category,
                badge_number=n + 1,
            )
        )
    people = Participant.objects.bulk_create(people, batch_size=5_000)
    IssuedBadge.objects.bulk_create(
        (
            IssuedBadge(
                conference=conference,
                number=person.badge_number,
                participant=person,
                printed_at=now,
                collected_at=now,
            )
            for person in people
        ),
        batch_size=5_000,
    )
    Conference.objects.filter(pk=conference.pk).update(next_badge_number=size + 1)
    device, code = services.scanner_device_create(
        conference=conference, name="Bench gate", zones=[plenary], by=None
    )
    _device, key = services.scanner_device_pair(code=code)
    badges = list(IssuedBadge.objects.filter(conference=conference).values_list("pk", flat=True))
    rng = random.Random(7)
    TOKENS.parent.mkdir(parents=True, exist_ok=True)
    TOKENS.write_text(
        "\n".join(
            selectors.badge_token(badge=IssuedBadge(pk=pk))
            for pk in rng.sample(badges, min(20_000, len(badges)))
        )
        + "\n"
    )
    print(json.dumps({"key": key, "seconds": round(time.perf_counter() - started, 1)}))


def rekey(size: int) -> None:
    """A fresh key for the seeded device (BENCH_REUSE=1 keeps the database of a last run)."""
    from participants.badging import services
    from participants.models import ScannerDevice

    device = ScannerDevice.objects.get(conference__slug=SLUG)
    _device, key = services.scanner_device_pair(
        code=services.scanner_device_pairing_issue(device=device)
    )
    print(json.dumps({"key": key, "seconds": 0}))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def lookups(size: int) -> None:
    """p50/p99 in ms of each kind of lookup, LOOKUPS times each after a warm-up."""
    from conference.models import Conference
    from participants.badging import selectors, services
    from participants.models import IssuedBadge

    conference = Conference.objects.get(slug=SLUG)
    rng = random.Random(time.time_ns())
    numbers = [rng.randint(1, size) for _ in range(LOOKUPS)]
    ids = dict(
        IssuedBadge.objects.filter(conference=conference, number__in=numbers).values_list(
            "number", "pk"
        )
    )
    kinds = {
        "badge number": lambda n: services._find_badge(conference=conference, code=f"DOR-{n:04d}"),
        "QR token": lambda n: services._find_badge(
            conference=conference, code=selectors.badge_token(badge=IssuedBadge(pk=ids[n]))
        ),
        "name, Latin": lambda n: selectors.desk_search(conference=conference, query=name(n - 1)[0]),
        "name, Cyrillic": lambda n: selectors.desk_search(
            conference=conference, query=name(n - 1)[3]
        ),
        "name, 4 letters": lambda n: selectors.desk_search(
            conference=conference, query=name(n - 1)[0][:4]
        ),
    }
    results = {}
    for kind, lookup in kinds.items():
        for n in numbers[:20]:
            lookup(n)  # warm-up
        times = []
        found = 0
        for n in numbers:
            started = time.perf_counter()
            answer = lookup(n)
            times.append((time.perf_counter() - started) * 1000)
            found += bool(answer[0] if isinstance(answer, tuple) else answer)
        assert found == len(numbers), (kind, found)
        results[kind] = {"p50": percentile(times, 0.5), "p99": percentile(times, 0.99)}
    print(json.dumps(results))


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        connection.execute(f"CREATE DATABASE {DATABASE}")


def child(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, *args],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, **ENV},
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def wait_for(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers (a GET of the scan endpoint is 405)
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer at {url}")


def wrk(key: str) -> dict:
    url = f"http://127.0.0.1:{PORT}/desk/scanner/api/{SLUG}/scan/"
    command = [
        "wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{SECONDS}s", "--latency",
        "-s", str(ROOT / "bench" / "door_scan.lua"), url,
    ]  # fmt: skip
    env = {**os.environ, "DOOR_KEY": key, "DOOR_TOKENS": str(TOKENS)}
    output = subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout

    def ms(text: str) -> float:
        value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    latency = dict(re.findall(r"^\s+(50|99)\.000%\s+(\S+)", output, re.M))
    if not latency:
        latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", output, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": ms(latency["50"]),
        "p99": ms(latency["99"]),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a process and of its children (the gunicorn workers)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        pids.extend(int(child) for child in children)
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def main(size: int) -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    env = {**os.environ, **ENV}
    if os.environ.get("BENCH_REUSE") and TOKENS.exists():
        seeded = child("rekey", str(size))
        print(f"reusing {DATABASE} as the last run seeded it", flush=True)
    else:
        recreate_database()
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True, env=env)
        seeded = child("seed", str(size))
        print(f"seeded {size:,} participants and badges in {seeded['seconds']} s", flush=True)
    import psycopg

    with psycopg.connect(ENV["DATABASE_URL"], autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")

    lookup_runs = []
    for run in range(RUNS):
        load = os.getloadavg()[0]
        figures = child("lookups", str(size))
        lookup_runs.append((figures, load))
        line = "  ".join(f"{k} {v['p50']:.1f}/{v['p99']:.1f}" for k, v in figures.items())
        print(f"lookups run {run + 1} (load {load:.2f}): p50/p99 ms  {line}", flush=True)

    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "conference.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{PORT}",
         "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    scan_runs = []
    try:
        wait_for(f"http://127.0.0.1:{PORT}/desk/scanner/api/{SLUG}/scan/")
        for run in range(RUNS):
            load = os.getloadavg()[0]
            cpu = cpu_seconds(server.pid)
            figures = wrk(seeded["key"])
            requests = figures["per_second"] * SECONDS
            figures["cpu_ms"] = (cpu_seconds(server.pid) - cpu) * 1000 / max(requests, 1)
            scan_runs.append((figures, load))
            print(
                f"scans run {run + 1} (load {load:.2f}): {figures['per_second']:.0f}/s, "
                f"p50 {figures['p50']:.1f} ms, p99 {figures['p99']:.1f} ms, "
                f"non-2xx {figures['non_2xx']}, app CPU {figures['cpu_ms']:.1f} ms a scan",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait()

    print(f"\nmedian of {RUNS} runs at {size:,} participants (2 CPU cores, shared):")
    loads = [load for _f, load in lookup_runs]
    for kind in lookup_runs[0][0]:
        p50 = statistics.median(f[kind]["p50"] for f, _l in lookup_runs)
        p99 = statistics.median(f[kind]["p99"] for f, _l in lookup_runs)
        print(
            f"  lookup {kind:<16} p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  "
            f"(target p99 <= 50 ms: {p99 <= 50})  load {statistics.median(loads):.2f}"
        )
    rate = statistics.median(f["per_second"] for f, _l in scan_runs)
    p50 = statistics.median(f["p50"] for f, _l in scan_runs)
    p99 = statistics.median(f["p99"] for f, _l in scan_runs)
    errors = sum(f["non_2xx"] for f, _l in scan_runs)
    cpu = statistics.median(f["cpu_ms"] for f, _l in scan_runs)
    print(
        f"  scans, 2 gunicorn workers, wrk -c{CONNECTIONS} {SECONDS}s: {rate:.0f}/s, "
        f"p50 {p50:.1f} ms, p99 {p99:.1f} ms (target >= 100/s with p99 <= 100 ms: "
        f"{rate >= 100 and p99 <= 100}), non-2xx {errors}, "
        f"load {statistics.median(load for _f, load in scan_runs):.2f}"
    )
    print(
        f"  gunicorn CPU {cpu:.1f} ms a scan: two free cores would carry about "
        f"{2000 / cpu:.0f}/s in the app (PostgreSQL aside)"
    )


if __name__ == "__main__":
    if sys.argv[1:2] in (["seed"], ["lookups"], ["rekey"]):
        setup_django()
        {"seed": seed, "lookups": lookups, "rekey": rekey}[sys.argv[1]](int(sys.argv[2]))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
