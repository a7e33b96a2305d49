"""The outcome documents' scheduled work (conference/celery.py discovers it)."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def silence_deadlines() -> dict[str, int]:
    """End every silence procedure whose deadline has passed (the beat runs it each minute).

    Safe to run twice at once, or again after a restart: each procedure is claimed by one
    conditional UPDATE under the document's row lock (``services.silence_close``).
    """
    return services.silence_close_due()
