"""The organizer sends a nomination link from the delegation page, in a real browser."""

import pytest
from django.core import mail

from tests.browser.conftest import admin_sign_in
from tests.factories import DelegationFactory, UserFactory

pytestmark = pytest.mark.browser


def test_the_send_button_on_the_delegation_page_mails_the_link(
    transactional_db, live_server, browser_page
):
    # Issue 10, item 7: the button's form was nested in the change form and dropped.
    organizer = UserFactory(username="organizer", is_superuser=True)
    delegation = DelegationFactory(country="KZ", focal_point_email="focal@mfa.example")
    page = browser_page
    admin_sign_in(page, live_server.url, organizer, "correct-horse-battery")
    page.goto(f"{live_server.url}/admin/participants/delegation/{delegation.pk}/change/")

    page.get_by_role("button", name="Send the link to the focal point").click()
    assert page.locator("ul.messagelist").inner_text() == "Nomination link sent: Kazakhstan."
    assert [m.to for m in mail.outbox] == [["focal@mfa.example"]]
    assert "/nominate/" in mail.outbox[0].body
