"""A delegation asks for the floor on a phone; the secretariat confirms it in the admin; the
public speakers' list then names the speaker (issue 22, item 1)."""

import pytest

from participants.accreditation.selectors import nomination_token
from participants.enums import AccreditationStatus
from sessions.models import Statement
from tests.browser.conftest import admin_sign_in
from tests.factories import (
    DelegationFactory,
    InscribableSessionFactory,
    ParticipantFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser


def test_a_delegation_inscribes_on_a_phone_and_the_secretariat_confirms(
    transactional_db, live_server, browser_page, tmp_path
):
    session = InscribableSessionFactory(title="General debate")
    delegation = DelegationFactory(conference=session.conference, country="KZ")
    ParticipantFactory(
        delegation=delegation,
        given_names="Aliya",
        family_name="Abenova",
        status=AccreditationStatus.APPROVED,
    )
    page = browser_page
    errors = []
    page.on("console", lambda message: errors.append(message.text))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/nominate/{nomination_token(delegation=delegation)}/")
    page.get_by_role("link", name="Speakers' lists: ask for the floor").click()
    page.get_by_label("Session").select_option(label="General debate")
    page.get_by_label("Who speaks").select_option(label="Aliya Abenova, Representative")
    page.get_by_role("button", name="Inscribe the delegation").click()
    assert "Your request for the floor in “General debate” is on the list." in page.inner_text(
        "main"
    )
    assert "Requested" in page.inner_text("main")
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=tmp_path / "portal-390.png", full_page=True)

    page.get_by_role("button", name="Inscribe the delegation").click()
    assert "This field is required." in page.inner_text("main")
    assert Statement.objects.count() == 1

    page.set_viewport_size({"width": 1366, "height": 900})
    organizer = UserFactory(username="organizer", is_superuser=True)
    admin_sign_in(page, live_server.url, organizer, "correct-horse-battery")
    page.goto(f"{live_server.url}/admin/agenda/statement/?status__exact=requested")
    page.locator("input.action-select").first.check()
    page.locator("select[name=action]").select_option("confirm_requests")
    page.get_by_role("button", name="Go").click()
    assert "1 request(s) confirmed." in page.locator("ul.messagelist").inner_text()

    slug = session.conference.slug
    page.goto(f"{live_server.url}/{slug}/sessions/{session.pk}/")
    assert "Aliya ABENOVA" in page.inner_text("main") or "Aliya Abenova" in page.inner_text("main")
    assert page.outside_requests == []
    assert errors == []
