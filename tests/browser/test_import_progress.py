"""The import's job page reloads itself, under the Content-Security-Policy, while a worker
checks or imports the file; a reload in the middle loses nothing."""

import pytest
from django.urls import reverse

from participants.enums import ImportJobStatus
from participants.imports.services import import_job_validate
from participants.models import ImportJob, Participant
from tests.browser.conftest import admin_sign_in
from tests.browser.test_content_security_policy import watch_violations
from tests.factories import ConferenceFactory, DelegationFactory

pytestmark = pytest.mark.browser


def test_the_progress_page_follows_the_job_to_its_end(
    transactional_db, live_server, browser_page, superuser
):
    superuser.set_password("correct-horse-battery")
    superuser.save()
    delegation = DelegationFactory(conference=ConferenceFactory(slug="dushanbe-2019"))
    # A job a worker has half done (made directly: with no broker one would run at once).
    job = ImportJob.objects.create(
        conference=delegation.conference,
        delegation=delegation,
        created_by=superuser,
        status=ImportJobStatus.RUNNING,
        rows_total=4000,
        rows_done=2000,
        created_count=2000,
        titles={},
        header_length=4,
    )
    page = browser_page
    violations = watch_violations(page)
    admin_sign_in(page, live_server.url, superuser, "correct-horse-battery")
    url = reverse("admin:conference_import_participants", args=[delegation.conference.pk])
    page.goto(f"{live_server.url}{url}?job={job.pk}")
    progress = page.locator("#import-progress")
    assert " ".join(progress.inner_text().split()) == (
        "2000 of 4000 rows imported (50%): 2000 created, 0 updated."
    )
    page.screenshot(path="/tmp/plenary-import-progress-running.png")

    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJobStatus.DONE, rows_done=4000, created_count=4000
    )
    # No click, no script of ours: the page's own refresh shows the end within seconds.
    page.get_by_text("See the imported participants").wait_for(timeout=10_000)
    assert " ".join(progress.inner_text().split()) == (
        "4000 of 4000 rows imported (100%): 4000 created, 0 updated."
    )
    page.screenshot(path="/tmp/plenary-import-progress-done.png")
    assert violations == []


def test_the_job_page_follows_the_check_to_the_preview_and_confirms_it(
    transactional_db, live_server, browser_page, superuser
):
    superuser.set_password("correct-horse-battery")
    superuser.save()
    delegation = DelegationFactory(conference=ConferenceFactory(slug="dushanbe-2019"))
    # An upload a worker has still to check (made directly: with no broker it would run at once).
    job = ImportJob.objects.create(
        conference=delegation.conference,
        delegation=delegation,
        created_by=superuser,
        source="email,given_names,family_name\na@mfa.kz,Aliya,Nurlanova\nb@mfa.kz,Dana,Sarsen\n",
    )
    page = browser_page
    violations = watch_violations(page)
    admin_sign_in(page, live_server.url, superuser, "correct-horse-battery")
    url = reverse("admin:conference_import_participants", args=[delegation.conference.pk])
    page.goto(f"{live_server.url}{url}?job={job.pk}")
    assert " ".join(page.locator("#import-progress").inner_text().split()) == "Reading the file."
    page.screenshot(path="/tmp/plenary-import-checking.png")

    import_job_validate(job_id=job.pk)
    # The page's own refresh shows the preview; its button confirms, with no script of ours.
    confirm = page.get_by_role("button", name="Confirm the import")
    confirm.wait_for(timeout=10_000)
    assert " ".join(page.locator("#import-summary").inner_text().split()) == (
        "2 participants will be created, 0 updated (matched by e-mail)."
    )
    page.screenshot(path="/tmp/plenary-import-preview.png")
    confirm.click()  # with no broker the import runs at once, inside the confirmation
    page.get_by_text("See the imported participants").wait_for(timeout=10_000)
    assert " ".join(page.locator("#import-progress").inner_text().split()) == (
        "2 of 2 rows imported (100%): 2 created, 0 updated."
    )
    assert Participant.objects.filter(delegation=delegation).count() == 2
    assert violations == []
