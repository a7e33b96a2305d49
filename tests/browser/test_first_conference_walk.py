"""Issue 21, acceptance 3: a first conference in a real browser, from the empty admin to the desk.

The organizer creates the conference, follows its setup checklist (rooms and delegations added
as lists, a badge category from the checklist's link), sends the nomination link; the focal
point nominates three members on a phone, one of them in Cyrillic only and one before passport
data was required; approval refuses that one and approves the others; the organizer prints the
badges, downloads one again and voids another; the desk finds the Cyrillic-only member
typed in Latin letters.

With WALK_SCREENSHOTS=<directory> each key step is photographed at 1366 and 390 pixels wide.
"""

import io
import os
import re
from pathlib import Path

import pytest
from django.core import mail
from PIL import Image

from conference.models import Conference
from participants.enums import AccreditationStatus
from participants.models import BadgePrinting, IssuedBadge, Participant
from tests.browser.conftest import admin_fill_new_conference, admin_sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

WIDTHS = (1366, 390)


def _photo(tmp_path) -> Path:
    path = tmp_path / "portrait.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (600, 800), (200, 180, 160)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def _shoot(page, name: str) -> None:
    """The page at each width in WIDTHS, into $WALK_SCREENSHOTS (nothing without it)."""
    directory = os.environ.get("WALK_SCREENSHOTS")
    if not directory:
        return
    Path(directory).mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{directory}/{name}-{width}.png", full_page=True)
    page.set_viewport_size(size)


def _pdf(page, click) -> str:
    """The file name of the PDF the page answers ``click()`` with; Chromium shows it inline."""
    is_pdf = lambda response: response.headers.get("content-type") == "application/pdf"  # noqa: E731
    with page.expect_response(is_pdf) as answer:
        click()
    assert answer.value.status == 200
    return re.search(r'filename="([^"]+)"', answer.value.headers["content-disposition"]).group(1)


def _marks(page) -> dict[str, str]:
    """Each checklist row's state, "done" or "missing", by its step."""
    rows = page.locator("#setup-checklist tbody tr[id]")
    return {
        row.get_attribute("id").removeprefix("setup-"): row.get_attribute("class").removeprefix(
            "setup-"
        )
        for row in rows.all()
    }


def _nominate(phone, link: str, *, given: str, family: str, email: str, photo, passport=None):
    phone.goto(link)
    phone.get_by_role("link", name="Nominate a member").click()
    phone.fill("#id_given_names", given)
    phone.fill("#id_family_name", family)
    phone.fill("#id_email", email)
    phone.set_input_files("#id_photo", str(photo))
    phone.select_option("#id_role", "representative")
    if passport:
        phone.fill("#id_passport_number", passport)
        phone.fill("#id_date_of_birth", "1980-06-01")
        phone.fill("#id_passport_expires_on", "2032-01-31")
    phone.check("#id_consent_processing")
    phone.get_by_role("button", name="Save member").click()
    assert f"{given} {family} has been nominated." in phone.locator(".alert").all_inner_texts()


def test_a_first_conference_from_the_empty_admin_to_the_desk(
    transactional_db, live_server, browser_page, tmp_path
):
    organizer = UserFactory(username="organizer", is_superuser=True)
    page = browser_page
    base = live_server.url
    admin_sign_in(page, base, organizer, "correct-horse-battery")

    # The conference, from scratch. Passport data is not asked for at first.
    admin_fill_new_conference(page, base)
    page.uncheck("#id_requires_passport_data")
    page.click("input[name=_save]")
    conference = Conference.objects.get(slug="almaty-2027")
    # It opens on its checklist, every step still to do.
    assert page.url == f"{base}/admin/conference/conference/{conference.pk}/change/"
    assert "was added successfully" in page.locator("ul.messagelist").inner_text()
    assert set(_marks(page).values()) == {"missing"}
    _shoot(page, "01-checklist-new")
    checklist = page.url

    # Rooms, as a list.
    page.locator("#setup-rooms a.setup-bulk-add").click()
    page.fill("#id_names", "Plenary Hall\nCommittee Room A\n")
    page.get_by_role("button", name="Add them all").click()
    assert page.url == checklist
    assert (
        "Added to Almaty 2027 (2027): Plenary Hall, Committee Room A."
        in page.locator("ul.messagelist").inner_text()
    )

    # A badge category from the checklist's link: the conference is already chosen.
    page.locator("#setup-badge_categories a.setup-add").click()
    assert page.locator("#id_conference option:checked").inner_text() == "Almaty 2027 (2027)"
    page.fill("#id_code", "DEL")
    page.fill("#id_name_en", "Delegate")
    page.fill("#id_colour_name", "Red")
    page.fill("#id_colour", "#c00000")
    page.select_option("#id_kind", "delegate")
    page.click("input[name=_save]")
    assert "was added successfully" in page.locator("ul.messagelist").inner_text()

    # Delegations, as a list: one unknown line refuses the list, and nothing is added.
    page.goto(checklist)
    page.locator("#setup-delegations a.setup-bulk-add").click()
    page.fill("#id_names", "Uzbekistan\nAtlantis\n")
    page.get_by_role("button", name="Add them all").click()
    refusals = page.locator("#bulk-add-refusals").inner_text()
    assert "Nothing was added" in refusals
    assert "Line 2: Atlantis: no country has this name or code" in refusals
    assert not conference.delegations.exists()
    _shoot(page, "02-bulk-add-refused")
    page.fill("#id_names", "UZB\n")
    page.get_by_role("button", name="Add them all").click()
    assert "Added to Almaty 2027 (2027): Uzbekistan." in page.locator("ul.messagelist").inner_text()
    marks = _marks(page)
    assert (marks["delegations"], marks["focal_points"]) == ("done", "missing")

    # The focal point, from the list the checklist links to, and the link sent.
    page.locator("#setup-focal_points a.setup-list").click()
    page.get_by_role("link", name="Uzbekistan").click()
    page.fill("#id_focal_point_name", "Dilnoza Karimova")
    page.fill("#id_focal_point_email", "focal@mfa.uz.example")
    page.click("input[name=_continue]")
    page.get_by_role("button", name="Send the link to the focal point").click()
    assert page.locator("ul.messagelist").inner_text() == "Nomination link sent: Uzbekistan."
    [invitation] = mail.outbox
    link = re.search(r"http://\S+/nominate/\S+/", invitation.body).group(0)
    page.goto(checklist)
    marks = _marks(page)
    assert {key: marks[key] for key in ("rooms", "badge_categories", "delegations")} == {
        "rooms": "done",
        "badge_categories": "done",
        "delegations": "done",
    }
    assert (marks["focal_points"], marks["nomination_links"]) == ("done", "done")
    assert page.locator("#setup-nomination_links td").nth(1).inner_text() == "1 of 1"
    _shoot(page, "03-checklist-link-sent")

    # Three nominees on the focal point's phone. The first comes before passport data is asked.
    phone = page.context.new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    photo = _photo(tmp_path)
    _nominate(phone, link, given="Timur", family="Ismoilov", email="t.ismoilov@mfa.uz.example",
              photo=photo)  # fmt: skip
    page.goto(checklist)
    page.check("#id_requires_passport_data")
    page.click("input[name=_continue]")
    assert "was changed successfully" in page.locator("ul.messagelist").inner_text()
    _nominate(phone, link, given="Aziz", family="Rakhimov", email="a.rakhimov@mfa.uz.example",
              photo=photo, passport="FA1234567")  # fmt: skip
    # Cyrillic only, as the focal point typed it.
    _nominate(phone, link, given="Пётр", family="Петров", email="p.petrov@mfa.uz.example",
              photo=photo, passport="FA7654321")  # fmt: skip
    _shoot(phone, "04-portal-three-nominees")
    assert phone.evaluate("document.documentElement.scrollWidth") == 390
    ismoilov, rakhimov, petrov = (
        Participant.objects.get(email=f"{name}@mfa.uz.example")
        for name in ("t.ismoilov", "a.rakhimov", "p.petrov")
    )
    assert not hasattr(ismoilov, "identity") or not ismoilov.identity.passport_number

    # Approval refuses the one without the passport data the conference now requires.
    changelist = f"{base}/admin/participants/participant/?conference__id__exact={conference.pk}"
    everyone = [ismoilov, rakhimov, petrov]

    def choose(action: str, members) -> None:
        page.goto(changelist)
        for member in members:
            page.check(f"input[name=_selected_action][value='{member.pk}']")
        page.select_option("select[name=action]", action)
        page.click("button[name=index]")

    def run(action: str, members) -> str:
        choose(action, members)
        page.locator(".submit-row input[type=submit]").click()
        return page.locator("ul.messagelist").inner_text()

    run("transition_review", everyone)
    run("transition_send_to_vetting", everyone)
    choose("transition_approve", everyone)
    missing = "missing nationality, date of birth, passport number, passport expires on"
    confirmation = page.locator("#content table").inner_text()
    assert f"will be refused: {missing}, which the conference requires" in confirmation
    _shoot(page, "05-approval-refuses")
    page.locator(".submit-row input[type=submit]").click()
    report = page.locator("ul.messagelist").inner_text()
    assert "Approve: 2 participants done." in report
    assert (
        f"1 refused: Timur Ismoilov: Timur Ismoilov cannot be approved: {missing}, which the "
        "conference requires."
    ) in report
    for member in everyone:
        member.refresh_from_db()
    assert [m.status for m in everyone] == [
        AccreditationStatus.VETTING,
        AccreditationStatus.APPROVED,
        AccreditationStatus.APPROVED,
    ]
    assert {rakhimov.badge_number, petrov.badge_number} == {1, 2}

    # Badges printed as A4 sheets, one badge downloaded again, another voided.
    page.goto(changelist)
    for member in (rakhimov, petrov):
        page.check(f"input[name=_selected_action][value='{member.pk}']")
    page.select_option("select[name=action]", "print_badges_sheets")
    assert _pdf(page, lambda: page.click("button[name=index]")) == "badges-almaty-2027.pdf"
    assert BadgePrinting.objects.filter(badge__conference=conference).count() == 2
    page.goto(f"{base}/admin/participants/participant/{rakhimov.pk}/change/")
    _shoot(page, "06-participant-printed")
    again = page.get_by_role("button", name="Download the badge again (PDF)")
    assert _pdf(page, again.click) == "badge-0001.pdf"
    rakhimov.refresh_from_db()
    assert rakhimov.badge_number == 1  # the same number, a second copy
    assert BadgePrinting.objects.filter(badge__participant=rakhimov).count() == 2

    page.goto(f"{base}/admin/participants/participant/{petrov.pk}/change/")
    page.get_by_role("link", name="Void badge (lost or stolen)…").click()
    page.fill("#id_reason", "Lost at the hotel")
    _shoot(page, "07-void-badge")
    void = page.get_by_role("button", name="Void and issue a new badge")
    assert _pdf(page, void.click) == "badge-0003.pdf"
    petrov.refresh_from_db()
    assert petrov.badge_number == 3
    voided = IssuedBadge.objects.get(participant=petrov, number=2)
    assert voided.voided_at is not None

    # The desk finds the Cyrillic-only member typed in Latin letters (item 9).
    desk = page.context.new_page()
    desk.set_viewport_size({"width": 390, "height": 844})
    desk.goto(f"{base}/desk/{conference.slug}/")
    desk.fill("#q", "Petrov")
    desk.get_by_role("button", name="Search", exact=True).click()
    matches = desk.locator("ul.matches").inner_text()
    assert matches == f"Petr PETROV (Пётр Петров) · Uzbekistan · {petrov.printed_badge_number}"
    _shoot(desk, "08-desk-search")
    # Chromium's PDF viewer loads its own chrome:// resources; no page asked the web for anything.
    assert [url for url in page.outside_requests if url.startswith(("http:", "https:"))] == []
