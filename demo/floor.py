"""A running floor in the opening session, so a newcomer's console and projector show one:
the first speaker has spoken, the second holds the floor, the third waits.

The steps go through the console's services (so each has its FloorEvent); the timestamps are
then moved back to just before the demo was loaded, as if the session were under way.
"""

from datetime import timedelta

from django.utils import timezone

from sessions.enums import SessionKind, StatementStatus
from sessions.models import FloorEvent, Statement
from sessions.services import speakers_list_next

SPOKE_MINUTES = 14
CURRENT_FOR = timedelta(minutes=2, seconds=30)


def run_opening_floor(sessions, organizer) -> Statement | None:
    opening = next((s for s in sessions if s.kind == SessionKind.OPENING), None)
    if opening is None:
        return None
    opening.speaking_minutes_reply = 2
    opening.save(update_fields=["speaking_minutes_reply"])
    # The record's times (demo/programme.py) give way to a floor still running in this session.
    opening.statements.update(
        status=StatementStatus.SCHEDULED,
        started_at=None,
        paused_at=None,
        paused_seconds=0,
        ended_at=None,
    )
    first = speakers_list_next(session=opening, seen_current_id=None, by=organizer)
    current = speakers_list_next(session=opening, seen_current_id=first.pk, by=organizer)
    now = timezone.now()
    started = now - CURRENT_FOR
    spoke_from = started - timedelta(minutes=SPOKE_MINUTES)
    Statement.objects.filter(pk=first.pk).update(started_at=spoke_from, ended_at=started)
    Statement.objects.filter(pk=current.pk).update(started_at=started)
    events = FloorEvent.objects.filter(statement__session=opening).order_by("id")
    for event, at in zip(events, (spoke_from, started, started), strict=True):
        FloorEvent.objects.filter(pk=event.pk).update(at=at)
    return current
