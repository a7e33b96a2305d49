"""The door app's device-key API: pairing, the permission table for device keys, scans applied
once, the sync's conflicts, the signed snapshot without passport data, the pairing page."""

import base64
import datetime as dt
import io
import json
import re
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from participants.accreditation import services as accreditation_services
from participants.badging import selectors
from participants.badging import services as badging_services
from participants.badging import signing as badge_signing
from participants.enums import ScanAction, ScanResult
from participants.models import (
    PASSPORT_FIELDS,
    AccessZone,
    BadgeScan,
    IdentityAccessLog,
    IdentityDocument,
    ScannerDevice,
    ZoneOpening,
)
from tests.auth import sign_in
from tests.factories import UserFactory
from tests.participants.badging.test_desk import printed

pytestmark = pytest.mark.django_db

PASSPORT = "P7654321"


def unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def device_for(badge, zones=("P",)):
    """A device paired with ``zones`` of the badge's conference, and its key."""
    AccessZone.objects.get_or_create(conference=badge.conference, code="Q", name="Q")
    device, code = badging_services.scanner_device_create(
        conference=badge.conference,
        name="Gate 1",
        zones=AccessZone.objects.filter(conference=badge.conference, code__in=zones),
        by=UserFactory(),
    )
    return badging_services.scanner_device_pair(code=code)


def headers(key):
    return {"HTTP_AUTHORIZATION": f"Scanner {key}"} if key else {}


def call(client, name, badge, key, *, slug=None, body=None, query=""):
    url = reverse(f"scanner:{name}", args=[slug or badge.conference.slug]) + query
    if body is None:
        return client.get(url, **headers(key))
    return client.post(url, json.dumps(body), content_type="application/json", **headers(key))


def scan_body(badge, at="P:entry", key=None):
    return {"code": selectors.badge_token(badge=badge), "at": at, "key": key}


def queued(badge, when, shown="valid", at="P:entry", key=None):
    return {
        "key": key or str(uuid.uuid4()),
        "code": selectors.badge_token(badge=badge),
        "at": at,
        "scanned_at": when.isoformat(),
        "shown": shown,
    }


# The permission table: each endpoint × who asks. ---------------------------------------------

ENDPOINTS = {
    "snapshot": {},
    "changes": {"query": "?since=2020-01-01T00:00:00%2B00:00"},
    "scan": {"body": "scan"},
    "sync": {"body": "sync"},
}
WHO = ["device", "revoked", "other conference", "other zone", "staff session", "none"]
EXPECTED = {
    "snapshot": [200, 401, 404, 200, 401, 401],
    "changes": [200, 401, 404, 200, 401, 401],
    "scan": [200, 401, 404, 403, 401, 401],
    "sync": [200, 401, 404, 400, 401, 401],
}


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
@pytest.mark.parametrize("who", WHO)
def test_device_key_permissions(client, endpoint, who):
    badge = printed(collected=True)
    key, slug = None, None
    if who == "device":
        _device, key = device_for(badge)
    elif who == "revoked":
        device, key = device_for(badge)
        badging_services.scanner_device_revoke(device=device, by=UserFactory())
    elif who == "other conference":
        stranger = printed(collected=True)
        assert stranger.conference_id != badge.conference_id
        _device, key = device_for(stranger)
    elif who == "other zone":
        _device, key = device_for(badge, zones=("Q",))
    elif who == "staff session":
        sign_in(client, UserFactory(is_superuser=True))
    spec = ENDPOINTS[endpoint]
    body = None
    if spec.get("body") == "scan":
        body = scan_body(badge)
    elif spec.get("body") == "sync":
        body = {"scans": [queued(badge, timezone.now())]}
    response = call(client, endpoint, badge, key, slug=slug, body=body, query=spec.get("query", ""))
    assert response.status_code == EXPECTED[endpoint][WHO.index(who)], response.content
    if response.status_code != 200:
        assert BadgeScan.objects.filter(device__isnull=False).count() == 0


def test_a_revoked_device_is_refused_at_once(client):
    badge = printed(collected=True)
    device, key = device_for(badge)
    assert call(client, "scan", badge, key, body=scan_body(badge, at="P:exit")).status_code == 200
    badging_services.scanner_device_revoke(device=device, by=UserFactory())
    response = call(client, "scan", badge, key, body=scan_body(badge, at="P:exit"))
    assert (response.status_code, response.json()["error"]) == (401, "unpaired")


# Pairing ------------------------------------------------------------------------------------


def test_pairing_trades_the_code_once_for_a_key_shown_once(client):
    badge = printed(collected=True)
    device, code = badging_services.scanner_device_create(
        conference=badge.conference,
        name="Gate 2",
        zones=AccessZone.objects.filter(conference=badge.conference, code="P"),
        by=UserFactory(),
    )
    url = reverse("scanner:pair")
    answer = client.post(url, json.dumps({"code": code}), content_type="application/json")
    data = answer.json()
    assert (answer.status_code, data["zones"], data["conference"]["slug"]) == (
        200,
        ["P"],
        badge.conference.slug,
    )
    assert data["api"]["scan"] == reverse("scanner:scan", args=[badge.conference.slug])
    device.refresh_from_db()
    assert device.key_hash == selectors.scanner_secret_hash(data["key"])
    assert data["key"] not in str(ScannerDevice.objects.values().get(pk=device.pk))
    again = client.post(url, json.dumps({"code": code}), content_type="application/json")
    assert (again.status_code, again.json()["error"]) == (400, "bad_pairing")
    for bad in (b"not json", b"[]", json.dumps({"code": 5}).encode()):
        assert client.post(url, bad, content_type="application/json").status_code == 400


# Scans and the sync -------------------------------------------------------------------------


def test_an_online_scan_with_a_key_is_applied_once(client):
    badge = printed(collected=True)
    device, key = device_for(badge)
    body = scan_body(badge, key=str(uuid.uuid4()))
    first = call(client, "scan", badge, key, body=body).json()
    again = call(client, "scan", badge, key, body=body).json()
    assert (first["result"], first["verdict"], first["replayed"]) == ("valid", "enter", False)
    assert (again["result"], again["replayed"]) == ("valid", True)
    assert BadgeScan.objects.filter(device=device).count() == 1


def test_the_sync_applies_each_queued_scan_once_and_returns_the_conflicts(client):
    good = printed(collected=True)
    conference = good.conference
    voided = printed(conference=conference, collected=True)
    inside = printed(conference=conference, collected=True)
    AccessZone.objects.filter(conference=conference, code="P").update(anti_passback=True)
    device, key = device_for(good)
    offline_at = timezone.now() - dt.timedelta(minutes=10)
    # While the device is offline: one badge is voided, another enters at another door.
    badging_services.badge_void_and_reissue(participant=voided.participant, by=None, reason="lost")
    badging_services.badge_scan(
        conference=conference,
        code=selectors.badge_token(badge=inside),
        checkpoint=badging_services.Checkpoint(
            action=ScanAction.ENTRY, zone=AccessZone.objects.get(conference=conference, code="P")
        ),
        scanned_at=offline_at - dt.timedelta(minutes=5),
    )
    queue = [
        queued(good, offline_at),
        queued(voided, offline_at + dt.timedelta(minutes=1)),
        queued(inside, offline_at + dt.timedelta(minutes=2)),
    ]
    first = call(client, "sync", good, key, body={"scans": queue}).json()
    again = call(client, "sync", good, key, body={"scans": queue}).json()
    assert [s["result"] for s in first["scans"]] == ["valid", "voided", "already_inside"]
    assert [c["badge"]["id"] for c in first["conflicts"]] == [voided.pk, inside.pk]
    assert (first["applied"], again["applied"]) == (3, 0)
    assert [s["replayed"] for s in again["scans"]] == [True, True, True]
    assert [c["key"] for c in again["conflicts"]] == [c["key"] for c in first["conflicts"]]
    assert BadgeScan.objects.filter(device=device).count() == 3
    assert "Inside since" in first["conflicts"][1]["explanation"]


def test_a_malformed_queue_applies_nothing(client):
    badge = printed(collected=True)
    device, key = device_for(badge)
    queue = [queued(badge, timezone.now()), {"key": "nope"}]
    response = call(client, "sync", badge, key, body={"scans": queue})
    assert (response.status_code, response.json()["error"]) == (400, "bad_scan")
    assert BadgeScan.objects.filter(device=device).count() == 0
    naive = queued(badge, timezone.now())
    naive["scanned_at"] = "2026-12-07T10:00:00"
    assert call(client, "sync", badge, key, body={"scans": [naive]}).status_code == 400
    assert call(client, "changes", badge, key, query="?since=yesterday").status_code == 400
    assert call(client, "changes", badge, key, query="?since=%00").status_code == 400


# The snapshot -------------------------------------------------------------------------------


def a_photo():
    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), (90, 120, 160)).save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name="door.jpg")


def test_the_snapshot_is_signed_and_holds_no_passport_data(client):
    badge = printed(collected=True)
    IdentityDocument.objects.create(
        participant=badge.participant,
        passport_number=PASSPORT,
        place_of_birth="Secretabad",
        date_of_birth=dt.date(1961, 2, 3),
        nationality="KZ",
    )
    type(badge.participant).objects.filter(pk=badge.participant_id).update(
        passport_name="HIDDEN PASSPORTNAME"
    )
    _device, key = device_for(badge)
    response = call(client, "snapshot", badge, key)
    doc = response.json()
    public = Ed25519PublicKey.from_public_bytes(unb64(badge_signing.public_key_text()))
    public.verify(unb64(doc["signature"]), doc["body"].encode())  # raises if forged
    data = json.loads(doc["body"])
    assert [b["id"] for b in data["badges"]] == [badge.pk]
    assert data["public_key"] == badge_signing.public_key_text()
    text = response.content.decode()
    for secret in (PASSPORT, "Secretabad", "1961-02-03", "HIDDEN", "PASSPORTNAME"):
        assert secret not in text
    for field in PASSPORT_FIELDS:
        assert field not in data["badges"][0]
    assert data["badges"][0]["photo"] is None
    assert IdentityAccessLog.objects.filter(device__isnull=False).count() == 0


def test_a_snapshot_with_photos_is_logged_like_identity_data(client):
    badge = printed(collected=True)
    badge.conference.scanner_photos = True
    badge.conference.save()
    IdentityDocument.objects.create(participant=badge.participant, photo=a_photo())
    device, key = device_for(badge)
    data = json.loads(call(client, "snapshot", badge, key).json()["body"])
    assert data["badges"][0]["photo"].startswith("data:image/jpeg;base64,")
    log = IdentityAccessLog.objects.get(device=device)
    assert (log.user, log.kind, log.export, log.row_count) == (
        None,
        "export",
        "scanner snapshot",
        1,
    )


def test_changes_since_hold_only_the_badges_that_changed(client):
    badge = printed(collected=True)
    held = printed(conference=badge.conference, collected=True)
    _device, key = device_for(badge)
    since = timezone.now()
    accreditation_services.participant_security_hold(
        participant=held.participant, by=None, reason="check"
    )
    query = "?since=" + since.isoformat().replace("+", "%2B")
    data = json.loads(call(client, "changes", badge, key, query=query).json()["body"])
    assert [(b["id"], b["status"]) for b in data["badges"]] == [(held.pk, "security_hold")]
    assert data["elsewhere"] == []


# The app's own files ----------------------------------------------------------------------


def test_the_app_page_worker_and_manifest_are_ours_and_without_inline_script(client):
    page = client.get(reverse("scanner:app"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<script>" not in html and "<script " in html
    assert '<script id="app-messages" type="application/json">' in html
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html
    worker = client.get(reverse("scanner:worker"))
    assert (worker.status_code, worker["Content-Type"], worker["Service-Worker-Allowed"]) == (
        200,
        "text/javascript; charset=utf-8",
        "/desk/scanner/",
    )
    assert b"caches.open" in worker.content
    manifest = client.get(reverse("scanner:manifest")).json()
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/desk/scanner/",
        "/desk/scanner/",
        "standalone",
    )


# The pairing page and the admin -------------------------------------------------------------


def security_officer(client, *, verified=True):
    call_command("setup_roles", verbosity=0)
    user = UserFactory(username="security")
    user.groups.add(Group.objects.get(name="Security officer"))
    if verified:
        sign_in(client, user)
    else:
        client.force_login(user)
    return user


def test_the_pairing_page_shows_a_one_time_qr_for_the_chosen_zones(client):
    badge = printed(collected=True)
    security_officer(client)
    url = reverse("admin:participants_scannerdevice_pair") + f"?conference={badge.conference.pk}"
    form = client.get(url)
    assert form.status_code == 200 and b'name="zones"' in form.content
    zone = AccessZone.objects.get(conference=badge.conference, code="P")
    page = client.post(
        url, {"conference": badge.conference.pk, "name": "Gate 9", "zones": [zone.pk]}
    )
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html
    device = ScannerDevice.objects.get(name="Gate 9")
    code = html.split("#pair=")[1].split('"')[0]
    assert device.pairing_hash == selectors.scanner_secret_hash(code)
    assert list(device.zones.values_list("code", flat=True)) == ["P"]


def test_a_zone_of_another_conference_cannot_be_chosen(client):
    badge = printed(collected=True)
    other = printed(collected=True)
    security_officer(client)
    url = reverse("admin:participants_scannerdevice_pair")
    stranger = AccessZone.objects.get(conference=other.conference, code="P")
    page = client.post(
        url, {"conference": badge.conference.pk, "name": "X", "zones": [stranger.pk]}
    )
    assert page.status_code == 200 and b"errorlist" in page.content
    assert not ScannerDevice.objects.exists()


def test_pairing_needs_a_session_verified_by_the_second_factor(client, settings):
    badge = printed(collected=True)
    settings.PLENARY_OTP_REQUIRED_FOR_ALL = False
    security_officer(client, verified=False)
    response = client.get(reverse("admin:participants_scannerdevice_pair"))
    assert response.status_code in (302, 403)
    assert not ScannerDevice.objects.filter(conference=badge.conference).exists()


def test_the_admin_revokes_and_renames_devices(client):
    badge = printed(collected=True)
    device, key = device_for(badge)
    security_officer(client)
    changelist = reverse("admin:participants_scannerdevice_changelist")
    listing = client.get(changelist)
    assert listing.status_code == 200 and b"Gate 1" in listing.content
    change = reverse("admin:participants_scannerdevice_change", args=[device.pk])
    zone = AccessZone.objects.get(conference=badge.conference, code="P")
    saved = client.post(change, {"name": "North gate", "zones": [zone.pk]})
    assert saved.status_code == 302
    device.refresh_from_db()
    assert device.name == "North gate" and selectors.scanner_device_for_key(key) == device
    client.post(changelist, {"action": "revoke_selected", "_selected_action": [device.pk]})
    device.refresh_from_db()
    assert device.revoked_at is not None and selectors.scanner_device_for_key(key) is None


# The desk page says which rule refused and who goes to the supervisor -------------------------


def test_the_desk_says_which_rule_refused_and_when(client):
    badge = printed(collected=True)
    AccessZone.objects.filter(conference=badge.conference, code="P").update(anti_passback=True)
    call_command("setup_roles", verbosity=0)
    user = UserFactory(username="desk")
    user.groups.add(Group.objects.get(name="Desk officer"))
    sign_in(client, user)
    url = reverse("desk:desk", args=[badge.conference.slug])
    code = selectors.badge_token(badge=badge)
    client.post(url, {"at": "P:entry", "code": code})
    page = client.post(url, {"at": "P:entry", "code": code}).content.decode()
    assert 'data-verdict="refuse"' in page and 'data-rule="already_inside"' in page
    assert "it may enter again after an exit" in page
    accreditation_services.participant_security_hold(
        participant=badge.participant, by=None, reason="check"
    )
    held = client.post(url, {"at": "P:exit", "code": code}).content.decode()
    assert 'data-verdict="supervisor"' in held and 'data-instruction="supervisor"' in held
    nobody = client.post(url, {"at": "P:entry", "code": "9999"}).content.decode()
    assert 'data-verdict="no_match"' in nobody and 'data-instruction="no_match"' in nobody
    assert ScanResult.SECURITY_HOLD in held


def test_zone_openings_offer_only_the_zone_conference_categories(organizer):
    badge = printed(collected=True)
    other = printed(collected=True)
    zone = AccessZone.objects.get(conference=badge.conference, code="P")
    page = organizer.get(reverse("admin:participants_accesszone_change", args=[zone.pk]))
    html = page.content.decode()
    ours = badge.conference.badge_categories.values_list("pk", flat=True)
    theirs = other.conference.badge_categories.values_list("pk", flat=True)
    assert page.status_code == 200 and "openings-__prefix__-category" in html
    select = re.search(r'<select name="openings-__prefix__-category".*?</select>', html, re.S)
    options = {int(value) for value in re.findall(r'<option value="(\d+)"', select.group(0))}
    assert options == set(ours) and not options & set(theirs)
    saved = organizer.post(
        reverse("admin:participants_accesszone_change", args=[zone.pk]),
        {
            "conference": badge.conference.pk,
            "code": "P",
            "name_en": "Plenary",
            "name_ru": "Пленарный зал",
            "anti_passback": "on",
            "openings-TOTAL_FORMS": "1",
            "openings-INITIAL_FORMS": "0",
            "openings-0-category": badge.participant.badge_category_id,
            "openings-0-opens": "09:00",
            "openings-0-closes": "12:00",
        },
    )
    assert saved.status_code == 302, saved.content.decode()[:3000]
    zone.refresh_from_db()
    assert zone.anti_passback and zone.openings.get().opens == dt.time(9)


# What one scan costs, and what stays fresh in it ----------------------------------------------


def _scan_statements(client, badge, key, body) -> tuple[dict, list[str]]:
    """A scan's answer and the table each of its SQL statements reads or writes first."""
    tables = []

    def record(execute, sql, params, many, context):
        if not sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")):  # the test's transaction
            outer = sql
            while "(" in outer:  # subqueries and column lists out: the statement's own table
                outer = re.sub(r"\([^()]*\)", "", outer)
            tables.append(re.search(r'(?:FROM|INTO) "(\w+)"', outer).group(1))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = call(client, "scan", badge, key, body=body)
    return response.json(), tables


def test_a_scan_reads_the_device_and_the_badge_once_each_and_writes_one_row(client):
    badge = printed(collected=True)
    _device, key = device_for(badge)
    call(client, "scan", badge, key, body=scan_body(badge, at="P:exit"))  # notes the device seen
    answer, tables = _scan_statements(client, badge, key, scan_body(badge))
    assert answer["result"] == ScanResult.VALID
    assert tables == [
        "participants_scannerdevice_zones",  # the device, its conference and zones
        "participants_issuedbadge",  # the badge, its holder, category and the zone check
        "participants_badgescan",
        "api_webhookendpoint",  # whoever wants the check-in
    ]


def test_a_paired_device_keeps_to_the_opening_hours_added_after_pairing(client):
    badge = printed(collected=True)
    _device, key = device_for(badge)
    zone = AccessZone.objects.get(conference=badge.conference, code="P")
    long_ago = timezone.localdate() - dt.timedelta(days=400)
    ZoneOpening.objects.create(zone=zone, day=long_ago, opens=dt.time(8), closes=dt.time(9))
    answer, tables = _scan_statements(client, badge, key, scan_body(badge))
    assert answer["result"] == ScanResult.CLOSED
    assert "participants_zoneopening" in tables


def test_a_zone_taken_from_a_device_is_refused_at_once(client):
    badge = printed(collected=True)
    device, key = device_for(badge, zones=("P", "Q"))
    assert call(client, "scan", badge, key, body=scan_body(badge, at="P:exit")).status_code == 200
    badging_services.scanner_device_save(
        device=device, zones=AccessZone.objects.filter(conference=badge.conference, code="Q")
    )
    response = call(client, "scan", badge, key, body=scan_body(badge, at="P:exit"))
    assert (response.status_code, response.json()["error"]) == (403, "zone")


def test_a_device_whose_zones_were_deleted_is_known_and_scans_nowhere(client):
    badge = printed(collected=True)
    _device, key = device_for(badge, zones=("Q",))
    AccessZone.objects.filter(conference=badge.conference, code="Q").delete()
    response = call(client, "scan", badge, key, body=scan_body(badge, at="Q:exit"))
    assert (response.status_code, response.json()["error"]) == (403, "zone")
    assert call(client, "snapshot", badge, key).status_code == 200
