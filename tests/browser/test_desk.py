"""The check-in desk on a phone: type a number, see the green card, hand the badge over."""

import io
import os

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from PIL import Image

from conference.models import Conference
from demo.accounts import DEFAULT_PASSWORD, USERNAME
from participants.models import IdentityDocument, IssuedBadge, Participant
from tests.browser.conftest import admin_sign_in

pytestmark = pytest.mark.browser


def a_photo() -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), (90, 120, 160)).save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name="desk-test.jpg")


def test_a_desk_officer_hands_a_badge_over_on_a_phone(demo_site, browser_page):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    lajcak = Participant.objects.get(family_name="Lajčák")  # printed, never collected
    IdentityDocument.objects.create(participant=lajcak, photo=a_photo())
    badge = IssuedBadge.objects.get(participant=lajcak, voided_at__isnull=True)
    conference = Conference.objects.get(slug="dushanbe-2019")
    collected = IssuedBadge.objects.filter(conference=conference, collected_at__isnull=False)
    before = collected.count()

    admin_sign_in(page, demo_site.url, User.objects.get(username=USERNAME), DEFAULT_PASSWORD)
    page.goto(f"{demo_site.url}/desk/{conference.slug}/")
    page.get_by_label("Badge number or QR code").fill(badge.printed_number)
    page.get_by_role("button", name="Check", exact=True).click()

    result = page.get_by_role("status")
    assert result.get_attribute("data-result") == "valid"
    assert "Valid badge" in result.inner_text()
    assert "Miroslav LAJČÁK" in result.inner_text()
    photo = result.get_by_role("img", name="Photo")
    # On a busy machine the thumbnail may still be on its way: wait for it, then measure.
    photo.element_handle().wait_for_element_state("visible")
    page.wait_for_function("img => img.complete", arg=photo.element_handle())
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 240
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    if os.environ.get("DESK_SCREENSHOT"):
        page.screenshot(path=os.environ["DESK_SCREENSHOT"], full_page=True)

    page.get_by_role("button", name="Badge handed over").click()
    assert page.get_by_role("status").get_attribute("data-result") == "handed_over"
    assert collected.count() == before + 1

    page.goto(f"{demo_site.url}/admin/participants/participant/dashboard/{conference.pk}/")
    assert page.locator("#badges-collected").inner_text() == str(before + 1)
    assert page.outside_requests == []
