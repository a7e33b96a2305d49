"""The re-entry rules of a zone, and scanner devices: pairing, scope, revocation, replays."""

import datetime as dt
import uuid

import pytest
from django.core import signing

from participants.accreditation import services
from participants.badging import selectors as badging_selectors
from participants.badging import services as badging_services
from participants.badging import signing as badge_signing
from participants.enums import ScanAction, ScanResult, ScanVerdict
from participants.models import AccessZone, BadgeScan, Participant, ZoneOpening
from tests.factories import UserFactory
from tests.participants.badging.test_desk import printed, scan

pytestmark = pytest.mark.django_db


def at(conference, day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=conference.tz)


def entry(badge, when, device=None):
    zone = AccessZone.objects.get(conference=badge.conference, code="P")
    return badging_services.badge_scan(
        conference=badge.conference,
        code=badging_selectors.badge_token(badge=badge),
        checkpoint=badging_services.Checkpoint(action=ScanAction.ENTRY, zone=zone),
        device=device,
        client_key=uuid.uuid4() if device else None,
        scanned_at=when,
    )


def exit_(badge, when):
    zone = AccessZone.objects.get(conference=badge.conference, code="P")
    return badging_services.badge_scan(
        conference=badge.conference,
        code=badging_selectors.badge_token(badge=badge),
        checkpoint=badging_services.Checkpoint(action=ScanAction.EXIT, zone=zone),
        scanned_at=when,
    )


def rules(badge, **fields):
    AccessZone.objects.filter(conference=badge.conference, code="P").update(**fields)


def test_single_entry_refuses_a_second_entry_even_after_an_exit():
    badge = printed(collected=True)
    rules(badge, single_entry=True)
    day = badge.conference.start_date
    first = at(badge.conference, day, 9)
    assert entry(badge, first).result == ScanResult.VALID
    assert exit_(badge, at(badge.conference, day, 10)).result == ScanResult.VALID
    second = entry(badge, at(badge.conference, day, 11))
    assert (second.result, second.refusal.since, second.verdict) == (
        ScanResult.ALREADY_ENTERED,
        first,
        ScanVerdict.REFUSE,
    )


def test_anti_passback_needs_an_exit_between_two_entries():
    badge = printed(collected=True)
    rules(badge, anti_passback=True)
    day = badge.conference.start_date
    assert entry(badge, at(badge.conference, day, 9)).result == ScanResult.VALID
    refused = entry(badge, at(badge.conference, day, 9, 5))
    assert (refused.result, refused.refusal.after_exit, refused.refusal.retry_at) == (
        ScanResult.ALREADY_INSIDE,
        True,
        None,
    )
    assert exit_(badge, at(badge.conference, day, 9, 10)).result == ScanResult.VALID
    assert entry(badge, at(badge.conference, day, 9, 15)).result == ScanResult.VALID


def test_the_automatic_exit_counts_everyone_out_at_the_hour_in_conference_time():
    badge = printed(collected=True)
    rules(badge, anti_passback=True, auto_exit_at=dt.time(18, 0))
    conference = badge.conference
    day = conference.start_date
    assert entry(badge, at(conference, day, 17)).result == ScanResult.VALID
    before = entry(badge, at(conference, day, 17, 59))
    assert (before.result, before.refusal.retry_at) == (
        ScanResult.ALREADY_INSIDE,
        at(conference, day, 18),  # 18:00 in Dushanbe (UTC+5), 13:00 UTC
    )
    assert before.refusal.retry_at.astimezone(dt.UTC).hour == 13
    assert entry(badge, at(conference, day, 18, 1)).result == ScanResult.VALID


def test_openings_per_zone_and_per_category_say_when_the_badge_may_enter():
    badge = printed(collected=True)
    conference = badge.conference
    zone = AccessZone.objects.get(conference=conference, code="P")
    day = conference.start_date
    ZoneOpening.objects.create(zone=zone, opens=dt.time(8), closes=dt.time(18))
    # The delegate category has its own opening on the second day only.
    category = badge.participant.badge_category
    ZoneOpening.objects.create(
        zone=zone, category=category, day=conference.end_date, opens=dt.time(10), closes=dt.time(12)
    )
    closed = entry(badge, at(conference, day, 9))
    assert (closed.result, closed.refusal.retry_at) == (
        ScanResult.CLOSED,
        at(conference, conference.end_date, 10),
    )
    assert entry(badge, at(conference, conference.end_date, 10, 30)).result == ScanResult.VALID
    late = entry(badge, at(conference, conference.end_date, 12))
    assert (late.result, late.refusal.retry_at) == (ScanResult.CLOSED, None)


def test_a_held_person_goes_to_the_supervisor_and_an_unknown_code_matches_nobody():
    officer = UserFactory()
    badge = printed(collected=True)
    services.participant_security_hold(participant=badge.participant, by=officer, reason="check")
    assert scan(badge, "P:entry", officer).verdict == ScanVerdict.SUPERVISOR
    assert scan("9999", "P:entry", officer, conference=badge.conference).verdict == (
        ScanVerdict.NO_MATCH
    )


def test_the_badge_qr_is_signed_with_ed25519_and_the_old_hmac_token_still_reads():
    badge = printed(collected=True)
    token = badging_selectors.badge_token(badge=badge)
    assert token == badge_signing.sign(f"B{badge.pk}")
    assert len(token.rpartition(":")[2]) == badge_signing.SIGNATURE_LENGTH
    assert badging_selectors.badge_for_token(token) == badge
    old = signing.Signer(salt=badging_selectors.BADGE_SALT).sign(f"B{badge.pk}")
    assert badging_selectors.badge_for_token(old) == badge
    with pytest.raises(signing.BadSignature):
        badging_selectors.badge_for_token(token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))


def paired(badge, zones=("P",)):
    officer = UserFactory()
    device, code = badging_services.scanner_device_create(
        conference=badge.conference,
        name="Gate 1",
        zones=AccessZone.objects.filter(conference=badge.conference, code__in=zones),
        by=officer,
    )
    device, key = badging_services.scanner_device_pair(code=code)
    return device, code, key, officer


def test_pairing_is_once_the_key_is_hashed_and_revocation_is_at_once():
    badge = printed(collected=True)
    device, code, key, officer = paired(badge)
    assert (
        device.key_hash == badging_selectors.scanner_secret_hash(key) and key not in device.key_hash
    )
    assert badging_selectors.scanner_device_for_key(key) == device
    with pytest.raises(badging_services.ScannerError):
        badging_services.scanner_device_pair(code=code)  # the code worked once
    outcome = entry(badge, None, device=badging_selectors.scanner_device_for_key(key))
    assert (outcome.result, outcome.scan.device) == (ScanResult.VALID, device)
    badging_services.scanner_device_revoke(device=device, by=officer)
    assert badging_selectors.scanner_device_for_key(key) is None


def test_a_queued_scan_is_applied_once_however_often_it_is_sent():
    badge = printed(collected=True)
    device, _code, _key, _officer = paired(badge)
    zone = AccessZone.objects.get(conference=badge.conference, code="P")
    queued = badging_services.QueuedScan(
        key=uuid.uuid4(),
        code=badging_selectors.badge_token(badge=badge),
        checkpoint=badging_services.Checkpoint(action=ScanAction.ENTRY, zone=zone),
        scanned_at=at(badge.conference, badge.conference.start_date, 9),
        shown=ScanResult.VALID,
    )
    first = badging_services.scanner_scans_sync(device=device, scans=[queued])
    again = badging_services.scanner_scans_sync(device=device, scans=[queued])
    assert [o.replayed for o in first + again] == [False, True]
    assert BadgeScan.objects.filter(device=device).count() == 1


def test_the_snapshot_holds_no_passport_data():
    badge = printed(collected=True)
    device, _code, _key, _officer = paired(badge)
    data, photos = badging_selectors.door_snapshot(device=device)
    text = str(data)
    assert photos == 0
    assert [b["id"] for b in data["badges"]] == [badge.pk]
    assert set(data["badges"][0]) == {
        "id",
        "number",
        "printed",
        "name",
        "name_cyrillic",
        "delegation",
        "category",
        "zones",
        "status",
        "photo",
    }
    for field in ("passport", "birth", "nationality"):
        assert field not in text


def test_the_name_search_is_one_query_for_any_number_of_matches(django_assert_num_queries):
    first = printed(collected=True)
    for _ in range(2):
        printed(conference=first.conference, collected=True)
    word = first.participant.family_name[:3]
    people = list(Participant.objects.filter(conference=first.conference))
    for person in people:
        person.family_name = first.participant.family_name
    Participant.objects.bulk_update(people, ["family_name"])
    with django_assert_num_queries(1):
        matches = badging_selectors.desk_search(conference=first.conference, query=word.lower())
        rows = [(m.printed_number, str(m.participant.delegation)) for m in matches]
    assert len(rows) == 3
