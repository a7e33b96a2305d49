"""Issue 14: an import costs a fixed number of queries per batch, never some per row."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from participants.enums import ImportJobStatus
from participants.imports.services import JOB_BATCH, import_job_upload, import_job_validate
from participants.models import IdentityDocument, ImportJob, Participant
from tests.factories import ConferenceFactory, DelegationFactory

pytestmark = pytest.mark.django_db

COUNTRIES = ["KZ", "KG", "TM", "UZ", "AF"]


@pytest.fixture
def conference():
    conference = ConferenceFactory(slug="dushanbe-2019")
    for code in COUNTRIES:
        DelegationFactory(conference=conference, country=code, max_size=10_000)
    return conference


def _file(conference, rows: int) -> bytes:
    """Half the rows update members already registered, half add new ones."""
    delegations = list(conference.delegations.order_by("pk"))
    lines = ["email,given_names,family_name,role,delegation,nationality,hospitality_requested"]
    for i in range(rows):
        delegation = delegations[i % len(delegations)]
        email = f"m{i}@mfa.example"
        lines.append(f"{email},Given{i},Family{i},adviser,{delegation.country.code},KZ,no")
    return ("\n".join(lines) + "\n").encode()


def _registered(conference, rows: int) -> None:
    delegations = list(conference.delegations.order_by("pk"))
    Participant.objects.bulk_create(
        Participant(
            conference=conference,
            delegation=delegations[i % len(delegations)],
            email=f"m{i}@mfa.example",
            given_names="Old",
            family_name=f"Name{i}",
        )
        for i in range(1, rows, 2)
    )


def _split(queries) -> tuple[int, int]:
    writes = [q for q in queries if q["sql"].startswith(("INSERT", "UPDATE"))]
    return len(queries) - len(writes), len(writes)


def _preview_and_confirm_queries(
    client, conference, rows: int, on_commit
) -> tuple[int, tuple[int, int]]:
    _registered(conference, rows)
    url = reverse("admin:conference_import_participants", args=[conference.pk])
    upload = SimpleUploadedFile("delegates.csv", _file(conference, rows), content_type="text/csv")
    # The upload keeps the file in a job and queues its check; the check, the preview, runs
    # eagerly once the request commits, as with no broker.
    with CaptureQueriesContext(connection) as preview, on_commit(execute=True):
        response = client.post(url, {"file": upload})
    assert response.status_code == 302
    job = ImportJob.objects.get(conference=conference, status=ImportJobStatus.PREVIEWED)
    assert (job.errors, job.rows_total) == ([], rows)
    # The confirmation queues the import; it runs eagerly once the request commits.
    with CaptureQueriesContext(connection) as confirm, on_commit(execute=True):
        response = client.post(url, {"job": job.pk})
    assert response.status_code == 302
    assert Participant.objects.filter(conference=conference).count() == rows
    assert IdentityDocument.objects.filter(participant__conference=conference).count() == rows
    return len(preview), _split(confirm.captured_queries)


def test_preview_and_confirm_queries_do_not_grow_with_the_rows(
    organizer, conference, django_capture_on_commit_callbacks
):
    on_commit = django_capture_on_commit_callbacks
    preview_50, (reads_50, writes_50) = _preview_and_confirm_queries(
        organizer, conference, 50, on_commit
    )
    Participant.objects.all().delete()
    ImportJob.objects.all().delete()
    preview_5k, (reads_5k, writes_5k) = _preview_and_confirm_queries(
        organizer, conference, 5000, on_commit
    )
    # The e-mail lookup and the identity lookup take 1,000 rows per query. The check stores the
    # rows JOB_BATCH (2,000) at a time and saves its progress after each batch but the last;
    # the import reads each stored batch, writes it under a savepoint (two statements) and
    # publishes what shows, so each batch more costs 8 reads.
    assert JOB_BATCH == 2000
    assert preview_50 == preview_5k - 4 - 2 - 2
    assert reads_50 == reads_5k - 2 * 8
    # Each bulk write is one statement per batch: 1,000 rows on PostgreSQL, fewer on
    # SQLite, whose statements hold at most 999 parameters.
    if connection.vendor == "postgresql":
        assert writes_5k - writes_50 <= 5 * 4
        assert writes_5k <= 4 * 5000 / 100
    else:
        # SQLite's 999 parameters make a batch of identity documents (ten columns since the
        # print-size photo) 99 rows: about one statement more per 100 rows.
        assert writes_5k <= 5 * 5000 / 100


def _check_queries(conference, rows: int, user) -> int:
    _registered(conference, rows)
    job = import_job_upload(
        conference=conference, text=_file(conference, rows).decode(), delegation=None, by=user
    )
    with CaptureQueriesContext(connection) as queries:
        import_job_validate(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.planned_created, job.planned_updated) == (
        ImportJobStatus.PREVIEWED,
        rows - rows // 2,
        rows // 2,
    )
    return len(queries)


def test_the_check_of_an_upload_costs_a_fixed_number_of_queries_per_batch(conference, superuser):
    # Without commit callbacks: the check runs here, alone, as a worker runs it.
    at_50 = _check_queries(conference, 50, superuser)
    Participant.objects.all().delete()
    at_5k = _check_queries(conference, 5000, superuser)
    # The job, an earlier run's batches deleted, its total, the lookups of delegations,
    # categories, members and heads, the e-mails, the batch stored, the preview saved; then one
    # e-mail lookup per 1,000 rows, one batch stored and one progress per JOB_BATCH.
    assert at_50 == 10
    assert at_5k == at_50 + 4 + 2 + 2
