"""Benchmark of the partners' API on PostgreSQL: paging, webhooks, an .xlsx import.

    make bench-api           # or: .venv/bin/python bench/api.py

It recreates the database plenary_bench_api (server from BENCH_POSTGRES) and prints, each
the median of 3 runs, with the load average:

1. Listing 100,000 participants page by page (GET /api/v1/participants/?page_size=500, 200
   pages, through Django's test client in this process): the time per page (median, 95th
   percentile, the first ten pages against the last ten) and the queries of every page (a
   set: one number when flat).
2. 1,000 webhook deliveries: a bulk approval of 1,000 participants writes them in its
   transaction; a Celery worker (2 processes, broker BENCH_BROKER, default
   redis://127.0.0.1:6379/1, on a queue of its own) posts them to a receiver on 127.0.0.1
   that answers 500 to every tenth request, so those are retried (after 1 s). Printed: the
   approval's time, the time until every delivery is delivered, attempts, and what the
   receiver accepted (each delivery id exactly once: nothing lost, nothing twice).
3. An .xlsx of 10,000 participants imported through the job (upload and check, then the
   import, eagerly as with no broker).
"""

import datetime as dt
import io
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = os.environ.get("BENCH_DATABASE", "plenary_bench_api")
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
BROKER = os.environ.get("BENCH_BROKER", "redis://127.0.0.1:6379/1")
# The parent names the queue; its children (and the worker) inherit the name.
QUEUE = os.environ.setdefault("BENCH_QUEUE", f"bench-api-{uuid.uuid4().hex[:8]}")
PARTICIPANTS = 100_000
PAGE_SIZE = 500
DELIVERIES = 1_000
XLSX_ROWS = 10_000
RUNS = 3
ENV = {
    "DATABASE_URL": f"{SERVER}/{DATABASE}",
    "DJANGO_SETTINGS_MODULE": "bench.api_settings",
    "CELERY_BROKER_URL": BROKER,
    "BENCH_QUEUE": QUEUE,
    "DEBUG": "1",
    "LOG_LEVEL": "WARNING",
}


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(ENV)
    import django

    django.setup()


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        connection.execute(f"CREATE DATABASE {DATABASE}")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        check=True,
        env={**os.environ, **ENV},
    )


def _conference(slug: str, *, delegations: int):
    from conference.enums import ConferenceStatus
    from conference.models import Conference
    from participants.models import AccessZone, BadgeCategory, Delegation

    conference = Conference.objects.create(
        title=f"API benchmark {slug}",
        short_title=slug,
        slug=slug,
        city="Dushanbe",
        country="TJ",
        start_date=dt.date(2019, 5, 16),
        end_date=dt.date(2019, 5, 17),
        time_zone="Asia/Dushanbe",
        status=ConferenceStatus.REGISTRATION_OPEN,
        max_delegation_size=30_000,
        # The members made here carry no identity data; approval would refuse them.
        requires_passport_data=False,
        requires_photo=False,
    )
    zones = [
        AccessZone.objects.create(conference=conference, code=code, name=code)
        for code in ("P", "V", "M")
    ]
    category = BadgeCategory.objects.create(
        conference=conference, code="DEL", name="Delegate", colour_name="Red", colour="#C8102E"
    )
    category.zones.set(zones)
    codes = ["KZ", "KG", "TJ", "TM", "UZ", "AF", "DE", "FR", "JP", "SK"]
    made = [
        Delegation.objects.create(conference=conference, country=code)
        for code in codes[:delegations]
    ]
    return conference, category, made


def seed() -> None:
    from participants.enums import AccreditationStatus
    from participants.models import Participant

    conference, category, delegations = _conference("api-list", delegations=10)
    Participant.objects.bulk_create(
        (
            Participant(
                conference=conference,
                delegation=delegations[n % len(delegations)],
                given_names=f"Benchbek {n}",
                family_name=f"Пешко-Lajčák {n}",
                email=f"member{n}@example.org",
                status=AccreditationStatus.APPROVED,
                badge_category=category,
                badge_number=n + 1,
            )
            for n in range(PARTICIPANTS)
        ),
        batch_size=5_000,
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _token(conference, **scopes):
    from django.utils import timezone

    from api.models import ApiToken
    from api.services import api_token_create

    return api_token_create(
        token=ApiToken(
            conference=conference,
            name="bench",
            expires_at=timezone.now() + dt.timedelta(days=1),
            **scopes,
        ),
        by=None,
    )[1]


def list_all() -> dict:
    from urllib.parse import urlsplit

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from conference.models import Conference

    conference = Conference.objects.get(slug="api-list")
    key = _token(conference, can_read=True)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    path = f"/api/v1/participants/?page_size={PAGE_SIZE}"
    times, queries, seen = [], [], 0
    started = time.perf_counter()
    while path:
        with CaptureQueriesContext(connection) as captured:
            begun = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - begun)
        assert response.status_code == 200, response.content[:300]
        body = response.json()
        seen += len(body["results"])
        queries.append(len(captured))
        path = (
            urlsplit(body["next"])._replace(scheme="", netloc="").geturl() if body["next"] else ""
        )
    total = time.perf_counter() - started
    assert seen == PARTICIPANTS, seen
    ordered = sorted(times)
    return {
        "pages": len(times),
        "rows": seen,
        "total_s": round(total, 2),
        "page_median_ms": round(statistics.median(times) * 1000, 1),
        "page_p95_ms": round(ordered[int(len(ordered) * 0.95)] * 1000, 1),
        "first10_median_ms": round(statistics.median(times[1:11]) * 1000, 1),
        "last10_median_ms": round(statistics.median(times[-10:]) * 1000, 1),
        # The first call also notes the token's last use (at most once a minute).
        "queries_first_page": queries[0],
        "queries_per_page": sorted(set(queries[1:])),
    }


class _Receiver:
    """Answers 500 to every tenth request, 204 otherwise; records accepted delivery ids."""

    def __init__(self):
        self.accepted: list[str] = []
        self.requests = 0
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with outer.lock:
                    outer.requests += 1
                    fail = outer.requests % 10 == 0
                    if not fail:
                        outer.accepted.append(self.headers["X-Plenary-Delivery"])
                self.send_response(500 if fail else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"


def deliveries(run: int) -> dict:
    from django.db.models import Sum

    from api.enums import DeliveryStatus
    from api.models import WebhookDelivery, WebhookEndpoint
    from api.services import webhook_endpoint_create
    from conference.enums import DomainEvent
    from participants.accreditation.services import participants_transition
    from participants.enums import AccreditationStatus
    from participants.models import Participant

    conference, _category, delegations = _conference(f"api-hooks-{run}", delegations=10)
    people = Participant.objects.bulk_create(
        Participant(
            conference=conference,
            delegation=delegations[n % len(delegations)],
            given_names=f"Hookbek {n}",
            family_name=f"Member {n}",
            email=f"hook{run}-{n}@example.org",
            status=AccreditationStatus.VETTING,
        )
        for n in range(DELIVERIES)
    )
    receiver = _Receiver()
    webhook_endpoint_create(
        endpoint=WebhookEndpoint(
            conference=conference,
            name="bench receiver",
            url=receiver.url,
            events=[DomainEvent.PARTICIPANT_APPROVED],
            owner_email="bench@example.org",
        )
    )
    started = time.perf_counter()
    done, refused = participants_transition(name="approve", participants=people, by=None)
    approved = time.perf_counter() - started
    assert (len(done), refused) == (DELIVERIES, []), refused[:3]
    rows = WebhookDelivery.objects.filter(endpoint__conference=conference)
    assert rows.count() == DELIVERIES
    deadline = time.monotonic() + 600
    while rows.filter(status=DeliveryStatus.PENDING).exists():
        if time.monotonic() > deadline:
            raise SystemExit("deliveries still pending after 10 minutes")
        time.sleep(0.2)
    delivered = time.perf_counter() - started
    receiver.server.shutdown()
    by_status = {status: rows.filter(status=status).count() for status in DeliveryStatus.values}
    ids = {str(pk) for pk in rows.values_list("pk", flat=True)}
    return {
        "deliveries": DELIVERIES,
        "approval_with_deliveries_s": round(approved, 2),
        "all_delivered_s": round(delivered, 2),
        "per_second": round(DELIVERIES / delivered, 1),
        "statuses": by_status,
        "attempts": rows.aggregate(n=Sum("attempts"))["n"],
        "receiver_requests": receiver.requests,
        "accepted_once_each": sorted(receiver.accepted) == sorted(ids),
        "lost": len(ids - set(receiver.accepted)),
    }


def xlsx_import(run: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import override_settings
    from openpyxl import Workbook

    from conference.csvio.reader import decode
    from participants.enums import ImportJobStatus
    from participants.imports.services import import_job_confirm, import_job_upload

    conference, _category, delegations = _conference(f"api-xlsx-{run}", delegations=10)
    book = Workbook()
    sheet = book.active
    sheet.append(["E-mail", "Имя", "Фамилия", "Должность", "Роль", "Страна", "Прибытие"])
    for n in range(XLSX_ROWS):
        sheet.append(
            [
                f"x{run}-{n}@example.org",
                f"Benchbek {n}",
                f"Пешко-Lajčák {n}",
                "Counsellor",
                "adviser",
                delegations[n % len(delegations)].country.code,
                dt.datetime(2019, 5, 15, 10 + n % 10, 30),
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    raw = buffer.getvalue()
    user, _ = get_user_model().objects.get_or_create(username="bench-api")
    with override_settings(CELERY_TASK_ALWAYS_EAGER=True):
        from conference.celery import app

        app.conf.task_always_eager = True
        started = time.perf_counter()
        text = decode(raw)
        read = time.perf_counter() - started
        job = import_job_upload(conference=conference, text=text, delegation=None, by=user)
        checked = time.perf_counter() - started
        job.refresh_from_db()
        assert job.status == ImportJobStatus.PREVIEWED, job.errors[:3]
        job = import_job_confirm(job=job, by=user)
        total = time.perf_counter() - started
        app.conf.task_always_eager = False
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportJobStatus.DONE, XLSX_ROWS), job.errors[:3]
    return {
        "rows": XLSX_ROWS,
        "file_mb": round(len(raw) / 1e6, 2),
        "read_xlsx_s": round(read, 2),
        "upload_and_check_s": round(checked, 2),
        "import_s": round(total - checked, 2),
        "total_s": round(total, 2),
    }


def _median(results: list[dict], key: str) -> float:
    return round(statistics.median(result[key] for result in results), 2)


def _worker() -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "conference",
            "worker",
            "--concurrency",
            "2",
            "--loglevel",
            "WARNING",
            "-Q",
            QUEUE,
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env={**os.environ, **ENV, "PYTHONPATH": str(ROOT)},
    )


def main() -> None:
    recreate_database()
    subprocess.run([sys.executable, __file__, "seed"], check=True)
    print(f"load average before: {os.getloadavg()}", flush=True)
    listing = [json.loads(_child("list")) for _ in range(RUNS)]
    for result in listing:
        print("list", json.dumps(result), flush=True)
    worker = _worker()
    try:
        time.sleep(5)
        hooks = [json.loads(_child("hooks", str(run))) for run in range(RUNS)]
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        _forget_queue()
    for result in hooks:
        print("webhooks", json.dumps(result), flush=True)
    imports = [json.loads(_child("xlsx", str(run))) for run in range(RUNS)]
    for result in imports:
        print("xlsx", json.dumps(result), flush=True)
    print(f"load average after: {os.getloadavg()}")
    print("medians of 3 and targets:")
    print(
        f"  100,000 participants in {listing[0]['pages']} pages of {PAGE_SIZE}: "
        f"{_median(listing, 'total_s')} s, {_median(listing, 'page_median_ms')} ms a page "
        f"(p95 {_median(listing, 'page_p95_ms')} ms; first ten "
        f"{_median(listing, 'first10_median_ms')} ms, last ten "
        f"{_median(listing, 'last10_median_ms')} ms; target <= 200 ms a page, "
        f"the last no slower than the first); queries per page {listing[0]['queries_per_page']}"
        f" after the first's {listing[0]['queries_first_page']} (target: one number)"
    )
    print(
        f"  1,000 webhook deliveries: approval with its deliveries "
        f"{_median(hooks, 'approval_with_deliveries_s')} s, all delivered in "
        f"{_median(hooks, 'all_delivered_s')} s ({_median(hooks, 'per_second')}/s; target "
        f"<= 60 s), lost {max(h['lost'] for h in hooks)} (target 0), each accepted once: "
        f"{all(h['accepted_once_each'] for h in hooks)}"
    )
    print(
        f"  .xlsx import of 10,000 rows: {_median(imports, 'total_s')} s (read "
        f"{_median(imports, 'read_xlsx_s')} s, check {_median(imports, 'upload_and_check_s')} s,"
        f" import {_median(imports, 'import_s')} s; target <= 15 s)"
    )


def _forget_queue() -> None:
    """Remove the benchmark's own queue from the shared Redis (its keys only)."""
    import redis

    client = redis.Redis.from_url(BROKER)
    client.delete(QUEUE, f"_kombu.binding.{QUEUE}", f"_kombu.binding_permanent.{QUEUE}")


def _child(*args: str) -> str:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, stdout=subprocess.PIPE, text=True
    ).stdout
    return out.strip().splitlines()[-1]


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command:
        setup_django()
    if command == "seed":
        seed()
    elif command == "list":
        print(json.dumps(list_all()))
    elif command == "hooks":
        print(json.dumps(deliveries(int(sys.argv[2]))))
    elif command == "xlsx":
        print(json.dumps(xlsx_import(int(sys.argv[2]))))
    else:
        main()
