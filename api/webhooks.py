"""Webhooks: a delivery row per event and endpoint, written in the change's transaction,
then sent by a task, signed, retried with exponential backoff.

Signature: ``X-Plenary-Signature: sha256=<hex>``, the HMAC-SHA256 with the endpoint's secret
of ``<X-Plenary-Timestamp>.<body>`` (the timestamp in Unix seconds, the raw body's bytes).
A receiver recomputes it and refuses timestamps older than a few minutes (replay).
``X-Plenary-Delivery`` is the delivery's id: the same on every retry, so a receiver can
ignore a delivery it has already accepted.
"""

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError

from conference.events import Event
from conference.mail.services import Outgoing, outbox_write

from .enums import DeliveryStatus
from .mails import ENDPOINT_DISABLED
from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)
USER_AGENT = "Plenary-Webhooks/1"


def sign(*, secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def verify(*, secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver does (and the tests): recompute and compare in constant time."""
    return hmac.compare_digest(sign(secret=secret, timestamp=int(timestamp), body=body), signature)


def webhooks_enqueue(*, conference_id: int, events: list[Event]) -> None:
    """The ``conference.events`` subscriber: one delivery per event and endpoint wanting it.

    Runs in the caller's transaction, so the deliveries commit with the change or not at all;
    the sending is queued once it commits.
    """
    # By id: the model's ordering (conference, name) would join and sort at every check-in.
    endpoints = list(
        WebhookEndpoint.objects.filter(conference_id=conference_id, is_active=True)
        .only("pk", "events")
        .order_by("pk")
    )
    if not endpoints:
        return
    now = timezone.now()
    rows = [
        WebhookDelivery(
            endpoint=endpoint,
            event=event.kind,
            payload={"event": event.kind, "conference": conference_id, "data": dict(event.payload)},
            next_attempt_at=now,
        )
        for event in events
        for endpoint in endpoints
        if event.kind in endpoint.events
    ]
    if not rows:
        return
    created = WebhookDelivery.objects.bulk_create(rows)
    ids = [row.pk for row in created]
    transaction.on_commit(lambda: deliveries_enqueue(ids), robust=True)


def deliveries_enqueue(ids: Iterable[int]) -> None:
    """Hand the deliveries to the queue; with the broker down the sweep sends them later."""
    from .tasks import webhook_deliver

    for delivery_id in ids:
        try:
            webhook_deliver.delay(delivery_id)
        except OperationalError:
            log.warning("Webhook delivery %s left for the sweep: broker unreachable", delivery_id)
            return


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure: the base, doubled each time."""
    return timedelta(seconds=settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempts - 1))


def _post(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> tuple[int | None, str]:
    body = json.dumps(
        {"id": delivery.pk, "created_at": delivery.created_at.isoformat(), **delivery.payload},
        separators=(",", ":"),
        sort_keys=True,
    ).encode()
    timestamp = int(time.time())
    request = urllib.request.Request(
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Plenary-Event": delivery.event,
            "X-Plenary-Delivery": str(delivery.pk),
            "X-Plenary-Timestamp": str(timestamp),
            "X-Plenary-Signature": sign(secret=endpoint.secret, timestamp=timestamp, body=body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as answer:
            return answer.status, ""
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (OSError, ValueError) as error:  # refused, timed out, DNS, a malformed URL
        return None, f"{type(error).__name__}: {error}"[:300]


def delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Send one pending delivery once; returns it, or None when there was nothing to send.

    The claim (attempts + 1, the next attempt pushed back) is one conditional UPDATE, so two
    workers, or a worker and the sweep, never send the same attempt twice. A 2xx answer is
    delivered; anything else waits its backoff, up to WEBHOOK_MAX_ATTEMPTS, then failed.
    """
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id,
        status=DeliveryStatus.PENDING,
        next_attempt_at__lte=now,
        endpoint__is_active=True,
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + timedelta(minutes=10))
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    started = time.monotonic()
    status_code, error = _post(endpoint, delivery)
    duration = int((time.monotonic() - started) * 1000)
    ok = status_code is not None and 200 <= status_code < 300
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery, status_code=status_code, error=error, duration_ms=duration
        )
        delivery.last_status_code = status_code
        if ok:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = timezone.now()
            delivery.next_attempt_at = None
        elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
        delivery.save(
            update_fields=["status", "last_status_code", "delivered_at", "next_attempt_at"]
        )
        _endpoint_health(endpoint, ok=ok, final=delivery.status == DeliveryStatus.FAILED)
    return delivery


def _endpoint_health(endpoint: WebhookEndpoint, *, ok: bool, final: bool) -> None:
    """Count failed deliveries in a row; disable the endpoint at the limit and mail its owner."""
    if ok:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).exclude(consecutive_failures=0).update(
            consecutive_failures=0
        )
        return
    if not final:
        return
    locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    locked.consecutive_failures += 1
    fields = ["consecutive_failures"]
    if locked.is_active and locked.consecutive_failures >= settings.WEBHOOK_DISABLE_AFTER_FAILURES:
        locked.is_active = False
        locked.disabled_at = timezone.now()
        fields += ["is_active", "disabled_at"]
        outbox_write(
            key=ENDPOINT_DISABLED.key,
            conference=locked.conference,
            messages=[
                Outgoing(
                    recipient=locked.owner_email,
                    language=locked.owner_language,
                    idempotency_key=f"webhook-disabled-{locked.pk}-{int(locked.disabled_at.timestamp())}",
                    values={
                        "endpoint": locked.name,
                        "url": locked.url,
                        "failures": str(locked.consecutive_failures),
                        "conference": str(locked.conference),
                    },
                )
            ],
        )
    locked.save(update_fields=fields)


def deliveries_due(*, limit: int = 500) -> list[int]:
    """Pending deliveries whose time has come (a lost task, a broker that was down)."""
    return list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=timezone.now(),
            endpoint__is_active=True,
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
