"""Sessions and speakers' lists in protocol order, checked with the agenda's conflict checks."""

import datetime as dt
import random
from collections import Counter

from participants.enums import AccreditationState as State
from participants.enums import DelegationRole as Role
from sessions.enums import StatementStatus
from sessions.models import Session, Statement
from sessions.selectors import agenda_conflicts, speakers_list_in_protocol_order

from .common import dushanbe, local
from .schedule import PROGRAMME

FALLBACK_ROLES = {
    "head": [Role.HEAD],
    "deputy": [Role.DEPUTY, Role.ADVISER, Role.REPRESENTATIVE],
    "expert": [Role.EXPERT, Role.ADVISER, Role.REPRESENTATIVE],
}


class Resolver:
    """Turns schedule references into participants who collected their badges.

    Experts rotate: each reference picks the least used candidate, so a delegation's
    experts share the work.
    """

    def __init__(self, cast):
        self.cast = cast
        self.used = Counter()

    def __call__(self, ref):
        if ref.role == "named":
            return self.cast.named[ref.key]
        present = [m for m in self.cast.members[ref.key] if m.state == State.BADGE_COLLECTED]
        for role in FALLBACK_ROLES[ref.role]:
            candidates = [m for m in present if m.role == role]
            if candidates:
                person = min(candidates, key=lambda m: self.used[m.pk])
                self.used[person.pk] += 1
                return person
        raise ValueError(f"Nobody present to act as {ref}")


def inscription_time(rng):
    """A moment in office hours between 2 and 11 May, when the lists were open."""
    return local(5, rng.randint(2, 11), rng.randint(9, 17), rng.randint(0, 59))


# The floor's clock has its own generator, so the rest of the demo stays as it was.
FLOOR_SEED = 2021


def deliver(session: Session, ordered: list[Statement], rng: random.Random) -> None:
    """The record of a session held: each statement started, paused now and then, ended.

    The chair opens two minutes in; a speaker runs a little under or over the time allotted;
    about one in five is paused (interpretation, a microphone) for under a minute and a half.
    """
    moment = session.starts_at + dt.timedelta(minutes=2)
    for statement in ordered:
        spoken = max(60, statement.allotted_minutes * 60 + rng.randint(-90, 50))
        paused = rng.randint(15, 80) if rng.random() < 0.2 else 0
        statement.started_at = moment
        statement.paused_seconds = paused
        statement.ended_at = moment + dt.timedelta(seconds=spoken + paused)
        moment = statement.ended_at + dt.timedelta(seconds=rng.randint(10, 40))


def build_programme(conference, rooms, cast, rng) -> list[Session]:
    resolve = Resolver(cast)
    floor_rng = random.Random(FLOOR_SEED)
    sessions, statements = [], []
    for order, slot in enumerate(PROGRAMME):
        session = Session.objects.create(
            conference=conference,
            title=slot.title,
            kind=slot.kind,
            description=slot.description,
            starts_at=dushanbe(slot.day, slot.start),
            ends_at=dushanbe(slot.day, slot.end),
            room=rooms.get(slot.room),
            chair=resolve(slot.chair) if slot.chair else None,
            is_public=slot.is_public,
            order=order,
            # Delegations asked for the floor online until the evening before.
            inscription_closes_at=(
                dushanbe(slot.day - dt.timedelta(days=1), "18:00") if slot.speakers else None
            ),
        )
        speakers_list = []
        for speak in slot.speakers:
            speaker = resolve(speak.who)
            speakers_list.append(
                Statement(
                    session=session,
                    speaker=speaker,
                    delegation=speaker.delegation,
                    on_behalf_of=speak.on_behalf_of,
                    mode=speak.mode,
                    inscribed_at=inscription_time(rng),
                    allotted_minutes=speak.minutes,
                    title=speak.title,
                    status=StatementStatus.DELIVERED,
                )
            )
        ordered = speakers_list_in_protocol_order(speakers_list)
        for position, statement in enumerate(ordered, start=1):
            statement.order = position
        deliver(session, ordered, floor_rng)
        statements += ordered
        sessions.append(session)
    Statement.objects.bulk_create(statements)
    conflicts = agenda_conflicts(conference=conference)
    if conflicts:
        raise ValueError("Demo programme conflicts: " + "; ".join(c.message for c in conflicts))
    return sessions
