"""The mail tasks a Celery worker runs (conference/celery.py discovers them)."""

from datetime import timedelta

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval

from . import services

# Seconds before the first retry; it doubles each time (with jitter), up to ten minutes.
BACKOFF = 30
BACKOFF_MAX = 600


@shared_task(bind=True, max_retries=services.MAX_RETRIES, acks_late=True)
def outbox_send(self, message_id: int) -> str:
    """Send one outbox message; an SMTP failure retries with exponential backoff.

    The row counts the attempts: after the last one it is failed, with the error kept.
    """
    final = self.request.retries >= self.max_retries
    status = services.outbox_deliver(message_id=message_id, final=final)
    if self.request.is_eager:
        # No worker and no broker (development, tests): the retries run now, without waiting.
        while status == services.OutboxStatus.QUEUED:
            status = services.outbox_deliver(message_id=message_id, final=False)
        return status
    if status == services.OutboxStatus.QUEUED:
        raise self.retry(
            countdown=get_exponential_backoff_interval(
                factor=BACKOFF, retries=self.request.retries, maximum=BACKOFF_MAX, full_jitter=True
            )
        )
    return status


@shared_task
def outbox_sweep(older_than_seconds: int = 120) -> dict[str, int]:
    """Send what the queue never got, mark stale "sending" rows (beat runs it every few minutes)."""
    return services.outbox_sweep(older_than=timedelta(seconds=older_than_seconds))
