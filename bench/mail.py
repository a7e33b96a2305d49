"""Benchmark of a bulk approval of 400 demo participants with the queue's broker up.

    make bench-mail        # or: .venv/bin/python bench/mail.py [COUNT]

It recreates the database plenary_bench_mail (server from BENCH_POSTGRES) and loads the
demo, puts COUNT (default 400) Dushanbe participants in security vetting and posts the
admin's "Approve" action for all of them, signed in as a superuser, with Celery sending to
the broker BENCH_BROKER (default redis://127.0.0.1:6379/1) and no worker running: the
figure is the request's time, the status changes, the badges, the audit rows, the digests
written to the outbox and handed to Redis included. The tasks it queued are removed after
(FLUSHDB of that Redis database only), so no worker sends the benchmark's mail later.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "plenary_bench_mail"
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
BROKER = os.environ.get("BENCH_BROKER", "redis://127.0.0.1:6379/1")
TARGET_SECONDS = 2.0


def environment() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{DATABASE}",
        "CELERY_BROKER_URL": BROKER,
        "ALLOWED_HOSTS": "testserver",
        "DEBUG": "1",
        # The console backend would print every message; none is sent here anyway.
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        connection.execute(f"CREATE DATABASE {DATABASE}")


def measure(count: int) -> None:
    os.environ.update(environment())
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")
    import django

    django.setup()
    import redis
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from conference.mail.models import OutboxMessage
    from conference.models import Conference
    from participants.models import Participant

    queue = redis.Redis.from_url(BROKER)
    queue.flushdb()
    chosen = list(
        Participant.objects.filter(conference__slug="dushanbe-2019")
        .exclude(status__in=["rejected", "cancelled", "revoked"])
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )
    if len(chosen) < count:
        sys.exit(f"the demo has only {len(chosen)} participants to approve, not {count}")
    # Setup, not measured: the participants wait in vetting, without a badge, and the demo
    # conference does not ask for the passport data a few of them lack.
    Participant.objects.filter(pk__in=chosen).update(status="vetting", badge_number=None)
    Conference.objects.filter(slug="dushanbe-2019").update(requires_passport_data=False)
    user, _ = get_user_model().objects.get_or_create(
        username="bench-mail", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    outbox_before = OutboxMessage.objects.count()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.post(
            reverse("admin:participants_participant_changelist"),
            {
                "action": "transition_approve",
                ACTION_CHECKBOX_NAME: chosen,
                "confirm": "yes",
                "reason": "",
                "message": "",
            },
        )
        seconds = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    approved = Participant.objects.filter(pk__in=chosen, status="approved").count()
    written = OutboxMessage.objects.count() - outbox_before
    queued = queue.llen("celery")
    queue.flushdb()
    print(
        f"bulk approval of {count} demo participants: {seconds:.2f} s "
        f"(target < {TARGET_SECONDS:.0f} s: {seconds < TARGET_SECONDS}), {len(queries)} queries; "
        f"{approved} approved, {written} digests in the outbox, {queued} tasks on the broker"
    )


def main(count: int) -> None:
    recreate_database()
    env = environment()
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True, env=env)
    started = time.perf_counter()
    subprocess.run([*manage, "load_demo"], cwd=ROOT, check=True, env=env, stdout=subprocess.DEVNULL)
    print(f"demo loaded in {time.perf_counter() - started:.1f} s", flush=True)
    subprocess.run([sys.executable, __file__, "measure", str(count)], cwd=ROOT, check=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["measure"]:
        measure(int(sys.argv[2]))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 400)
