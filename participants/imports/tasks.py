"""Task-queue entry points of the participant import.

The names stay ``participants.tasks.*`` (where the module lived before the rooms), so jobs
queued by an older release still run; ``participants.apps`` imports this module so the worker
registers them.
"""

from celery import shared_task

from participants.imports.services import import_job_run, import_job_validate


@shared_task(name="participants.tasks.participants_import_job_validate")
def participants_import_job_validate(job_id: int) -> None:
    import_job_validate(job_id=job_id)


@shared_task(name="participants.tasks.participants_import_job_run")
def participants_import_job_run(job_id: int) -> None:
    import_job_run(job_id=job_id)
