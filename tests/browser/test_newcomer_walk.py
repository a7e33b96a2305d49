"""A newcomer's first hour, in a real browser: a conference created from scratch in the admin,
a delegation, its nomination link sent from the delegation page, a member nominated on a
phone through that link, and approved by the organizer."""

import io
import re

import pytest
from django.core import mail
from PIL import Image

from participants.enums import AccreditationStatus
from participants.models import Participant
from tests.browser.conftest import admin_fill_new_conference, admin_sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def _photo(tmp_path):
    path = tmp_path / "portrait.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (600, 800), (200, 180, 160)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def test_a_conference_made_from_scratch_runs_from_link_to_approval(
    transactional_db, live_server, browser_page, tmp_path
):
    organizer = UserFactory(username="organizer", is_superuser=True)
    page = browser_page
    admin_sign_in(page, live_server.url, organizer, "correct-horse-battery")

    admin_fill_new_conference(page, live_server.url)
    page.fill("#id_registration_deadline_0", "2027-03-01")
    page.fill("#id_registration_deadline_1", "18:00")
    page.click("input[name=_save]")
    assert "was added successfully" in page.locator("ul.messagelist").inner_text()

    page.goto(f"{live_server.url}/admin/participants/delegation/add/")
    page.click("#id_conference + .select2 .select2-selection")
    page.keyboard.type("Almaty")
    page.locator(".select2-results__option", has_text="Almaty 2027").click()
    page.select_option("#id_country", "UZ")
    page.select_option("#id_category", index=1)
    page.fill("#id_focal_point_name", "Dilnoza Karimova")
    page.fill("#id_focal_point_email", "focal@mfa.uz.example")
    page.click("input[name=_continue]")
    page.get_by_role("button", name="Send the link to the focal point").click()
    assert page.locator("ul.messagelist").inner_text() == "Nomination link sent: Uzbekistan."
    [invitation] = mail.outbox
    assert invitation.to == ["focal@mfa.uz.example"]
    # The link lasts until the deadline, written in the conference's own time.
    assert "The link works until 1 March 2027, 18:00 +05." in invitation.body
    link = re.search(r"http://\S+/nominate/\S+/", invitation.body).group(0)

    phone = page.context.new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(link)
    phone.get_by_role("link", name="Nominate a member").click()
    phone.fill("#id_given_names", "Aziz")
    phone.fill("#id_family_name", "Rakhimov")
    phone.fill("#id_email", "a.rakhimov@mfa.uz.example")
    phone.set_input_files("#id_photo", str(_photo(tmp_path)))
    phone.select_option("#id_role", "head")
    phone.fill("#id_passport_number", "FA1234567")
    phone.fill("#id_date_of_birth", "1975-04-02")
    phone.fill("#id_passport_expires_on", "2031-03-16")
    phone.check("#id_consent_processing")
    phone.get_by_role("button", name="Save member").click()
    assert "Aziz Rakhimov has been nominated." in phone.locator(".alert").all_inner_texts()
    assert phone.evaluate("document.documentElement.scrollWidth") == 390

    member = Participant.objects.get(email="a.rakhimov@mfa.uz.example")
    changelist = (
        f"{live_server.url}/admin/participants/participant/"
        f"?conference__id__exact={member.conference_id}"
    )

    def run(step: str) -> str:
        page.goto(changelist)
        page.check(f"input[name=_selected_action][value='{member.pk}']")
        page.select_option("select[name=action]", f"transition_{step}")
        page.click("button[name=index]")
        page.locator(".submit-row input[type=submit]").click()
        return page.locator("ul.messagelist").inner_text()

    run("review")
    run("send_to_vetting")
    # A conference made from scratch has no badge categories yet: approval says what to do.
    assert "Choose a badge category for Aziz Rakhimov" in run("approve")
    page.goto(f"{live_server.url}/admin/participants/badgecategory/add/")
    page.click("#id_conference + .select2 .select2-selection")
    page.locator(".select2-results__option", has_text="Almaty 2027").click()
    page.fill("#id_code", "DEL")
    page.fill("#id_name_en", "Delegate")
    page.fill("#id_colour_name", "Red")
    page.fill("#id_colour", "#c00000")
    page.select_option("#id_kind", "delegate")
    page.click("input[name=_save]")
    assert "was added successfully" in page.locator("ul.messagelist").inner_text()
    run("approve")
    member.refresh_from_db()
    assert member.status == AccreditationStatus.APPROVED
    assert member.badge_number == 1
    # One e-mail to the focal point, for the decision: the steps before it are not mailed.
    assert [m.to for m in mail.outbox[1:]] == [["focal@mfa.uz.example"]]
