"""Task-queue entry points of the api app (conference/celery.py finds them)."""

from celery import shared_task
from django.utils import timezone

from .enums import DeliveryStatus
from .models import WebhookDelivery
from .webhooks import backoff, deliveries_due, delivery_attempt

PENDING = DeliveryStatus.PENDING


@shared_task(bind=True, max_retries=None)
def webhook_deliver(self, delivery_id: int) -> None:
    """Send a delivery; after a failure, send it again once its backoff has passed.

    The delivery row holds the schedule (attempts, next_attempt_at, WEBHOOK_MAX_ATTEMPTS),
    so a lost retry is found by the sweep. In eager mode (tests, ``make run`` without a
    broker) the retries follow at once.
    """
    delivery = delivery_attempt(delivery_id=delivery_id)
    while self.request.is_eager and delivery is not None and delivery.status == PENDING:
        # No worker to come back later: the retries follow at once, inside this call.
        WebhookDelivery.objects.filter(pk=delivery_id).update(next_attempt_at=timezone.now())
        delivery = delivery_attempt(delivery_id=delivery_id)
    if delivery is None or delivery.status != PENDING:
        return
    # A second late, so the row is due when the retry arrives.
    raise self.retry(countdown=backoff(delivery.attempts).total_seconds() + 1)


@shared_task
def webhook_deliveries_sweep() -> int:
    """Queue every pending delivery whose time has come; `celery beat` runs it."""
    due = deliveries_due()
    for delivery_id in due:
        webhook_deliver.delay(delivery_id)
    return len(due)
