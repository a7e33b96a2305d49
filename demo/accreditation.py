"""Accreditation states, their history, and badge numbers."""

from datetime import datetime, timedelta

from conference.models import Conference
from participants.enums import (
    BADGE_HOLDING_STATES,
    BADGE_HOLDING_STATUSES,
    DelegationStatus,
    status_of_state,
)
from participants.enums import AccreditationState as Status
from participants.models import AccreditationEvent, IssuedBadge, Participant

from .common import ACTOR, create_backdated, local

PATH = [
    Status.NOMINATED,
    Status.UNDER_REVIEW,
    Status.VETTING,
    Status.APPROVED,
    Status.BADGE_PRINTED,
    Status.BADGE_COLLECTED,
]
WEIGHTS = {
    Status.BADGE_COLLECTED: 72,
    Status.BADGE_PRINTED: 8,
    Status.APPROVED: 4,
    Status.VETTING: 3,
    Status.UNDER_REVIEW: 3,
    Status.NOMINATED: 2,
    Status.REJECTED: 3,
    Status.CANCELLED: 5,
}
REASONS = {
    (Status.VETTING, Status.REJECTED): "Security vetting not cleared.",
    (Status.UNDER_REVIEW, Status.REJECTED): "Nomination not supported by a note verbale.",
    (Status.NOMINATED, Status.CANCELLED): "Nomination withdrawn by the focal point.",
    (Status.UNDER_REVIEW, Status.CANCELLED): "Nomination withdrawn by the focal point.",
}


def pick_status(rng, delegation_status: str | None = None) -> str:
    if delegation_status == DelegationStatus.NOMINATED:
        return rng.choice([Status.NOMINATED, Status.UNDER_REVIEW, Status.VETTING])
    return rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]


def state_set(participant, state: str) -> None:
    """Give a new participant the displayed ``state`` its history will reach.

    The row stores the decision; ``record_history`` writes the badge's stages.
    """
    participant.status = status_of_state(state)
    participant.annotated_state = state


def chain(status: str, rng) -> list[str]:
    """The transitions that lead from nothing to ``status``."""
    if status == Status.REJECTED:
        return [*PATH[: rng.choice([2, 3])], Status.REJECTED]
    if status == Status.CANCELLED:
        return [*PATH[: rng.choice([1, 2])], Status.CANCELLED]
    return PATH[: PATH.index(status) + 1]


def assign_badge_numbers(participants) -> int:
    """Number badge holders 1..N in creation order; return N."""
    number = 0
    for participant in participants:
        if participant.status in BADGE_HOLDING_STATUSES:
            number += 1
            participant.badge_number = number
    return number


def step_time(status: str, previous: datetime, participant, rng) -> datetime:
    if status == Status.BADGE_PRINTED:
        moment = local(5, rng.choice([13, 14]), rng.randint(9, 17), rng.choice([0, 15, 30, 45]))
    elif status == Status.BADGE_COLLECTED:
        if participant.arrival_at:
            moment = participant.arrival_at + timedelta(hours=rng.randint(2, 6))
        else:
            moment = local(5, 15, rng.randint(10, 17), rng.choice([0, 20, 40]))
    else:
        moment = previous + timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 5))
        if status == Status.APPROVED:
            moment = min(moment, local(5, 12, 17))
    return max(moment, previous + timedelta(minutes=30))


def record_history(conference: Conference, participants, nominated_at: dict, rng) -> None:
    """Write AccreditationEvent and IssuedBadge rows; backdate participants' created_at."""
    events, badges = [], []
    for participant in participants:
        badge = None
        moment = nominated_at[participant.pk]
        participant.created_at = moment
        previous = ""
        for status in chain(participant.state, rng):
            if previous:
                moment = step_time(status, moment, participant, rng)
            # Like participants.accreditation.services: every event from the approval on
            # carries the badge.
            holding = status in BADGE_HOLDING_STATES
            issued = participant.badge_number if holding else None
            events.append(
                AccreditationEvent(
                    participant=participant,
                    from_status=previous,
                    to_status=status,
                    actor_label=ACTOR,
                    at=moment,
                    reason=REASONS.get((previous, status), ""),
                    badge_number=issued,
                )
            )
            if status == Status.APPROVED:
                badge = IssuedBadge(
                    conference=conference, number=issued, participant=participant, issued_at=moment
                )
                badges.append(badge)
            elif status == Status.BADGE_PRINTED:
                badge.printed_at = moment
            elif status == Status.BADGE_COLLECTED:
                badge.collected_at = moment
            previous = status
    create_backdated(AccreditationEvent, events, "at")
    create_backdated(IssuedBadge, badges, "issued_at")
    Participant.objects.bulk_update(participants, ["created_at"], batch_size=500)
    Conference.objects.filter(pk=conference.pk).update(next_badge_number=len(badges) + 1)
    conference.next_badge_number = len(badges) + 1
