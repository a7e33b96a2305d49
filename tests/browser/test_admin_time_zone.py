"""Issue 21, item 15: Django's "You are N hours behind server time" never shows in the admin.

Every time is the conference's wall time and says so; the calendar's comparison of the
browser's clock with the page's zone would only mislead, most of all beside a date.
"""

import pytest

from tests.browser.conftest import admin_sign_in
from tests.factories import IdentityDocumentFactory, ParticipantFactory

pytestmark = pytest.mark.browser


def test_no_server_time_warning_beside_dates_and_times(
    transactional_db, live_server, browser_page, superuser
):
    superuser.set_password("correct-horse-battery")
    superuser.save()
    participant = ParticipantFactory()
    IdentityDocumentFactory(participant=participant)
    page = browser_page
    admin_sign_in(page, live_server.url, superuser, "correct-horse-battery")
    for url in (
        f"/admin/participants/participant/{participant.pk}/change/",
        f"/admin/conference/conference/{participant.conference_id}/change/",
    ):
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("load")
        # The calendar and clock links are there: DateTimeShortcuts ran.
        assert page.locator(".datetimeshortcuts").count() > 0, url
        assert "server time" not in page.inner_text("body"), url
    assert page.outside_requests == []
