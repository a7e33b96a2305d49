"""Issue 14: a confirmed import is a background job, batch by batch, with a progress page."""

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from participants import imports
from participants.enums import DelegationRole, ImportJobStatus
from participants.imports import import_job_run
from participants.models import ImportJob, Participant
from tests.factories import ConferenceFactory, DelegationFactory, ParticipantFactory
from tests.imports.helpers import confirm_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def delegation():
    return DelegationFactory(conference=ConferenceFactory(slug="dushanbe-2019"), country="KZ")


@pytest.fixture(autouse=True)
def small_batches(monkeypatch):
    monkeypatch.setattr(imports, "JOB_BATCH", 3)


def _url(conference) -> str:
    return reverse("admin:conference_import_participants", args=[conference.pk])


def _preview(client, delegation, rows: int, head_at: int | None = None):
    lines = ["email,given_names,family_name,role"]
    for i in range(rows):
        lines.append(f"m{i}@mfa.kz,Given{i},Family{i},{'head' if i == head_at else 'adviser'}")
    upload = SimpleUploadedFile("d.csv", ("\n".join(lines) + "\n").encode())
    preview = client.post(
        _url(delegation.conference), {"file": upload, "delegation": delegation.pk}
    )
    assert preview.context["plan"].errors == []
    return preview.context["token"]


def _progress(response) -> str:
    page = lxml.html.fromstring(response.content)
    return " ".join(page.get_element_by_id("import-progress").text_content().split())


def test_a_queued_job_shows_its_progress_and_reloads_until_it_ends(organizer, delegation):
    token = _preview(organizer, delegation, 7)
    # No commit callbacks here: the job stays queued, as it is until a worker takes it.
    response = organizer.post(_url(delegation.conference), {"token": token})
    job = ImportJob.objects.get()
    assert response["Location"] == f"{_url(delegation.conference)}?job={job.pk}"
    assert (job.status, job.rows_total, job.rows_done) == (ImportJobStatus.QUEUED, 7, 0)

    queued = organizer.get(response["Location"])
    assert _progress(queued) == "0 of 7 rows imported (0%): 0 created, 0 updated."
    assert b'<meta http-equiv="refresh" content="2">' in queued.content
    assert b"Preview the import" not in queued.content  # no upload form while it runs

    import_job_run(job_id=job.pk)
    done = organizer.get(response["Location"])  # the reload
    assert _progress(done) == "7 of 7 rows imported (100%): 7 created, 0 updated."
    assert b'http-equiv="refresh"' not in done.content
    assert b"See the imported participants" in done.content
    assert Participant.objects.filter(delegation=delegation).count() == 7
    job.refresh_from_db()
    assert (job.status, job.rows_csv, job.finished_at is not None) == (
        ImportJobStatus.DONE,
        "",
        True,
    )
    # A second run of the task (a worker lost after the last batch) changes nothing.
    import_job_run(job_id=job.pk)
    assert Participant.objects.filter(delegation=delegation).count() == 7


def test_a_refused_batch_stops_the_job_and_keeps_the_batches_before_it(organizer, delegation):
    token = _preview(organizer, delegation, 7, head_at=4)
    # Between preview and confirmation someone registers a head: row 6 (the fifth) is refused.
    ParticipantFactory(delegation=delegation, role=DelegationRole.HEAD, email="head@mfa.kz")
    response = confirm_import(organizer, _url(delegation.conference), token)
    job = ImportJob.objects.get()
    assert (job.status, job.rows_done, job.created_count) == (ImportJobStatus.FAILED, 3, 3)
    assert [(e["row"], e["column"]) for e in job.errors] == [(6, "role")]
    page = organizer.get(response["Location"])
    assert _progress(page) == "3 of 7 rows imported (42%): 3 created, 0 updated."
    assert "The data changed since the preview" in page.content.decode()
    emails = Participant.objects.exclude(email="head@mfa.kz").values_list("email", flat=True)
    assert sorted(emails) == ["m0@mfa.kz", "m1@mfa.kz", "m2@mfa.kz"]


def test_a_job_is_shown_only_under_its_own_conference(organizer, delegation):
    token = _preview(organizer, delegation, 1)
    confirm_import(organizer, _url(delegation.conference), token)
    job = ImportJob.objects.get()
    other = ConferenceFactory(slug="vienna-2020")
    assert organizer.get(f"{_url(other)}?job={job.pk}").status_code == 404
    assert organizer.get(f"{_url(delegation.conference)}?job=x").status_code == 404
    assert organizer.get(f"{_url(delegation.conference)}?job={job.pk}").status_code == 200
