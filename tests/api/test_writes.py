"""Writes: nominations through the nomination service, check-ins through the scan service,
and every refusal a JSON error with nothing written."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from api.models import ApiToken
from api.services import api_tokens_revoke
from participants.accreditation import services as accreditation_services
from participants.badging import selectors
from participants.badging import services as badging_services
from participants.enums import AccreditationStatus as S
from participants.enums import ScanResult
from participants.models import (
    AccessZone,
    AccreditationEvent,
    BadgeScan,
    IdentityDocument,
    Participant,
)
from tests.api.conftest import make_token
from tests.factories import DelegationFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

MEMBER = {
    "honorific": "H.E. Mr.",
    "given_names": "Testbek",
    "family_name": "Exampleov",
    "email": "testbek@mfa.example",
    "role": "head",
    "functional_title": "Minister",
    "identity": {
        "nationality": "KZ",
        "date_of_birth": "1970-01-02",
        "passport_number": "N7654321",
        "passport_issued_on": "2018-01-01",
        "passport_expires_on": "2028-01-01",
    },
}


def _nothing_written():
    return (
        Participant.objects.count(),
        IdentityDocument.objects.count(),
        BadgeScan.objects.count(),
    )


def test_a_nomination_goes_through_the_nomination_service(api_for, tokens, delegation):
    response = api_for(tokens["nominations"]).post("nominations/", MEMBER)
    assert response.status_code == 201, response.content
    participant = Participant.objects.get(pk=response.json()["id"])
    assert (participant.delegation, participant.status, participant.role) == (
        delegation,
        S.NOMINATED,
        "head",
    )
    assert participant.identity.passport_number == "N7654321"
    assert "identity" not in response.json()
    event = AccreditationEvent.objects.get(participant=participant)
    assert (event.to_status, event.actor_label) == (S.NOMINATED, "focal point")
    delegation.refresh_from_db()
    assert delegation.status == "nominated"


@pytest.mark.parametrize(
    ("body", "code", "fields"),
    [
        ("{not json", "malformed_json", None),
        ('["a", "list"]', "validation_error", ["non_field_errors"]),
        ({**MEMBER, "badge_number": 7}, "validation_error", ["badge_number"]),
        ({**MEMBER, "status": "approved"}, "validation_error", ["status"]),
        (
            {**MEMBER, "identity": {**MEMBER["identity"], "photo": "x"}},
            "validation_error",
            ["identity"],
        ),
        ({**MEMBER, "email": 12}, "validation_error", ["email"]),
        ({**MEMBER, "role": "king"}, "validation_error", ["role"]),
        ({**MEMBER, "given_names": ["A"]}, "validation_error", ["given_names"]),
        ({**MEMBER, "identity": "N7654321"}, "validation_error", ["identity"]),
        (
            {**MEMBER, "identity": {**MEMBER["identity"], "date_of_birth": "02.01.1970"}},
            "validation_error",
            ["identity"],
        ),
        (
            {k: v for k, v in MEMBER.items() if k != "family_name"},
            "validation_error",
            ["family_name"],
        ),
        (
            # The model's own rules, through the service: an expiry before the issue date.
            {**MEMBER, "identity": {**MEMBER["identity"], "passport_expires_on": "2017-01-01"}},
            "validation_error",
            None,
        ),
    ],
)
def test_a_refused_nomination_is_a_json_error_and_writes_nothing(
    api_for, tokens, body, code, fields
):
    before = _nothing_written()
    response = api_for(tokens["nominations"]).post("nominations/", body)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == code
    if fields is not None:
        assert sorted(error.get("fields", {})) == fields
    assert _nothing_written() == before


def test_a_second_nomination_of_the_same_email_is_refused(api_for, tokens):
    api = api_for(tokens["nominations"])
    assert api.post("nominations/", MEMBER).status_code == 201
    before = _nothing_written()
    again = api.post("nominations/", {**MEMBER, "role": "representative"})
    assert again.status_code == 400
    assert list(again.json()["error"]["fields"]) == ["email"]
    assert _nothing_written() == before


def test_another_delegations_participant_is_not_found(api_for, tokens, conference):
    stranger = ParticipantFactory(delegation=DelegationFactory(conference=conference, country="KG"))
    api = api_for(tokens["nominations"])
    assert api.get(f"nominations/{stranger.pk}/").status_code == 404
    response = api.patch(f"nominations/{stranger.pk}/", {"family_name": "Changed"})
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
    stranger.refresh_from_db()
    assert stranger.family_name != "Changed"
    assert api.get("nominations/").json()["results"] == []


def test_a_nomination_is_changed_through_the_service(api_for, tokens, delegation):
    member = ParticipantFactory(delegation=delegation)
    response = api_for(tokens["nominations"]).patch(
        f"nominations/{member.pk}/", {"functional_title": "Ambassador"}
    )
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.functional_title == "Ambassador"


def test_a_closed_registration_refuses_nominations(api_for, tokens, conference):
    conference.registration_deadline = timezone.now() - dt.timedelta(minutes=1)
    conference.save()
    response = api_for(tokens["nominations"]).post("nominations/", MEMBER)
    assert (response.status_code, response.json()["error"]["code"]) == (409, "registration_closed")
    assert Participant.objects.count() == 0


@pytest.mark.parametrize("refusal", ["revoked", "expired", "unknown", "malformed"])
def test_a_revoked_expired_or_unknown_token_is_refused_and_nothing_written(
    api_for, conference, delegation, refusal
):
    token, key = make_token(conference, can_read=True, nomination_delegation=delegation)
    if refusal == "revoked":
        api_tokens_revoke(tokens=[token], by=None)
    elif refusal == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    elif refusal == "unknown":
        key = key[:-4] + "AAAA"
    api = api_for(key)
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"} if refusal == "malformed" else {}
    response = api.post("nominations/", MEMBER, **headers)
    code = {
        "revoked": "revoked_token",
        "expired": "expired_token",
        "unknown": "unknown_token",
        "malformed": "bad_authorization",
    }[refusal]
    assert (response.status_code, response.json()["error"]["code"]) == (401, code)
    assert response["WWW-Authenticate"] == "Bearer"
    assert api.get("participants/", **headers).status_code == 401
    assert Participant.objects.count() == 0
    # A known token's refused calls are logged with it.
    assert token.calls.count() == (2 if refusal in {"revoked", "expired"} else 0)


def test_the_key_is_kept_only_as_a_digest(conference):
    token, key = make_token(conference, can_read=True)
    stored = ApiToken.objects.filter(pk=token.pk).values()[0]
    assert key not in str(stored)
    assert key.startswith(f"plen_{token.prefix}_")


def _printed_badge(conference, delegation):
    participant = ParticipantFactory(delegation=delegation, status=S.VETTING)
    category = conference.badge_categories.get(code="DEL")
    category.zones.set(conference.access_zones.filter(code="P"))
    accreditation_services.participant_approve(participant=participant, by=None)
    (badge,) = badging_services.badges_print(participants=[participant], by=None)[0]
    badging_services.badge_hand_over(conference=conference, code=badge.printed_number, by=None)
    badge.refresh_from_db()
    return badge


def test_a_check_in_goes_through_the_scan_service_and_a_replay_is_refused(
    api_for, tokens, conference, delegation
):
    badge = _printed_badge(conference, delegation)
    api = api_for(tokens["checkin"])
    key = str(uuid.uuid4())
    body = {"code": selectors.badge_token(badge=badge), "action": "entry", "key": key}
    first = api.post("checkins/", body)
    assert first.status_code == 201, first.content
    assert {k: first.json()[k] for k in ("result", "green", "participant", "zone")} == {
        "result": ScanResult.VALID,
        "green": True,
        "participant": badge.participant_id,
        "zone": "P",
    }
    scans = BadgeScan.objects.count()
    replay = api.post("checkins/", body)
    assert (replay.status_code, replay.json()["error"]["code"]) == (409, "replayed")
    assert BadgeScan.objects.count() == scans


def test_a_red_check_in_is_recorded_and_says_why(api_for, tokens, conference, delegation):
    response = api_for(tokens["checkin"]).post(
        "checkins/", {"code": "FORGED-QR", "action": "entry", "key": str(uuid.uuid4())}
    )
    assert response.status_code == 201
    assert (response.json()["green"], response.json()["participant"]) == (False, None)
    assert BadgeScan.objects.get().zone.code == "P"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"code": "1", "action": "entry"}, ["key"]),
        ({"code": "1", "action": "desk", "key": str(uuid.uuid4())}, ["action"]),
        ({"code": "1", "action": "entry", "key": "not-a-uuid"}, ["key"]),
        ({"code": "1", "action": "entry", "key": str(uuid.uuid4()), "zone": "VIP"}, ["zone"]),
        (
            {"code": 1, "action": "entry", "key": str(uuid.uuid4()), "scanned_at": "soon"},
            ["scanned_at"],
        ),
    ],
)
def test_a_malformed_check_in_writes_nothing(api_for, tokens, body, fields):
    response = api_for(tokens["checkin"]).post("checkins/", body)
    assert response.status_code == 400
    assert sorted(response.json()["error"]["fields"]) == fields
    assert BadgeScan.objects.count() == 0


def _paired_device(conference, zone):
    device, code = badging_services.scanner_device_create(
        conference=conference, name="Gate 1", zones=[zone], by=None
    )
    device, _key = badging_services.scanner_device_pair(code=code)
    return device


def test_a_token_bound_to_a_scanner_device_records_its_scans_as_the_device(
    api_for, conference, delegation, zone
):
    device = _paired_device(conference, zone)
    _token, key = make_token(conference, checkin_zone=zone, checkin_device=device)
    badge = _printed_badge(conference, delegation)
    body = {"code": selectors.badge_token(badge=badge), "action": "entry", "key": str(uuid.uuid4())}
    response = api_for(key).post("checkins/", body)
    assert response.status_code == 201
    scan = BadgeScan.objects.get(pk=response.json()["scan"])
    assert (scan.device, scan.result) == (device, ScanResult.VALID)
    # Revoking the device stops the token's check-ins, and nothing is recorded.
    badging_services.scanner_device_revoke(device=device, by=None)
    body["key"] = str(uuid.uuid4())
    refused = api_for(key).post("checkins/", body)
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "device_revoked")
    assert BadgeScan.objects.filter(device=device).count() == 1


def test_a_token_refuses_a_device_that_does_not_cover_its_zone(conference, zone):
    other_zone = AccessZone.objects.create(conference=conference, code="V", name="VIP")
    device = _paired_device(conference, other_zone)
    token = ApiToken(
        conference=conference,
        name="Gate",
        can_read=False,
        checkin_zone=zone,
        checkin_device=device,
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as refused:
        token.full_clean()
    assert refused.value.message_dict == {"checkin_device": ["Gate 1 does not cover the zone P."]}
