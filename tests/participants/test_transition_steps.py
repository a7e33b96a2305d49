"""Each step of the transition writer, seen through the public services.

``_transitions_apply`` (participants/accreditation/services.py) takes its steps in order: the
reason, the locks and the sorting by source state, the approval's badge categories, the badges
voided, issued and printed, the statuses, the public pages, the events and the mail.
"""

import pytest
from django.core import mail

from participants.accreditation import services
from participants.enums import AccreditationState as State
from participants.enums import AccreditationStatus as S
from participants.enums import DelegationRole
from participants.models import AccreditationEvent, IssuedBadge, Participant
from tests.factories import BadgeCategoryFactory, ConferenceFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return UserFactory()


def test_a_transition_that_needs_a_reason_refuses_without_one(officer):
    participant = ParticipantFactory(status=S.UNDER_REVIEW)
    done, refused = services.participants_transition(
        name="reject", participants=[participant], by=officer, reason="  "
    )
    assert (done, refused) == ([], ["A reason is required to reject."])
    assert Participant.objects.get(pk=participant.pk).status == S.UNDER_REVIEW
    assert not AccreditationEvent.objects.exists()


def test_only_the_rows_in_a_source_state_move_the_others_are_refused(officer):
    ready = ParticipantFactory(status=S.NOMINATED)
    late = ParticipantFactory(status=S.VETTING, given_names="Dana", family_name="Sarsen")
    done, refused = services.participants_transition(
        name="review", participants=[late, ready], by=officer
    )
    assert [p.pk for p in done] == [ready.pk]
    assert refused == [
        f"{late}: Dana Sarsen cannot be moved to “Under review”: "
        "the current state is “Security vetting”."
    ]
    assert Participant.objects.get(pk=late.pk).status == S.VETTING


def test_approval_refuses_a_category_of_another_conference(officer):
    participant = ParticipantFactory(status=S.VETTING)
    foreign = BadgeCategoryFactory(conference=ConferenceFactory())
    done, refused = services.participants_transition(
        name="approve",
        participants=[participant],
        by=officer,
        badge_categories={participant.pk: foreign},
    )
    assert done == []
    assert refused == [
        f"{participant}: The badge category {foreign} belongs to another conference."
    ]
    assert not IssuedBadge.objects.exists()


def test_approval_issues_a_badge_and_printing_marks_it_printed(officer):
    participant = ParticipantFactory(status=S.VETTING)
    category = BadgeCategoryFactory(conference=participant.conference)
    participant = services.participant_approve(
        participant=participant, by=officer, badge_category=category
    )
    badge = IssuedBadge.objects.get(participant=participant)
    assert (participant.badge_number, participant.badge_category, badge.printed_at) == (
        badge.number,
        category,
        None,
    )
    printed = services.participant_print_badge(participant=participant, by=officer)
    badge.refresh_from_db()
    assert (printed.status, printed.state) == (S.APPROVED, State.BADGE_PRINTED)
    assert badge.printed_at == printed.updated_at


def test_leaving_a_holding_state_voids_the_badge_and_the_event_keeps_its_number(officer):
    participant = ParticipantFactory(status=S.VETTING)
    category = BadgeCategoryFactory(conference=participant.conference)
    participant = services.participant_approve(
        participant=participant, by=officer, badge_category=category
    )
    number = participant.badge_number
    participant = services.participant_revoke(
        participant=participant, by=officer, reason=" Left the venue. "
    )
    badge = IssuedBadge.objects.get(participant=participant)
    assert (participant.status, participant.badge_number) == (S.REVOKED, None)
    assert (badge.voided_at, badge.void_reason) == (participant.updated_at, "Left the venue.")
    event = AccreditationEvent.objects.filter(participant=participant).latest("pk")
    assert (event.from_status, event.to_status, event.badge_number, event.reason) == (
        S.APPROVED,
        S.REVOKED,
        number,
        "Left the venue.",
    )


def test_the_public_pages_retire_only_when_someone_starts_or_stops_showing(officer):
    conference = ConferenceFactory()
    head = ParticipantFactory(
        delegation__conference=conference, role=DelegationRole.HEAD, status=S.NOMINATED
    )
    version = conference.published_version
    services.participant_review(participant=head, by=officer)
    conference.refresh_from_db()
    assert conference.published_version == version  # still taking part, not accredited
    services.participants_transition(name="reject", participants=[head], by=officer, reason="Late.")
    conference.refresh_from_db()
    assert conference.published_version == version + 1


def test_one_event_each_and_one_digest_per_delegation(officer, django_capture_on_commit_callbacks):
    first = ParticipantFactory(
        status=S.NOMINATED, delegation__conference__mailed_transitions=["review"]
    )
    second = ParticipantFactory(status=S.NOMINATED, delegation=first.delegation)
    with django_capture_on_commit_callbacks(execute=True):
        done, refused = services.participants_transition(
            name="review", participants=[first, second], by=officer, message=" Welcome. "
        )
    assert (len(done), refused) == (2, [])
    events = AccreditationEvent.objects.order_by("participant_id")
    assert list(events.values_list("participant_id", "to_status", "by", "message")) == [
        (first.pk, S.UNDER_REVIEW, officer.pk, "Welcome."),
        (second.pk, S.UNDER_REVIEW, officer.pk, "Welcome."),
    ]
    assert [m.to for m in mail.outbox] == [[first.delegation.focal_point_email]]
