"""Task-queue entry points of the participants app (conference/celery.py finds them)."""

from celery import shared_task

from .imports import import_job_run, import_job_validate


@shared_task
def participants_import_job_validate(job_id: int) -> None:
    import_job_validate(job_id=job_id)


@shared_task
def participants_import_job_run(job_id: int) -> None:
    import_job_run(job_id=job_id)
