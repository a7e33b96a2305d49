"""The door app in Chromium's offline mode: pair, go offline, scan three badges (one voided
meanwhile on the server), come back online; each scan is applied once and the conflict shown."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from conference.models import Conference
from demo.accounts import DEFAULT_PASSWORD, USERNAME
from participants.badging import selectors, services
from participants.models import BadgeScan, IssuedBadge, ScannerDevice
from tests.browser.conftest import admin_sign_in

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}


def three_badges(conference):
    """Three collected badges in good standing that open the plenary (P)."""
    badges = (
        IssuedBadge.objects.filter(conference=conference, collected_at__isnull=False)
        .filter(participant__badge_category__zones__code="P", voided_at__isnull=True)
        .select_related("participant")
        .order_by("number")
    )
    good = [badge for badge in badges if selectors.badge_standing(badge=badge) is None]
    return good[:3]


def only_local(page):
    def route(request_route):
        host = urlsplit(request_route.request.url).hostname
        if host in ("localhost", "127.0.0.1"):
            request_route.continue_()
        else:
            page.outside_requests.append(request_route.request.url)
            request_route.abort()

    page.outside_requests = []
    page.route("**/*", route)


def test_the_door_app_works_offline_and_syncs_each_scan_once(demo_site, browser_page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    conference = Conference.objects.get(slug="dushanbe-2019")
    first, voided, third = three_badges(conference)
    officer_page = browser_page
    officer_page.set_viewport_size(PHONE)

    # A security officer (here the demo organizer, signed in with a recovery code) pairs it.
    admin_sign_in(
        officer_page, demo_site.url, User.objects.get(username=USERNAME), DEFAULT_PASSWORD
    )
    officer_page.goto(
        f"{demo_site.url}/admin/participants/scannerdevice/pair/?conference={conference.pk}"
    )
    officer_page.get_by_label("Device name").fill("North gate")
    plenary = conference.access_zones.get(code="P")
    officer_page.locator(f"input[name=zones][value='{plenary.pk}']").check()
    with officer_page.expect_navigation():
        officer_page.get_by_role("button", name="Show the pairing code").click()
    assert officer_page.locator("#pairing-qr svg").count() == 1
    officer_page.screenshot(path=str(SCREENSHOTS / "door-1-pairing-390.png"), full_page=True)
    link = officer_page.locator("#pairing-link").get_attribute("href")

    # The phone: its own browser context, no staff session.
    browser = officer_page.context.browser
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    phone = context.new_page()
    only_local(phone)
    phone.goto(link)
    phone.wait_for_function(
        "() => document.getElementById('snapshot-info').textContent.includes('badges')"
    )
    assert "#pair=" not in phone.url
    assert phone.locator("#state").get_attribute("data-state") == "online"
    device = ScannerDevice.objects.get(name="North gate")
    assert [z.code for z in device.zones.all()] == ["P"]
    phone.wait_for_function("() => navigator.serviceWorker.controller !== null")
    ed25519 = phone.locator("#signature-info").is_hidden()

    # The network goes; meanwhile the server voids one badge (a lost badge, reprinted).
    context.set_offline(True)
    phone.wait_for_function("() => document.getElementById('state').dataset.state === 'offline'")
    services.badge_void_and_reissue(participant=voided.participant, by=None, reason="lost")
    for count, badge in enumerate((first, voided, third), start=1):
        phone.get_by_label("Badge number or QR code").fill(selectors.badge_token(badge=badge))
        phone.get_by_role("button", name="Check", exact=True).click()
        phone.wait_for_function(
            f"() => document.getElementById('queue-info').dataset.queued === '{count}'"
        )
        result = phone.locator("#result")
        assert result.get_attribute("data-result") == "valid"
        assert "Checked offline" in result.inner_text()
        assert badge.participant.badge_name in result.inner_text()
    assert "Offline since" in phone.locator("#state").inner_text()
    assert BadgeScan.objects.filter(device=device).count() == 0
    phone.screenshot(path=str(SCREENSHOTS / "door-2-offline-390.png"), full_page=True)
    # Reloaded while offline, the app opens from its worker's cache with the queue kept.
    phone.reload()
    phone.wait_for_function("() => document.getElementById('queue-info').dataset.queued === '3'")

    # Back online: the queue is sent, each scan applied once; the voided badge is a conflict.
    context.set_offline(False)
    phone.wait_for_function("() => !document.getElementById('conflicts').hidden")
    conflicts = phone.locator("#conflict-list li")
    assert conflicts.count() == 1
    assert voided.printed_number in conflicts.inner_text()
    assert "Badge voided" in conflicts.inner_text()
    phone.wait_for_function("() => document.getElementById('state').dataset.state === 'online'")
    phone.screenshot(path=str(SCREENSHOTS / "door-3-conflict-390.png"), full_page=True)
    scans = BadgeScan.objects.filter(device=device).order_by("scanned_at")
    assert [(s.badge_id, s.result) for s in scans] == [
        (first.pk, "valid"),
        (voided.pk, "voided"),
        (third.pk, "valid"),
    ]
    assert len({s.client_key for s in scans}) == 3

    # Going offline and back again sends nothing twice.
    context.set_offline(True)
    phone.wait_for_function("() => document.getElementById('state').dataset.state === 'offline'")
    context.set_offline(False)
    phone.wait_for_function("() => document.getElementById('state').dataset.state === 'online'")
    assert BadgeScan.objects.filter(device=device).count() == 3
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= 390

    # Revoked: the next request is refused and the app wipes what it kept.
    services.scanner_device_revoke(device=device, by=None)
    phone.get_by_label("Badge number or QR code").fill(first.printed_number)
    phone.get_by_role("button", name="Check", exact=True).click()
    phone.wait_for_function("() => !document.getElementById('unpaired').hidden")
    kept = phone.evaluate("() => indexedDB.databases().then(list => list.map(d => d.name))")
    assert "plenary-scanner" not in kept
    assert phone.outside_requests == [] and officer_page.outside_requests == []
    context.close()
    print(f"Ed25519 in WebCrypto: {ed25519}")
    assert ed25519, "Chromium here checks the QR signature with WebCrypto Ed25519"
