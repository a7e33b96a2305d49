"""The issued badge is the only holder of "printed" and "collected" (issue #20, item 3).

The participant row stores the decision (approved); every reader derives the badge's stage
from the badge in circulation: the participant list, the desk, the exports and the
certificates.
"""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from conference.enums import ConferenceStatus
from participants.accreditation import selectors, services
from participants.badging import services as badging
from participants.enums import AccreditationState as State
from participants.enums import AccreditationStatus as S
from participants.enums import ScanResult
from participants.letters import selectors as letters
from participants.models import IssuedBadge, Participant
from tests.exports.conftest import download_url, parse
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def approved(**fields) -> Participant:
    participant = ParticipantFactory(status=S.VETTING, **fields)
    return services.participant_approve(participant=participant, by=None)


def current_badge(participant: Participant) -> IssuedBadge:
    return IssuedBadge.objects.get(participant=participant, voided_at__isnull=True)


def test_the_participant_row_cannot_store_a_badge_stage():
    participant = approved()
    for stage in (State.BADGE_PRINTED, State.BADGE_COLLECTED):
        with pytest.raises(IntegrityError), transaction.atomic():
            Participant.objects.filter(pk=participant.pk).update(status=stage)


def test_a_participant_has_one_badge_in_circulation_at_most():
    participant = approved()
    with pytest.raises(IntegrityError), transaction.atomic():
        IssuedBadge.objects.create(
            conference=participant.conference, number=99, participant=participant
        )


def test_printing_and_collecting_write_the_badge_and_leave_the_decision():
    participant = approved()
    assert (participant.status, participant.state) == (S.APPROVED, State.APPROVED)
    badging.badges_print(participants=[participant], by=None)
    badging.badge_hand_over(conference=participant.conference, code="1", by=None)
    participant = Participant.objects.get(pk=participant.pk)
    badge = current_badge(participant)
    assert (participant.status, participant.state) == (S.APPROVED, State.BADGE_COLLECTED)
    assert (badge.printed_at is not None, badge.collected_at is not None) == (True, True)
    annotated = Participant.objects.with_state().get(pk=participant.pk)
    assert annotated.annotated_state == State.BADGE_COLLECTED


def test_a_voided_badge_takes_its_stage_with_it():
    participant = approved()
    badging.badges_print(participants=[participant], by=None)
    badging.badge_void_and_reissue(participant=participant, by=None, reason="Jammed")
    services.participant_revoke(participant=participant, by=None, reason="Left")
    participant = Participant.objects.with_state().get(pk=participant.pk)
    assert participant.state == State.REVOKED
    assert not IssuedBadge.objects.filter(participant=participant, voided_at__isnull=True).exists()


@pytest.fixture
def stages():
    """Three approved participants of one conference: badge issued, printed, collected."""
    issued = approved(family_name="Issued")
    conference = issued.conference
    printed = approved(delegation=issued.delegation, family_name="Printed")
    collected = approved(delegation=issued.delegation, family_name="Collected")
    now = timezone.now()
    # Written on the badge alone, as nothing but the badge holds these facts.
    IssuedBadge.objects.filter(participant__in=[printed, collected]).update(printed_at=now)
    IssuedBadge.objects.filter(participant=collected).update(collected_at=now)
    return conference, {"issued": issued, "printed": printed, "collected": collected}


def test_the_participant_list_reads_the_stage_from_the_badge(organizer, stages):
    conference, people = stages
    url = reverse("admin:participants_participant_changelist")
    page = organizer.get(url, {"conference__id__exact": conference.pk})
    rows = {row.family_name: row.get_state_display() for row in page.context["cl"].result_list}
    assert rows == {
        "Issued": "Approved",
        "Printed": "Badge printed",
        "Collected": "Badge collected",
    }
    filtered = organizer.get(url, {"state": State.BADGE_PRINTED})
    assert [p.family_name for p in filtered.context["cl"].result_list] == ["Printed"]


def test_the_desk_reads_the_stage_from_the_badge(stages):
    conference, people = stages
    issued, printed, collected = (current_badge(people[k]) for k in people)
    hand_over = badging.badge_hand_over
    assert hand_over(conference=conference, code=str(issued.number), by=None).result == (
        ScanResult.NOT_PRINTED
    )
    assert hand_over(conference=conference, code=str(collected.number), by=None).result == (
        ScanResult.ALREADY_COLLECTED
    )
    assert hand_over(conference=conference, code=str(printed.number), by=None).result == (
        ScanResult.HANDED_OVER
    )


def test_the_exports_read_the_stage_from_the_badge(organizer, stages):
    conference, people = stages
    rows = parse(organizer.get(download_url(conference, "participants")))
    status = rows[0].index("status")
    family = rows[0].index("family_name")
    assert {row[family]: row[status] for row in rows[1:]} == {
        "Issued": "Approved",
        "Printed": "Badge printed",
        "Collected": "Badge collected",
    }
    collected_only = parse(
        organizer.get(download_url(conference, "participants"), {"status": State.BADGE_COLLECTED})
    )
    assert [row[family] for row in collected_only[1:]] == ["Collected"]


def test_the_certificates_read_the_stage_from_the_badge(stages):
    conference, people = stages
    conference.status = ConferenceStatus.CONCLUDED
    conference.save()
    refusals = {
        key: letters.certificate_refusal(participant=Participant.objects.get(pk=person.pk))
        for key, person in people.items()
    }
    assert refusals["collected"] is None
    assert refusals["printed"] == f"{people['printed'].full_name} never collected a badge."
    assert refusals["issued"] == f"{people['issued'].full_name} never collected a badge."


def test_the_portal_and_the_dashboard_show_the_stage(stages):
    conference, people = stages
    members = selectors.delegation_members(delegation=people["issued"].delegation)
    assert {m.family_name: m.state for m in members} == {
        "Issued": State.APPROVED,
        "Printed": State.BADGE_PRINTED,
        "Collected": State.BADGE_COLLECTED,
    }
    dashboard = selectors.accreditation_dashboard(conference=conference)
    counts = {row["status"]: row["count"] for row in dashboard["by_status"]}
    assert counts == {State.APPROVED: 1, State.BADGE_PRINTED: 1, State.BADGE_COLLECTED: 1}
