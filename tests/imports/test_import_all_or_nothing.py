"""Issue 26, item 6: an import is all or nothing at any size.

A 10,000-row file is five batches. The confirmation checks every batch again against the
database as it is then; a row that no longer fits, a batch the database refuses or a worker
lost mid-import leaves no participant of the file behind, and the job says which row stopped
it. A job run again after its worker died completes once.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from participants.enums import ImportJobStatus
from participants.imports.services import (
    JOB_BATCH,
    import_job_confirm,
    import_job_run,
    import_job_upload,
    import_job_validate,
    participants_import,
)
from participants.models import AccreditationEvent, ImportJob, Participant
from tests.auth import sign_in
from tests.factories import ConferenceFactory, DelegationFactory, UserFactory

ROWS = 10_000
COUNTRIES = ["KZ", "KG", "TM", "UZ", "AF"]
TABLE = Participant._meta.db_table


@pytest.fixture
def conference(db):
    conference = ConferenceFactory(slug="dushanbe-2019")
    for code in COUNTRIES:
        DelegationFactory(conference=conference, country=code, max_size=ROWS)
    return conference


def _email(i: int) -> str:
    return f"m{i}@mfa.example"


def _text(rows: int) -> str:
    lines = ["email,given_names,family_name,role,delegation"]
    lines += [
        f"{_email(i)},Given{i},Family{i},adviser,{COUNTRIES[i % len(COUNTRIES)]}"
        for i in range(rows)
    ]
    return "\n".join(lines) + "\n"


def _row(i: int) -> int:
    """The spreadsheet row of the file's i-th person: the header is row 1."""
    return i + 2


def _previewed(conference, user) -> ImportJob:
    job = import_job_upload(conference=conference, text=_text(ROWS), delegation=None, by=user)
    import_job_validate(job_id=job.pk)  # a no-op when it ran already, as the upload committed
    job.refresh_from_db()
    assert (job.status, job.planned_created, job.batches.count()) == (
        ImportJobStatus.PREVIEWED,
        ROWS,
        ROWS // JOB_BATCH,
    )
    return job


def _job_participants(conference):
    return Participant.objects.filter(conference=conference, email__endswith="@mfa.example")


@pytest.mark.django_db
def test_an_email_registered_after_the_preview_stops_the_whole_file(conference, client):
    organizer = UserFactory(username="first-organizer", is_superuser=True)
    job = _previewed(conference, organizer)
    # A second organizer imports row 7002's e-mail into another delegation than the file's.
    kyrgyzstan = conference.delegations.get(country="KG")
    participants_import(
        conference=conference,
        text=f"email,given_names,family_name\n{_email(7000)},Aida,Bekova\n",
        delegation=kyrgyzstan,
        by=UserFactory(username="second-organizer"),
    )
    import_job_confirm(job=job, by=organizer)
    import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.rows_done, job.created_count, job.batches.exists()) == (
        ImportJobStatus.FAILED,
        0,
        0,
        False,
    )
    message = f"{_email(7000)} is already registered with {kyrgyzstan}."
    assert job.errors == [{"row": _row(7000), "column": "delegation", "message": message}]
    # Rows 2 to 7001 were checked and written before row 7002, in the same transaction.
    assert list(_job_participants(conference).values_list("email", flat=True)) == [_email(7000)]
    assert AccreditationEvent.objects.filter(reason="Imported from CSV.").count() == 1
    sign_in(client, organizer)
    url = reverse("admin:conference_import_participants", args=[conference.pk])
    page = client.get(f"{url}?job={job.pk}").content.decode()
    assert "Nothing of the file was imported: these rows stopped it." in page
    assert f"<td>{_row(7000)}</td>" in page
    assert message in page


def _refuse_inserts_of(email: str) -> tuple[str, str]:
    """A trigger that refuses one e-mail's insert as a constraint would, and its removal."""
    if connection.vendor == "postgresql":
        create = f"""
            CREATE FUNCTION import_refused() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.email = '{email}' THEN
                    RAISE EXCEPTION 'refused' USING ERRCODE = 'integrity_constraint_violation';
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER import_refused BEFORE INSERT ON {TABLE}
                FOR EACH ROW EXECUTE FUNCTION import_refused();
        """
        drop = f"DROP TRIGGER import_refused ON {TABLE}; DROP FUNCTION import_refused();"
    else:
        create = f"""
            CREATE TRIGGER import_refused BEFORE INSERT ON {TABLE}
            WHEN NEW.email = '{email}' BEGIN SELECT RAISE(ABORT, 'refused'); END;
        """
        drop = "DROP TRIGGER import_refused"
    return create, drop


@pytest.mark.django_db
def test_a_batch_the_database_refuses_takes_back_the_batches_before_it(conference):
    organizer = UserFactory(username="first-organizer", is_superuser=True)
    job = _previewed(conference, organizer)
    import_job_confirm(job=job, by=organizer)
    create, drop = _refuse_inserts_of(_email(2500))  # in the second batch
    with connection.cursor() as cursor:
        cursor.execute(create)
    try:
        import_job_run(job_id=job.pk)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(drop)

    job.refresh_from_db()
    assert (job.status, job.rows_done, job.created_count, job.batches.exists()) == (
        ImportJobStatus.FAILED,
        0,
        0,
        False,
    )
    assert job.errors == [
        {
            "row": _row(2000),
            "column": "",
            "message": f"The database refused rows {_row(2000)} to {_row(3999)}: someone "
            "changed these participants while the import ran.",
        }
    ]
    assert _job_participants(conference).count() == 0
    assert AccreditationEvent.objects.count() == 0


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


WORKER = """
import django

django.setup()
from participants.imports.services import import_job_confirm
from participants.models import ImportJob

job = ImportJob.objects.get(pk={job_id})
# The confirmation's task runs eagerly here as the confirmation commits: this is the worker.
import_job_confirm(job=job, by=job.created_by)
"""


def _sleeping_backend(timeout: float = 120) -> int:
    """The server process of the worker's connection, once it sleeps in the trigger."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE wait_event = 'PgSleep' "
                "AND datname = current_database()"
            )
            found = cursor.fetchone()
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError("the worker never reached the third batch")


def _terminate(pid: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _attempt in range(100):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
            if not cursor.fetchone()[0]:
                return
            time.sleep(0.1)


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The worker is another process, which sees only a PostgreSQL test database.",
)
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_leaves_nothing_and_the_next_run_completes_once(conference):
    organizer = UserFactory(username="first-organizer", is_superuser=True)
    job = _previewed(conference, organizer)
    # The worker stalls in the third batch, with two batches written in its transaction.
    with connection.cursor() as cursor:
        cursor.execute(f"""
            CREATE FUNCTION import_stalls() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.email = '{_email(4500)}' THEN PERFORM pg_sleep(300); END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER import_stalls BEFORE INSERT ON {TABLE}
                FOR EACH ROW EXECUTE FUNCTION import_stalls();
        """)
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER.format(job_id=job.pk)],
        cwd=Path(settings.BASE_DIR),
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": _database_url(),
        },
    )
    backend = None
    try:
        backend = _sleeping_backend()
        job.refresh_from_db()
        assert (job.status, job.attempts) == (ImportJobStatus.RUNNING, 1)
        assert _job_participants(conference).count() == 0  # nothing shows while it runs
        # The worker dies: the process is killed, and its connection with it.
        worker.send_signal(signal.SIGKILL)
        assert worker.wait(timeout=30) == -signal.SIGKILL
        _terminate(backend)
    finally:
        if worker.poll() is None:
            worker.kill()
        if backend is not None:
            _terminate(backend)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER import_stalls ON {TABLE}; DROP FUNCTION import_stalls()")

    job.refresh_from_db()
    assert (job.status, job.rows_done, job.created_count, job.batches.count()) == (
        ImportJobStatus.RUNNING,
        0,
        0,
        ROWS // JOB_BATCH,
    )
    assert _job_participants(conference).count() == 0
    assert AccreditationEvent.objects.count() == 0

    # The task, never acknowledged, runs again on another worker; a second delivery after it
    # finds the job done.
    for _delivery in range(2):
        import_job_run(job_id=job.pk)
        job.refresh_from_db()
        assert (job.status, job.attempts, job.rows_done, job.created_count) == (
            ImportJobStatus.DONE,
            2,
            ROWS,
            ROWS,
        )
        assert _job_participants(conference).count() == ROWS
        assert AccreditationEvent.objects.filter(reason="Imported from CSV.").count() == ROWS
    assert not job.batches.exists()
