"""Issue 14: an upload is a background job, checked then imported batch by batch, with a page
that shows each stage and survives a reload."""

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse

from participants.enums import DelegationRole, ImportJobStatus
from participants.imports import services as imports
from participants.imports.services import RowError, import_job_run, import_job_validate
from participants.models import ImportJob, Participant
from tests.auth import sign_in
from tests.factories import ConferenceFactory, DelegationFactory, ParticipantFactory, UserFactory
from tests.imports.helpers import confirm_import, upload_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def delegation():
    return DelegationFactory(conference=ConferenceFactory(slug="dushanbe-2019"), country="KZ")


@pytest.fixture(autouse=True)
def small_batches(monkeypatch):
    monkeypatch.setattr(imports, "JOB_BATCH", 3)


def _url(conference) -> str:
    return reverse("admin:conference_import_participants", args=[conference.pk])


def _upload(rows: int, head_at: int | None = None, bad_at: int | None = None):
    lines = ["email,given_names,family_name,role"]
    for i in range(rows):
        email = "not-an-email" if i == bad_at else f"m{i}@mfa.kz"
        lines.append(f"{email},Given{i},Family{i},{'head' if i == head_at else 'adviser'}")
    return SimpleUploadedFile("d.csv", ("\n".join(lines) + "\n").encode())


def _preview(client, delegation, rows: int, head_at: int | None = None) -> ImportJob:
    preview = upload_import(
        client,
        _url(delegation.conference),
        {"file": _upload(rows, head_at), "delegation": delegation.pk},
    )
    assert preview.context["errors"] == []
    return preview.context["job"]


def _progress(response) -> str:
    page = lxml.html.fromstring(response.content)
    return " ".join(page.get_element_by_id("import-progress").text_content().split())


def test_a_queued_job_shows_its_progress_and_reloads_until_it_ends(organizer, delegation):
    job = _preview(organizer, delegation, 7)
    # No commit callbacks here: the job stays queued, as it is until a worker takes it.
    response = organizer.post(_url(delegation.conference), {"job": job.pk})
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
    assert (job.status, job.batches.exists(), job.finished_at is not None) == (
        ImportJobStatus.DONE,
        False,
        True,
    )
    # A second run of the task (a worker lost after the last batch) changes nothing.
    import_job_run(job_id=job.pk)
    assert Participant.objects.filter(delegation=delegation).count() == 7


def test_a_refused_row_in_a_later_batch_leaves_nothing_of_the_file(organizer, delegation):
    """Issue 26, item 6: the batches before the refused row are taken back too."""
    job = _preview(organizer, delegation, 7, head_at=4)
    # Between preview and confirmation someone registers a head: row 6 (the fifth) is refused.
    ParticipantFactory(delegation=delegation, role=DelegationRole.HEAD, email="head@mfa.kz")
    response = confirm_import(organizer, _url(delegation.conference), job)
    job = ImportJob.objects.get()
    assert (job.status, job.rows_done, job.created_count) == (ImportJobStatus.FAILED, 0, 0)
    assert [(e["row"], e["column"]) for e in job.errors] == [(6, "role")]
    assert not job.batches.exists()
    page = organizer.get(response["Location"])
    assert _progress(page) == "0 of 7 rows imported (0%): 0 created, 0 updated."
    assert "Nothing of the file was imported: these rows stopped it." in page.content.decode()
    assert list(Participant.objects.values_list("email", flat=True)) == ["head@mfa.kz"]


def test_a_job_is_shown_only_under_its_own_conference_to_its_own_user(organizer, delegation):
    job = _preview(organizer, delegation, 1)
    other = ConferenceFactory(slug="vienna-2020")
    client = Client()
    sign_in(client, UserFactory(username="colleague", is_superuser=True))
    for state in ("previewed", "done"):
        assert organizer.get(f"{_url(other)}?job={job.pk}").status_code == 404
        assert organizer.get(f"{_url(delegation.conference)}?job=x").status_code == 404
        assert organizer.get(f"{_url(delegation.conference)}?job={job.pk}").status_code == 200
        # Another organizer, even a superuser, neither reads nor confirms it.
        assert client.get(f"{_url(delegation.conference)}?job={job.pk}").status_code == 404
        with TestCase.captureOnCommitCallbacks(execute=True):
            refused = client.post(_url(delegation.conference), {"job": job.pk})
        assert (state, refused.status_code) == (state, 404)
        if state == "previewed":
            confirm_import(organizer, _url(delegation.conference), job)
    assert Participant.objects.count() == 1


def _page(client, job):
    response = client.get(f"{_url(job.conference)}?job={job.pk}")
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content.decode())
    return response, " ".join(page.get_element_by_id("content-main").text_content().split())


REFRESH = b'<meta http-equiv="refresh" content="2">'


def test_the_job_page_shows_each_stage_the_same_after_a_reload(organizer, delegation):
    url = _url(delegation.conference)
    # No commit callbacks: the check stays queued, as it is until a worker takes it.
    response = organizer.post(url, {"file": _upload(5), "delegation": delegation.pk})
    job = ImportJob.objects.get()
    assert response["Location"] == f"{url}?job={job.pk}"
    assert (job.status, job.batches.exists(), job.source.count("@mfa.kz")) == (
        ImportJobStatus.VALIDATING,
        False,
        5,
    )
    seen = {}

    def stage(name, *, refresh: bool, confirm: bool, text: str):
        first, first_text = _page(organizer, job)
        again, again_text = _page(organizer, job)  # the reload
        assert first_text == again_text
        assert (name, REFRESH in first.content, REFRESH in again.content) == (
            name,
            refresh,
            refresh,
        )
        assert (name, b"Confirm the import" in again.content) == (name, confirm)
        assert (name, text in again_text) == (name, True), again_text
        seen[name] = again_text

    stage("validating", refresh=True, confirm=False, text="Reading the file.")
    ImportJob.objects.filter(pk=job.pk).update(rows_total=5, rows_checked=2)
    stage("checking", refresh=True, confirm=False, text="2 of 5 rows checked (40%).")
    import_job_validate(job_id=job.pk)
    stage(
        "previewed",
        refresh=False,
        confirm=True,
        text="5 participants will be created, 0 updated (matched by e-mail).",
    )
    organizer.post(url, {"job": job.pk})  # no commit callbacks: queued
    stage("queued", refresh=True, confirm=False, text="0 of 5 rows imported (0%)")
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJobStatus.RUNNING, rows_done=3, created_count=3
    )
    stage("running", refresh=True, confirm=False, text="3 of 5 rows imported (60%)")
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJobStatus.QUEUED, rows_done=0, created_count=0
    )
    import_job_run(job_id=job.pk)
    stage("done", refresh=False, confirm=False, text="See the imported participants")
    assert "Upload another file" in seen["done"]
    assert "Upload another file" not in seen["running"]
    assert "Upload another file" not in seen["validating"]


def test_a_refused_file_shows_its_errors_and_no_confirmation_after_a_reload(organizer, delegation):
    response = upload_import(
        organizer,
        _url(delegation.conference),
        {"file": _upload(4, bad_at=2), "delegation": delegation.pk},
    )
    job = response.context["job"]
    assert (job.status, job.batches.exists(), job.finished_at is not None) == (
        ImportJobStatus.REFUSED,
        False,
        True,
    )
    for _reload in range(2):
        page, text = _page(organizer, job)
        assert REFRESH not in page.content
        assert b"Confirm the import" not in page.content
        assert page.context["errors"] == [
            RowError(4, "email", "“not-an-email” is not an e-mail address.")
        ]
        assert (
            "1 error: nothing will be created or updated until the rows with errors are fixed."
        ) in text
        table = lxml.html.fromstring(page.content.decode()).get_element_by_id("import-errors")
        rows = table.xpath("tbody/tr")
        assert [[cell.text_content() for cell in row] for row in rows] == [
            ["4", "email", "“not-an-email” is not an e-mail address."]
        ]
    # A refused job cannot be confirmed by posting its id.
    stale = confirm_import(organizer, _url(delegation.conference), job)
    assert "expired or was already imported" in stale.content.decode()
    assert Participant.objects.count() == 0


def test_an_unreachable_task_queue_refuses_the_upload_with_a_message(
    organizer, delegation, monkeypatch
):
    from kombu.exceptions import OperationalError

    from participants.imports import tasks

    def unreachable(job_id):
        raise OperationalError("connection refused")

    monkeypatch.setattr(tasks.participants_import_job_validate, "delay", unreachable)
    response = upload_import(
        organizer, _url(delegation.conference), {"file": _upload(2), "delegation": delegation.pk}
    )
    assert response.context["job"].status == ImportJobStatus.REFUSED
    assert response.context["file_errors"] == [
        "The task queue cannot be reached, so the file was not checked. Try again later."
    ]
    assert b"Confirm the import" not in response.content
    assert response.context["job"].source == ""


def test_a_check_that_ends_after_its_job_expired_keeps_nothing(organizer, delegation):
    url = _url(delegation.conference)
    organizer.post(url, {"file": _upload(3), "delegation": delegation.pk})  # check not run yet
    first = ImportJob.objects.get()
    # The same user uploads another file while a worker still checks the first one.
    organizer.post(url, {"file": _upload(2), "delegation": delegation.pk})
    import_job_validate(job_id=first.pk)
    first.refresh_from_db()
    assert (first.status, first.batches.exists(), first.source) == (
        ImportJobStatus.EXPIRED,
        False,
        "",
    )


def test_another_file_uploaded_from_a_jobs_page_is_a_new_job(organizer, delegation):
    job = _preview(organizer, delegation, 2)
    # The page's upload form posts to the page's own address, ?job=<pk> included.
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = organizer.post(
            f"{_url(delegation.conference)}?job={job.pk}",
            {"file": _upload(3), "delegation": delegation.pk},
        )
    second = ImportJob.objects.exclude(pk=job.pk).get()
    assert response["Location"] == f"{_url(delegation.conference)}?job={second.pk}"
    assert (second.status, second.rows_total) == (ImportJobStatus.PREVIEWED, 3)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.EXPIRED
