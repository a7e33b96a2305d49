"""The accreditation and door events the participants services announce (conference.events).

The services call these with what they have just written, inside their transaction; the
payloads carry ids, statuses, badge numbers and zone codes, never identity data.
"""

from collections import defaultdict
from collections.abc import Iterable

from conference.enums import DomainEvent
from conference.events import Event, events_emit
from participants.enums import ScanAction, ScanResult
from participants.models import BadgeScan, Participant

# A transition's name -> the event it raises; a voided badge raises its own as well.
TRANSITION_EVENTS = {
    "approve": DomainEvent.PARTICIPANT_APPROVED,
    "reject": DomainEvent.PARTICIPANT_REJECTED,
    "revoke": DomainEvent.PARTICIPANT_REVOKED,
    "print_badge": DomainEvent.BADGE_PRINTED,
    "reprint_badge": DomainEvent.BADGE_PRINTED,
}


def _participant(participant: Participant, at) -> dict:
    return {
        "participant": participant.pk,
        "delegation": participant.delegation_id,
        "status": participant.state,
        "badge_number": participant.badge_number,
        "badge_category": participant.badge_category_id,
        "at": at.isoformat(),
    }


def transitions_announce(
    *, name: str, participants: Iterable[Participant], voided: dict[int, int], at
) -> None:
    """The events of one step of the transition writer (participants moved, badges voided)."""
    by_conference: dict[int, list[Event]] = defaultdict(list)
    kind = TRANSITION_EVENTS.get(name)
    for participant in participants:
        events = by_conference[participant.conference_id]
        if participant.pk in voided:
            payload = {**_participant(participant, at), "badge_number": voided[participant.pk]}
            events.append(Event(kind=DomainEvent.BADGE_VOIDED, payload=payload))
        if kind is not None:
            events.append(Event(kind=kind, payload=_participant(participant, at)))
    for conference_id, events in by_conference.items():
        events_emit(conference_id=conference_id, events=events)


def scan_announce(*, scan: BadgeScan) -> None:
    """A green entry at a zone is a check-in."""
    if scan.result != ScanResult.VALID or scan.action != ScanAction.ENTRY or scan.badge is None:
        return
    events_emit(
        conference_id=scan.conference_id,
        events=[
            Event(
                kind=DomainEvent.PARTICIPANT_CHECKED_IN,
                payload={
                    "participant": scan.badge.participant_id,
                    "badge_number": scan.badge.number,
                    "zone": scan.zone.code if scan.zone else None,
                    "scan": scan.pk,
                    "at": (scan.scanned_at or scan.at).isoformat(),
                },
            )
        ],
    )
