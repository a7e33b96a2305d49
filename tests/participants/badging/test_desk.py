"""The check-in service: every scan writes a row; only a valid badge is ever green."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from participants.accreditation import services
from participants.badging import selectors as badging_selectors
from participants.badging import services as badging_services
from participants.enums import AccreditationState, ScanAction, ScanResult
from participants.enums import AccreditationStatus as S
from participants.models import AccessZone, BadgeScan, IssuedBadge
from tests.factories import ConferenceFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(db):
    return UserFactory(username="desk-officer")


def printed(*, conference=None, zones=("P",), collected=False, by=None):
    """A participant with a printed badge in a category that opens ``zones``."""
    kwargs = {"delegation__conference": conference} if conference else {}
    participant = ParticipantFactory(status=S.VETTING, **kwargs)
    conference = participant.conference
    category = conference.badge_categories.get(code="DEL")
    category.zones.set(
        AccessZone.objects.get_or_create(conference=conference, code=code, name=code)[0]
        for code in zones
    )
    services.participant_approve(participant=participant, by=by)
    (badge,) = badging_services.badges_print(participants=[participant], by=by)[0]
    if collected:
        badging_services.badge_hand_over(conference=conference, code=badge.printed_number, by=by)
        badge.refresh_from_db()
    return badge


def scan(badge_or_code, at: str, officer, conference=None):
    if isinstance(badge_or_code, IssuedBadge):
        conference = conference or badge_or_code.conference
        code = badging_selectors.badge_token(badge=badge_or_code)
    else:
        code = badge_or_code
    checkpoint = badging_services.Checkpoint.parse(at, conference=conference)
    return badging_services.badge_scan(
        conference=conference, code=code, checkpoint=checkpoint, by=officer
    )


def test_a_valid_badge_is_green_at_the_desk_and_at_its_zone(officer):
    badge = printed(collected=True, by=officer)
    for at in ("desk", "P:entry", "P:exit"):
        outcome = scan(badge, at, officer)
        assert (at, outcome.result, outcome.green) == (at, ScanResult.VALID, True)
    assert list(BadgeScan.objects.filter(badge=badge).values_list("action", "result")) == [
        (ScanAction.EXIT, ScanResult.VALID),
        (ScanAction.ENTRY, ScanResult.VALID),
        (ScanAction.LOOKUP, ScanResult.VALID),
        (ScanAction.HANDOVER, ScanResult.HANDED_OVER),
    ]


def test_the_typed_number_works_with_or_without_the_prefix(officer):
    badge = printed(collected=True, by=officer)
    badge.conference.badge_prefix = "DUS"
    badge.conference.save()
    for code in ("DUS-0001", "dus-1", "DUS 0001", "1"):
        assert scan(code, "P:entry", officer, conference=badge.conference).result == "valid"


def test_hand_over_sets_collected_once(officer):
    badge = printed(by=officer)
    first = badging_services.badge_hand_over(conference=badge.conference, code="1", by=officer)
    second = badging_services.badge_hand_over(conference=badge.conference, code="1", by=officer)
    assert (first.result, second.result) == (ScanResult.HANDED_OVER, ScanResult.ALREADY_COLLECTED)
    badge.refresh_from_db()
    participant = badge.participant
    assert (participant.status, participant.state, badge.collected_by) == (
        S.APPROVED,
        AccreditationState.BADGE_COLLECTED,
        officer,
    )


@pytest.mark.parametrize(
    ("case", "at", "expected"),
    [
        ("voided", "desk", ScanResult.VOIDED),
        ("revoked", "desk", ScanResult.REVOKED),
        ("held", "P:entry", ScanResult.SECURITY_HOLD),
        ("held", "desk", ScanResult.SECURITY_HOLD),
        ("wrong zone", "V:entry", ScanResult.WRONG_ZONE),
        ("not collected", "P:entry", ScanResult.NOT_COLLECTED),
        ("other conference", "desk", ScanResult.OTHER_CONFERENCE),
        ("forged", "desk", ScanResult.FORGED),
        ("truncated", "desk", ScanResult.FORGED),
        ("unknown number", "desk", ScanResult.UNKNOWN),
        ("garbage", "desk", ScanResult.UNKNOWN),
    ],
)
def test_every_refusal_is_red_with_its_reason_and_logged(officer, case, at, expected):
    badge = printed(zones=("P",), collected=case != "not collected", by=officer)
    conference = badge.conference
    AccessZone.objects.get_or_create(conference=conference, code="V", name="VIP lounge")
    participant = badge.participant
    code = badging_selectors.badge_token(badge=badge)
    if case == "voided":
        badging_services.badge_void_and_reissue(participant=participant, by=officer, reason="Lost")
    elif case == "revoked":
        services.participant_revoke(participant=participant, by=officer, reason="Withdrawn")
    elif case == "held":
        services.participant_security_hold(participant=participant, by=officer, reason="Check")
    elif case == "other conference":
        conference = ConferenceFactory()
        AccessZone.objects.create(conference=conference, code="P", name="Plenary")
    elif case == "forged":
        code = code[:-3] + ("AAA" if not code.endswith("AAA") else "BBB")
    elif case == "truncated":
        code = code[:-10]
    elif case == "unknown number":
        code = "0999"
    elif case == "garbage":
        code = "'; DROP TABLE x; --"
    outcome = scan(code, at, officer, conference=conference)
    assert (outcome.result, outcome.green) == (expected, False)
    row = BadgeScan.objects.filter(conference=conference).latest("pk")
    assert (row.result, row.officer, row.code) == (expected, officer, code)


def test_a_hold_blocks_the_hand_over_until_it_is_lifted(officer):
    badge = printed(by=officer)
    participant = badge.participant
    services.participant_security_hold(participant=participant, by=officer, reason="Verify ID")
    refused = badging_services.badge_hand_over(conference=badge.conference, code="1", by=officer)
    assert refused.result == ScanResult.SECURITY_HOLD
    services.participant_security_release(participant=participant, by=officer)
    done = badging_services.badge_hand_over(conference=badge.conference, code="1", by=officer)
    assert done.result == ScanResult.HANDED_OVER


def test_a_hold_needs_a_reason(officer):
    badge = printed(by=officer)
    with pytest.raises(services.AccreditationError):
        services.participant_security_hold(participant=badge.participant, by=officer, reason=" ")


def test_approval_defaults_the_category_from_role_and_refuses_without_one(officer):
    participant = ParticipantFactory(
        status=S.VETTING, delegation__conference=ConferenceFactory(delegate_badge=False)
    )
    with pytest.raises(services.AccreditationError) as refused:
        services.participant_approve(participant=participant, by=officer)
    assert refused.value.code == "no_badge_category"
    other = ConferenceFactory()
    with pytest.raises(services.AccreditationError) as wrong:
        services.participant_approve(
            participant=participant, by=officer, badge_category=other.badge_categories.get()
        )
    assert wrong.value.code == "badge_category_other_conference"


def test_figures_count_printed_collected_and_present(officer):
    badge = printed(collected=True, by=officer)
    scan(badge, "P:entry", officer)
    scan(badge, "P:entry", officer)
    scan(badge, "P:exit", officer)
    figures = badging_selectors.badge_figures(conference=badge.conference)
    assert (figures["badges_printed"], figures["badges_collected"]) == (1, 1)
    assert [(row["zone"].code, row["present"]) for row in figures["presence"]] == [("P", 1)]


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite locks the whole database; row locks show only on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_two_desks_handing_over_the_same_badge_at_once_collect_it_once():
    officer = UserFactory(username="desk-a")
    badge = printed(by=officer)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def hand_over():
        try:
            barrier.wait()
            outcome = badging_services.badge_hand_over(
                conference=badge.conference, code="1", by=officer
            )
            results.append(outcome.result)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=hand_over) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [ScanResult.ALREADY_COLLECTED, ScanResult.HANDED_OVER]
    assert BadgeScan.objects.filter(badge=badge, result=ScanResult.HANDED_OVER).count() == 1


def test_only_the_desk_page_may_use_the_camera(organizer):
    conference = ConferenceFactory(slug="dushanbe-2019")

    desk = organizer.get(reverse("desk:desk", args=[conference.slug]))
    public = organizer.get(reverse("agenda:agenda", args=[conference.slug]))

    assert desk.status_code == 200
    assert "camera=(self)" in desk["Permissions-Policy"]
    assert "camera=()" in public["Permissions-Policy"]
