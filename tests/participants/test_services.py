import pytest
from django.core import mail

from conference.models import Conference
from participants.accreditation import services
from participants.enums import AccreditationState as State
from participants.enums import AccreditationStatus as S
from participants.models import AccreditationEvent, IssuedBadge, Participant
from tests.factories import ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db

PATH = ["review", "send_to_vetting", "approve"]


def advance(participant, *steps, by=None):
    for step in steps:
        participant = services.SERVICES[step](participant=participant, by=by)
    return participant


def test_the_full_path_writes_one_event_per_transition_and_mails_the_decision(
    django_capture_on_commit_callbacks,
):
    officer = UserFactory()
    participant = ParticipantFactory()
    with django_capture_on_commit_callbacks(execute=True):
        participant = advance(participant, *PATH, "print_badge", "collect", by=officer)

    # The decision stays "approved"; the badge holds printed and collected.
    assert (participant.status, participant.state) == (S.APPROVED, State.BADGE_COLLECTED)
    badge = IssuedBadge.objects.get(participant=participant)
    assert (badge.printed_at is not None, badge.collected_by) == (True, officer)
    assert participant.badge_number == 1
    events = list(
        AccreditationEvent.objects.filter(participant=participant).values_list(
            "from_status", "to_status", "by", "badge_number"
        )
    )
    assert events == [
        (S.NOMINATED, S.UNDER_REVIEW, officer.pk, None),
        (S.UNDER_REVIEW, S.VETTING, officer.pk, None),
        (S.VETTING, S.APPROVED, officer.pk, 1),
        (S.APPROVED, State.BADGE_PRINTED, officer.pk, 1),
        (State.BADGE_PRINTED, State.BADGE_COLLECTED, officer.pk, 1),
    ]
    # Of the five, the conference mails the decision only (its default); a change on its own
    # is a digest of one.
    assert [m.to for m in mail.outbox] == [[participant.delegation.focal_point_email]]
    conference, delegation = participant.conference, participant.delegation
    assert mail.outbox[0].subject == (
        f"{conference.short_title}: accreditation of {delegation.local_name} — Approved: 1"
    )
    assert f"(Badge number: {conference.printed_badge_number(1)})" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("steps", "action", "current"),
    [
        ([], "approve", "Nominated"),
        ([], "print_badge", "Nominated"),
        (["review"], "collect", "Under review"),
        (["review", "send_to_vetting"], "revoke", "Security vetting"),
        (PATH, "reject", "Approved"),
        (PATH, "approve", "Approved"),
    ],
)
def test_an_illegal_transition_names_the_current_state_and_changes_nothing(
    steps, action, current, django_capture_on_commit_callbacks
):
    participant = advance(ParticipantFactory(), *steps)
    before = (
        AccreditationEvent.objects.count(),
        IssuedBadge.objects.count(),
        Conference.objects.get(pk=participant.conference_id).next_badge_number,
    )
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(services.AccreditationError) as excinfo,
    ):
        services.SERVICES[action](participant=participant, by=None, reason="Because")

    assert f"the current state is “{current}”" in str(excinfo.value)
    assert excinfo.value.code == f"illegal_from_{participant.status}"
    assert callbacks == []
    assert mail.outbox == []
    refreshed = Participant.objects.get(pk=participant.pk)
    assert refreshed.status == participant.status
    assert refreshed.badge_number == participant.badge_number
    after = (
        AccreditationEvent.objects.count(),
        IssuedBadge.objects.count(),
        Conference.objects.get(pk=participant.conference_id).next_badge_number,
    )
    assert after == before


@pytest.mark.parametrize("action", ["reject", "cancel", "revoke", "reprint_badge"])
def test_reject_cancel_revoke_and_reprint_need_a_reason(action):
    participant = advance(ParticipantFactory(), "review")
    with pytest.raises(services.AccreditationError) as excinfo:
        services.SERVICES[action](participant=participant, by=None, reason="  ")
    assert excinfo.value.code == "reason_required"
    assert Participant.objects.get(pk=participant.pk).status == S.UNDER_REVIEW


def test_reject_keeps_the_reason_in_the_file_and_never_mails_it(
    django_capture_on_commit_callbacks,
):
    # Issue 10, item 8: the internal reason was mailed word for word to the focal point.
    participant = advance(ParticipantFactory(), "review")
    with django_capture_on_commit_callbacks(execute=True):
        services.participant_reject(
            participant=participant, by=None, reason="Flagged by the security service"
        )
    event = AccreditationEvent.objects.filter(participant=participant).last()
    assert (event.to_status, event.reason, event.message) == (
        S.REJECTED,
        "Flagged by the security service",
        "",
    )
    body = mail.outbox[-1].body
    assert "security" not in body and "Reason" not in body and "Message" not in body


def test_reject_mails_only_the_message_to_the_delegation(django_capture_on_commit_callbacks):
    participant = advance(ParticipantFactory(), "review")
    with django_capture_on_commit_callbacks(execute=True):
        services.participant_reject(
            participant=participant,
            by=None,
            reason="Flagged by the security service",
            message="  The nomination arrived after the deadline.  ",
        )
    event = AccreditationEvent.objects.filter(participant=participant).last()
    assert event.message == "The nomination arrived after the deadline."
    body = mail.outbox[-1].body
    assert (
        "\n  Message from the accreditation team: The nomination arrived after the deadline.\n"
        in body
    )
    assert "security" not in body


def test_badge_numbers_are_never_reused_after_revoke_or_reprint():
    first, second = ParticipantFactory.create_batch(2)
    second.delegation.conference = first.conference
    second.delegation.save()
    second.conference = first.conference
    second.save()
    first = advance(first, *PATH, "print_badge")
    assert first.badge_number == 1
    first = services.participant_reprint_badge(participant=first, by=None, reason="Misspelt")
    assert first.badge_number == 2
    first = services.participant_revoke(participant=first, by=None, reason="Left the delegation")
    assert first.badge_number is None
    second = advance(second, *PATH)
    assert second.badge_number == 3

    badges = list(IssuedBadge.objects.values_list("number", "participant", "void_reason"))
    assert badges == [
        (1, first.pk, "Misspelt"),
        (2, first.pk, "Left the delegation"),
        (3, second.pk, ""),
    ]
    assert IssuedBadge.objects.filter(voided_at__isnull=True).count() == 1
    assert list(
        AccreditationEvent.objects.filter(
            participant=first, badge_number__isnull=False
        ).values_list("to_status", "badge_number")
    ) == [(S.APPROVED, 1), (State.BADGE_PRINTED, 1), (State.BADGE_PRINTED, 2), (S.REVOKED, 2)]


def test_no_mail_when_the_delegation_has_no_focal_point(django_capture_on_commit_callbacks):
    participant = ParticipantFactory(delegation__focal_point_email="")
    with django_capture_on_commit_callbacks(execute=True):
        services.participant_review(participant=participant, by=None)
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("start", "changed_fields", "expected"),
    [
        (["review"], ["family_name"], S.UNDER_REVIEW),
        (PATH, ["hotel", "photo"], S.UNDER_REVIEW),
        (PATH, ["nationality"], S.UNDER_REVIEW),
        (PATH, ["hotel", "functional_title", "badge_category"], S.APPROVED),
        (PATH, [], S.APPROVED),
    ],
)
def test_an_organizer_edit_sends_a_member_back_to_review_only_for_identity_data(
    start, changed_fields, expected
):
    officer = UserFactory()
    participant = advance(ParticipantFactory(), *start)
    before = participant.status
    participant = services.participant_edited_by_organizer(
        participant=participant, by=officer, changed_fields=changed_fields
    )
    participant.refresh_from_db()
    assert participant.status == expected
    moved = AccreditationEvent.objects.filter(participant=participant, by=officer)
    if expected == before:
        assert not moved.exists()
    else:
        assert list(moved.values_list("from_status", "to_status", "reason")) == [
            (before, S.UNDER_REVIEW, "Identity data changed by an organizer.")
        ]
