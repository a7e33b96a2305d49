"""Careful reads of the agenda: protocol order, public listings and conflict checks."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import combinations

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from conference.enums import PartnerRole
from conference.models import Conference
from participants.accreditation.selectors import public_delegations
from participants.enums import (
    DelegationStatus,
)
from participants.models import Delegation, Participant

from .enums import (
    INACTIVE_STATEMENT_STATUSES,
    UNLISTED_STATEMENT_STATUSES,
    ConflictKind,
    SessionKind,
    SpeakingKind,
)
from .models import (
    DELEGATION_NAME,
    Room,
    SeatingPlan,
    SeatSwap,
    Session,
    Statement,
    StatementMove,
)

# A statement without a delegation (a guest speaker) speaks after every organization.
UNRANKED_LEVEL = 99
# Delegations shown as taking part on the public site.


def statement_protocol_key(statement: Statement) -> tuple:
    """Where a statement falls on a speakers' list under protocol.

    States first, by the level the delegation speaks at (the statement's level, or
    else the delegation's level of representation), then
    organizations by theirs: organizations speak after every State, "time
    permitting", so an organization's minister follows a State's expert. Within
    a level, the time of inscription decides. Rights of reply come after the
    list and withdrawn statements last.
    """
    delegation = statement.delegation or (statement.speaker and statement.speaker.delegation)
    level = statement.level or (delegation.level if delegation else UNRANKED_LEVEL)
    is_organization = not delegation.is_state if delegation else True
    return (
        statement.status in INACTIVE_STATEMENT_STATUSES,
        statement.is_right_of_reply,
        is_organization,
        level,
        statement.inscribed_at,
        statement.pk or 0,
    )


def speakers_list_in_protocol_order(statements: Iterable[Statement]) -> list[Statement]:
    """The one function that computes a speakers' list's protocol order."""
    return sorted(statements, key=statement_protocol_key)


@dataclass(frozen=True)
class Shift:
    """A statement that putting its list back into protocol order would move."""

    statement: Statement
    now: int
    then: int


@dataclass(frozen=True)
class ProtocolOrderChange:
    """What putting one session's list back into protocol order would change."""

    session: Session
    shifts: tuple[Shift, ...]
    # The audited manual moves of the statements it shifts, which it would undo.
    moves: tuple[StatementMove, ...]


def speakers_list_protocol_order_changes(
    *, sessions: Iterable[Session]
) -> list[ProtocolOrderChange]:
    """The sessions whose list is not in protocol order, with what restoring it undoes."""
    moves = StatementMove.objects.select_related("by").order_by("at", "id")
    statements = (
        Statement.objects.select_related("delegation", "speaker__delegation")
        .prefetch_related(Prefetch("moves", queryset=moves))
        .order_by("order", "inscribed_at", "id")
    )
    sessions = Session.objects.filter(pk__in=[s.pk for s in sessions]).prefetch_related(
        Prefetch("statements", queryset=statements)
    )
    changes = []
    for session in sessions.order_by("starts_at", "order", "id"):
        current = list(session.statements.all())
        then = {s.pk: i for i, s in enumerate(speakers_list_in_protocol_order(current), start=1)}
        shifts = tuple(
            Shift(statement, now, then[statement.pk])
            for now, statement in enumerate(current, start=1)
            if then[statement.pk] != now
        )
        if shifts:
            undone = tuple(move for shift in shifts for move in shift.statement.moves.all())
            changes.append(ProtocolOrderChange(session, shifts, undone))
    return changes


# Public reads ---------------------------------------------------------------


def public_conferences() -> QuerySet[Conference]:
    return Conference.objects.filter(is_public=True).order_by("-start_date", "title")


def day_bounds(*, conference: Conference, day: date) -> tuple[datetime, datetime]:
    """The start and end of a conference day in its own time zone."""
    start = datetime.combine(day, time.min, tzinfo=conference.tz)
    return start, start + timedelta(days=1)


def public_sessions(
    *,
    conference: Conference,
    day: date | None = None,
    room_id: int | None = None,
    kind: str = "",
) -> QuerySet[Session]:
    sessions = Session.objects.public().filter(conference=conference).with_speakers()
    if day is not None:
        start, end = day_bounds(conference=conference, day=day)
        sessions = sessions.filter(starts_at__gte=start, starts_at__lt=end)
    if room_id is not None:
        sessions = sessions.filter(room_id=room_id)
    if kind:
        sessions = sessions.filter(kind=kind)
    return sessions.order_by("starts_at", "order", "room__name", "id")


def _public_roles(conference: Conference) -> Q:
    """Participants who speak in or chair a public session of the conference."""
    public = Q(is_public=True, conference=conference)
    speaking = Statement.objects.exclude(status__in=UNLISTED_STATEMENT_STATUSES).filter(
        session__in=Session.objects.filter(public)
    )
    return Q(pk__in=speaking.values("speaker_id")) | Q(
        pk__in=Session.objects.filter(public, chair__isnull=False).values("chair_id")
    )


def public_speakers(*, conference: Conference) -> QuerySet[Participant]:
    """Accredited speakers and chairs of public sessions; the others are not announced yet."""
    return (
        Participant.objects.publicly_named()
        .filter(_public_roles(conference), conference=conference)
        .select_related(DELEGATION_NAME)
        .order_by("family_name", "given_names", "id")
    )


def public_speaker_sessions(*, conference: Conference, speaker: Participant) -> list[Session]:
    """The public sessions a speaker chairs or speaks in, in agenda order."""
    spoken_in = (
        Statement.objects.filter(speaker=speaker)
        .exclude(status__in=UNLISTED_STATEMENT_STATUSES)
        .values("session_id")
    )
    return list(
        public_sessions(conference=conference).filter(Q(chair=speaker) | Q(pk__in=spoken_in))
    )


# Conflict checks ------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    kind: ConflictKind
    message: str
    sessions: tuple[Session, ...]

    def involves(self, session_id: int) -> bool:
        return any(session.pk == session_id for session in self.sessions)


def _overlap(a: Session, b: Session) -> bool:
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def session_time_label(conference: Conference, session: Session) -> str:
    """“16 May 09:00–10:00” in the conference's own time zone."""
    start, end = conference.local(session.starts_at), conference.local(session.ends_at)
    return f"{start:%d %b %H:%M}–{end:%H:%M}"


def _sessions_to_check(sessions: QuerySet[Session]) -> list[Session]:
    """Two queries whatever the size: sessions with rooms and chairs, and their
    active statements with speakers."""
    active = Statement.objects.exclude(status__in=INACTIVE_STATEMENT_STATUSES).select_related(
        "speaker"
    )
    return list(
        sessions.select_related("room", "chair")
        .prefetch_related(Prefetch("statements", queryset=active))
        .order_by("starts_at", "id")
    )


def agenda_conflicts(*, conference: Conference) -> list[Conflict]:
    """Every scheduling conflict of a conference's agenda, public or not."""
    sessions = _sessions_to_check(Session.objects.filter(conference=conference))
    return _conflicts(conference, sessions)


def conflict_counts(*, conferences: Iterable[Conference]) -> list[tuple[Conference, int]]:
    """Each conference with its number of conflicts, in two queries for all of them."""
    conferences = list(conferences)
    by_conference: dict[int, list[Session]] = defaultdict(list)
    for session in _sessions_to_check(Session.objects.filter(conference__in=conferences)):
        by_conference[session.conference_id].append(session)
    return [
        (conference, len(_conflicts(conference, by_conference[conference.pk])))
        for conference in conferences
    ]


def _conflicts(conference: Conference, sessions: list[Session]) -> list[Conflict]:
    conflicts: list[Conflict] = []
    conflicts += _room_conflicts(conference, sessions)
    conflicts += _person_conflicts(conference, sessions)
    conflicts += _date_conflicts(conference, sessions)
    conflicts += _overrun_conflicts(sessions)
    return conflicts


def session_conflicts(*, session: Session) -> list[Conflict]:
    return [
        conflict
        for conflict in agenda_conflicts(conference=session.conference)
        if conflict.involves(session.pk)
    ]


def _overlapping_pairs(sessions: list[Session]):
    for a, b in combinations(sessions, 2):
        if _overlap(a, b):
            yield a, b


def _room_conflicts(conference: Conference, sessions: list[Session]) -> list[Conflict]:
    by_room = defaultdict(list)
    for session in sessions:
        if session.room_id:
            by_room[session.room_id].append(session)
    return [
        Conflict(
            ConflictKind.ROOM,
            _("%(room)s is booked by “%(a)s” and “%(b)s” at overlapping times (%(when)s).")
            % {"room": a.room, "a": a, "b": b, "when": session_time_label(conference, b)},
            (a, b),
        )
        for booked in by_room.values()
        for a, b in _overlapping_pairs(booked)
    ]


def _person_conflicts(conference: Conference, sessions: list[Session]) -> list[Conflict]:
    by_person: dict[int, list[Session]] = defaultdict(list)
    people: dict[int, Participant] = {}
    for session in sessions:
        # A delegation that has not named its speaker yet is nobody's double booking.
        involved = {s.speaker_id: s.speaker for s in session.statements.all() if s.speaker_id}
        if session.chair_id:
            involved[session.chair_id] = session.chair
        for pk, person in involved.items():
            by_person[pk].append(session)
            people[pk] = person
    return [
        Conflict(
            ConflictKind.PERSON,
            _("%(person)s is in “%(a)s” and “%(b)s”, which overlap (%(when)s).")
            % {"person": people[pk], "a": a, "b": b, "when": session_time_label(conference, b)},
            (a, b),
        )
        for pk, booked in by_person.items()
        for a, b in _overlapping_pairs(booked)
    ]


def _date_conflicts(conference: Conference, sessions: list[Session]) -> list[Conflict]:
    first, _last_start = day_bounds(conference=conference, day=conference.start_date)
    _last_day_start, last = day_bounds(conference=conference, day=conference.end_date)
    return [
        Conflict(
            ConflictKind.OUTSIDE_DATES,
            _("“%(session)s” (%(when)s) is outside the conference dates, %(start)s–%(end)s.")
            % {
                "session": session,
                "when": session_time_label(conference, session),
                "start": conference.start_date.isoformat(),
                "end": conference.end_date.isoformat(),
            },
            (session,),
        )
        for session in sessions
        if session.starts_at < first or session.ends_at > last
    ]


def _overrun_conflicts(sessions: list[Session]) -> list[Conflict]:
    conflicts = []
    for session in sessions:
        allotted = sum(s.allotted_minutes for s in session.statements.all())
        if allotted > session.duration_minutes:
            conflicts.append(
                Conflict(
                    ConflictKind.OVERRUN,
                    _(
                        "“%(session)s” allots %(allotted)d minutes to statements "
                        "but lasts %(length)d minutes."
                    )
                    % {
                        "session": session,
                        "allotted": allotted,
                        "length": session.duration_minutes,
                    },
                    (session,),
                )
            )
    return conflicts


# Seating plans (issue 15) ------------------------------------------------------------------
# Sessions whose chair presides over the room: the chair's delegation sits next to the host.
PRESIDING_KINDS = (SessionKind.OPENING, SessionKind.PLENARY)


@dataclass(frozen=True)
class Place:
    number: int
    delegation: Delegation


@dataclass(frozen=True)
class Seating:
    """A plan as it stands now: who sits where, who has no place, which swaps no longer apply."""

    plan: SeatingPlan
    places: list[Place]
    unseated: list[Delegation]
    stale_swaps: list[SeatSwap]
    front: frozenset[int]  # the host's and the chair's delegations

    @property
    def order(self) -> list[Delegation]:
        return [place.delegation for place in self.places] + self.unseated


def seating_front(*, conference: Conference, room: Room) -> list[int]:
    """Pks of the delegations that sit before precedence: the host, then the chair.

    The host is every ConferencePartner with the role Host, in display order, that has a
    delegation (same country or organization). The chair is the delegation of whoever
    chairs the first opening or plenary session held in the room; at Dushanbe the host
    presides, so the chair adds no one there.
    """
    front: list[int] = []
    delegations = conference.delegations.values_list("pk", "country", "organization_id")
    by_country = {country: pk for pk, country, _org in delegations if country}
    by_organization = {org: pk for pk, _country, org in delegations if org}
    for partner in conference.partners.filter(role=PartnerRole.HOST).order_by(
        "display_order", "id"
    ):
        pk = (
            by_organization.get(partner.organization_id)
            if partner.organization_id
            else by_country.get(str(partner.country))
        )
        if pk is not None and pk not in front:
            front.append(pk)
    chair = (
        Session.objects.filter(
            conference=conference,
            room=room,
            kind__in=PRESIDING_KINDS,
            chair__delegation__isnull=False,
        )
        .order_by("starts_at", "order", "id")
        .values_list("chair__delegation_id", flat=True)
        .first()
    )
    if chair is not None and chair not in front:
        front.append(chair)
    return front


def seating_plan_places(*, plan: SeatingPlan) -> Seating:
    """Who sits where, computed now from the taking-part delegations and the stored swaps.

    The host and the chair take the first places; every other delegation follows in the
    order of the public delegations page (protocol precedence, lot start included). The
    swaps are then replayed in the order they were made; one that names a delegation no
    longer taking part is skipped and reported. Delegations beyond the plan's places are
    returned as unseated, never squeezed in.
    """
    conference = plan.conference
    delegations = public_delegations(conference=conference)
    front = seating_front(conference=conference, room=plan.room)
    taking_part = {d.pk: d for d in delegations}
    order = [taking_part[pk] for pk in front if pk in taking_part]
    order += [d for d in delegations if d.pk not in front]
    index = {d.pk: i for i, d in enumerate(order)}
    stale = []
    swaps = list(plan.swaps.select_related("first", "second", "by").order_by("at", "id"))
    for swap in swaps:
        if swap.first_id not in index or swap.second_id not in index:
            stale.append(swap)
            continue
        a, b = index[swap.first_id], index[swap.second_id]
        order[a], order[b] = order[b], order[a]
        index[swap.first_id], index[swap.second_id] = b, a
    places = [Place(number=n, delegation=d) for n, d in enumerate(order[: plan.places], start=1)]
    return Seating(
        plan=plan,
        places=places,
        unseated=order[plan.places :],
        stale_swaps=stale,
        front=frozenset(pk for pk in front if pk in taking_part),
    )


def statement_spoken_seconds(statement: Statement, *, now: datetime) -> int:
    """Seconds a statement has held the floor, pauses excluded, from server timestamps."""
    if statement.started_at is None:
        return 0
    until = statement.ended_at or statement.paused_at or now
    return max(0, int((until - statement.started_at).total_seconds()) - statement.paused_seconds)


def _floor_entry(statement: Statement) -> dict:
    speaker = statement.public_speaker
    delegation = statement.delegation or (speaker.delegation if speaker else None)
    return {
        "id": statement.pk,
        "speaker": speaker.local_display_name if speaker else "",
        "title": speaker.functional_title if speaker else "",
        "delegation": delegation.local_name if delegation else "",
        "on_behalf_of": statement.on_behalf_of,
        "kind": statement.speaking_kind,
        "kind_label": str(SpeakingKind(statement.speaking_kind).label),
        "allotted_seconds": statement.allotted_seconds,
        "started_at": statement.started_at.isoformat() if statement.started_at else None,
        "paused_at": statement.paused_at.isoformat() if statement.paused_at else None,
        "paused_seconds": statement.paused_seconds,
    }


def _floor_statements(session: Session) -> list[Statement]:
    """The statements still to end, from the public pages' prefetch when it was made."""
    if "statements" in getattr(session, "_prefetched_objects_cache", {}):
        return [s for s in session.statements.all() if s.ended_at is None]
    # A delegation's request waits for the secretariat: not on the floor until confirmed.
    return list(
        session.statements.exclude(status__in=UNLISTED_STATEMENT_STATUSES)
        .filter(ended_at__isnull=True)
        .select_related(f"speaker__{DELEGATION_NAME}", DELEGATION_NAME)
        .order_by("order", "inscribed_at", "id")
    )


def session_floor_state(
    *, session: Session, statements: list[Statement] | None = None, point=False
) -> dict:
    """What a projector shows: the current speaker and the next three, as timestamps.

    Only the stored timestamps go out, never a ticking number: a screen computes the time
    left from them and the server's clock (the message's ``now`` or the response's Date
    header), so a reconnecting one is right at once. Names are in the active language.
    ``statements`` and ``point`` (see floor_rows) let one read serve several languages.
    """
    if statements is None:
        statements, point = floor_rows(session=session)
    current = next((s for s in statements if s.started_at is not None), None)
    waiting = [s for s in statements if s.started_at is None]
    return {
        "session": session.pk,
        "current": _floor_entry(current) if current else None,
        "next": [_floor_entry(s) for s in waiting[:3]],
        "waiting": len(waiting),
        "point_of_order": (
            {
                "id": point.pk,
                "raised_at": point.raised_at.isoformat(),
                "delegation": point.delegation.local_name if point.delegation else "",
            }
            if point
            else None
        ),
    }


def floor_rows(*, session: Session) -> tuple[list[Statement], object]:
    """The statements still to end and the open point of order (None): the floor's one read."""
    statements = _floor_statements(session)
    # A point of order is open only while someone has the floor (end and next wait for it).
    speaking = any(s.started_at is not None for s in statements)
    point = (
        session.points_of_order.filter(closed_at__isnull=True)
        .select_related(DELEGATION_NAME)
        .first()
        if speaking
        else None
    )
    return statements, point


def session_console_state(*, session: Session) -> dict:
    """The secretary's console: the projector's state, the whole waiting list and replies."""
    statements, point = floor_rows(session=session)
    state = session_floor_state(session=session, statements=statements, point=point)
    waiting = [s for s in statements if s.started_at is None]
    state["list"] = [_floor_entry(s) for s in waiting if not s.is_right_of_reply]
    state["replies"] = [_floor_entry(s) for s in waiting if s.is_right_of_reply]
    return state


FLOOR_PERMISSION = "agenda.change_statement"


def can_run_floor(user) -> bool:
    """The secretary's console: staff who may change statements (protocol, programme)."""
    return user.is_active and user.is_staff and user.has_perm(FLOOR_PERMISSION)


def floor_delegations(*, conference: Conference) -> list[Delegation]:
    """Who may ask for a right of reply or raise a point of order: delegations taking part."""
    return list(
        conference.delegations.exclude(
            status__in=[DelegationStatus.DECLINED, DelegationStatus.WITHDRAWN]
        )
        .select_related("organization")
        .order_by("name")
    )
