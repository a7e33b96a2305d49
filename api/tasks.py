"""Task-queue entry points of the api app (conference/celery.py finds them)."""

from celery import shared_task
from django.utils import timezone

from .enums import DeliveryStatus
from .models import WebhookDelivery
from .webhooks import backoff, deliveries_due, delivery_attempt


@shared_task(bind=True, max_retries=None)
def webhook_deliver(self, delivery_id: int) -> None:
    """Send a delivery; after a failure, send it again once its backoff has passed.

    The delivery row holds the schedule (attempts, next_attempt_at, WEBHOOK_MAX_ATTEMPTS),
    so a lost retry is found by the sweep. In eager mode (tests, ``make run`` without a
    broker) the retries follow at once.
    """
    delivery = delivery_attempt(delivery_id=delivery_id)
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return
    if self.request.is_eager:
        WebhookDelivery.objects.filter(pk=delivery_id).update(next_attempt_at=timezone.now())
        countdown = 0
    else:
        countdown = backoff(delivery.attempts).total_seconds()
    raise self.retry(countdown=countdown)


@shared_task
def webhook_deliveries_sweep() -> int:
    """Queue every pending delivery whose time has come; `celery beat` runs it."""
    due = deliveries_due()
    for delivery_id in due:
        webhook_deliver.delay(delivery_id)
    return len(due)
