"""Writes to the agenda. Every change retires the conference's cached public pages,
so the next public request shows it."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.enums import DomainEvent
from conference.events import event_emit
from conference.models import Conference
from conference.setup import BulkAddRefused, LineRefusal, duplicate_refusals
from conference.site.publishing import public_pages_invalidate
from participants.models import Delegation, Participant

from .enums import INACTIVE_STATEMENT_STATUSES, FloorAction, StatementStatus
from .live import floor_publish
from .models import (
    FloorEvent,
    PointOfOrder,
    Room,
    SeatingPlan,
    SeatSwap,
    Session,
    Statement,
    StatementMove,
)
from .selectors import (
    seating_plan_places,
    speakers_list_in_protocol_order,
    statement_protocol_key,
)

AgendaItem = Room | Session | Statement


def _conference_id(item: AgendaItem) -> int:
    return item.session.conference_id if isinstance(item, Statement) else item.conference_id


@transaction.atomic
def agenda_item_save(*, item: AgendaItem) -> AgendaItem:
    """Validate and save a room, session or statement as edited in the admin."""
    if isinstance(item, Statement) and item.pk:
        return _statement_save(item)
    item.full_clean()
    item.save()
    public_pages_invalidate(conference_ids=[_conference_id(item)])
    if isinstance(item, Session):
        _session_announce(item)
    return item


ROOM_NAME_LENGTH = Room._meta.get_field("name").max_length


@transaction.atomic
def rooms_add(*, conference: Conference, lines: list[tuple[int, str]]) -> list[Room]:
    """Add a room for each (line number, name), or none: BulkAddRefused names the lines refused.

    A name is compared without regard to case with the conference's rooms, in either language.
    """
    refusals = [
        LineRefusal(number, name, _("%(name)s: a room name has at most %(length)d characters.")
        % {"name": name[:40], "length": ROOM_NAME_LENGTH})
        for number, name in lines
        if len(name) > ROOM_NAME_LENGTH
    ]  # fmt: skip
    existing = Room.objects.filter(conference=conference).values_list("name_en", "name_ru")
    refusals += duplicate_refusals(
        [(number, name, name.casefold()) for number, name in lines],
        existing={name.casefold() for pair in existing for name in pair if name},
        already_there=_("%(name)s: this conference already has a room of this name."),
        repeated=_("%(name)s: the same room as line %(line)d."),
    )
    if refusals:
        raise BulkAddRefused(sorted(refusals, key=lambda refusal: refusal.number))
    rooms = [Room(conference=conference, name_en=name) for _number, name in lines]
    for room in rooms:
        room.full_clean()
        room.save()
    public_pages_invalidate(conference_ids=[conference.pk])
    return rooms


def _session_announce(session: Session) -> None:
    """A session's time, room or title changed (or it was created): partners hear of it."""
    event_emit(
        conference_id=session.conference_id,
        kind=DomainEvent.SESSION_CHANGED,
        payload={
            "session": session.pk,
            "title": session.title,
            "kind": session.kind,
            "starts_at": session.starts_at.isoformat(),
            "ends_at": session.ends_at.isoformat(),
            "room": session.room_id,
        },
    )


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem) -> None:
    conference_id = _conference_id(item)
    if isinstance(item, Statement):
        _locked_list(item.session_id)
        item.delete()
        _close_gaps(item.session_id)
    else:
        item.delete()
    public_pages_invalidate(conference_ids=[conference_id])


def _locked_list(session: Session | int) -> list[Statement]:
    # of=("self",): PostgreSQL cannot lock the nullable side of the delegation join.
    return list(
        Statement.objects.filter(session=session)
        .select_related("session", "delegation", "speaker__delegation")
        .select_for_update(of=("self",))
        .order_by("order", "inscribed_at", "id")
    )


def _renumber(statements: list[Statement]) -> None:
    for position, statement in enumerate(statements, start=1):
        statement.order = position
    Statement.objects.bulk_update(statements, ["order"])


def _close_gaps(session: Session | int) -> None:
    """Number a list 1..n again, keeping its order (manual moves included); statements
    that no longer take time on it go to its end."""
    current = _locked_list(session)
    _renumber(sorted(current, key=lambda s: s.status in INACTIVE_STATEMENT_STATUSES))


def _take_protocol_place(statement: Statement, current: list[Statement]) -> None:
    """Put a saved statement into ``current`` (its list without it) at its protocol place.

    It goes right after the last statement that protocol puts before it, so it never
    jumps ahead of anyone who outranks it, and manual moves already made stay as they are.
    """
    key = statement_protocol_key(statement)
    ahead = [i for i, other in enumerate(current) if statement_protocol_key(other) < key]
    current.insert(ahead[-1] + 1 if ahead else 0, statement)
    _renumber(current)


def _statement_save(statement: Statement) -> Statement:
    """Save an edited statement; its position changes only through the list's services."""
    stored = Statement.objects.select_for_update().get(pk=statement.pk)
    statement.full_clean(exclude=["order"])
    if stored.session_id == statement.session_id:
        statement.order = stored.order  # the form's copy may predate a delete or a move
        statement.save()
        _close_gaps(statement.session_id)
    else:
        others = [s for s in _locked_list(statement.session_id) if s.pk != statement.pk]
        statement.save()
        _take_protocol_place(statement, others)
        _close_gaps(stored.session_id)
        if stored.session.conference_id != statement.session.conference_id:
            public_pages_invalidate(conference_ids=[stored.session.conference_id])
    public_pages_invalidate(conference_ids=[statement.session.conference_id])
    return statement


@transaction.atomic
def speakers_list_apply_protocol_order(*, session: Session) -> list[Statement]:
    """Put a whole speakers' list back into protocol order, undoing manual moves."""
    ordered = speakers_list_in_protocol_order(_locked_list(session))
    _renumber(ordered)
    public_pages_invalidate(conference_ids=[session.conference_id])
    return ordered


@transaction.atomic
def statement_inscribe(*, statement: Statement) -> Statement:
    """Inscribe a new statement at its protocol place on the speakers' list."""
    if statement.delegation_id is None and statement.speaker_id is not None:
        statement.delegation = statement.speaker.delegation
    statement.full_clean(exclude=["order"])
    current = _locked_list(statement.session)
    statement.save()
    _take_protocol_place(statement, current)
    public_pages_invalidate(conference_ids=[statement.session.conference_id])
    return statement


@transaction.atomic
def statement_move(
    *, statement: Statement, to_position: int, reason: str, by: AbstractBaseUser | None
) -> StatementMove:
    """Move a statement by hand to ``to_position`` (1-based), recording why."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("A manual move needs a reason.")})
    current = _locked_list(statement.session)
    if not 1 <= to_position <= len(current):
        raise ValidationError(
            {"to_position": _("Choose a position from 1 to %(count)d.") % {"count": len(current)}}
        )
    from_position = next(i for i, s in enumerate(current, start=1) if s.pk == statement.pk)
    if from_position == to_position:
        raise ValidationError({"to_position": _("The statement is already at that position.")})
    moving = current.pop(from_position - 1)
    current.insert(to_position - 1, moving)
    _renumber(current)
    move = StatementMove(
        statement=moving,
        from_position=from_position,
        to_position=to_position,
        reason=reason,
        by=by,
    )
    move.full_clean()
    move.save()
    public_pages_invalidate(conference_ids=[statement.session.conference_id])
    return move


# Seating plans (issue 15) ------------------------------------------------------------------
# Not public: no page shows a plan, so no cache to retire.


@transaction.atomic
def seating_plan_save(*, plan: SeatingPlan) -> SeatingPlan:
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def seating_plan_delete(*, plan: SeatingPlan) -> None:
    plan.delete()


@transaction.atomic
def seat_swap(
    *,
    plan: SeatingPlan,
    first: Delegation,
    second: Delegation,
    reason: str,
    by: AbstractBaseUser | None,
) -> SeatSwap:
    """Swap the places of two delegations on ``plan``, recording who, when and why.

    The plan row is locked so that two organizers' swaps are replayed in the order made.
    """
    plan = (
        SeatingPlan.objects.select_for_update().select_related("conference", "room").get(pk=plan.pk)
    )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("A swap needs a reason.")})
    if first.pk == second.pk:
        raise ValidationError({"second": _("Choose two different delegations.")})
    seated = {d.pk for d in seating_plan_places(plan=plan).order}
    for field, delegation in (("first", first), ("second", second)):
        if delegation.conference_id != plan.conference_id:
            raise ValidationError(
                {
                    field: _("%(delegation)s belongs to another conference.")
                    % {"delegation": delegation}
                }
            )
        if delegation.pk not in seated:
            raise ValidationError(
                {
                    field: _("%(delegation)s does not take part and has no place to swap.")
                    % {"delegation": delegation}
                }
            )
    swap = SeatSwap(plan=plan, first=first, second=second, reason=reason, by=by)
    swap.full_clean()
    swap.save()
    return swap


# The floor: the secretary's console. Each action locks the session's list, checks the
# statement's state against what the console saw, writes the timestamps and one FloorEvent,
# and after the commit tells every projector (sessions/live.py; a failure there is logged).


def _on_the_floor(statements: list[Statement]) -> Statement | None:
    return next((s for s in statements if s.started_at and not s.ended_at), None)


def _locked_floor(session: Session) -> list[Statement]:
    """The session's statements locked in list order, as _locked_list, but without the names
    and the session on every row: a floor step reads only the statements' own columns, and
    it was most of the console's answer with a long list."""
    statements = list(
        Statement.objects.filter(session=session)
        .select_for_update()
        .order_by("order", "inscribed_at", "id")
    )
    for statement in statements:
        statement.session = session
    return statements


def _locked_statement(statement: Statement) -> tuple[Statement, list[Statement]]:
    current = _locked_floor(statement.session)
    stored = next((s for s in current if s.pk == statement.pk), None)
    if stored is None:
        raise ValidationError(_("This statement is no longer on the speakers' list."))
    return stored, current


def _open_point_of_order(session_id: int) -> PointOfOrder | None:
    # Read under the list's lock: every writer of points of order takes it first.
    return PointOfOrder.objects.filter(session_id=session_id, closed_at__isnull=True).first()


def _refuse_during_point_of_order(session_id: int) -> None:
    if _open_point_of_order(session_id) is not None:
        raise ValidationError(_("A point of order is being heard: close it first."))


def _floor_changed(conference_id: int, session_id: int) -> None:
    public_pages_invalidate(conference_ids=[conference_id])
    floor_publish(session_id=session_id)


def _floor_record(statement: Statement, action: str, by, fields: list[str]) -> Statement:
    """Save one step and its audit row; the service then calls _floor_changed once."""
    if fields:
        statement.save(update_fields=fields)
    FloorEvent.objects.create(statement=statement, action=action, by=by)
    return statement


def _floor_done(statement: Statement) -> Statement:
    _floor_changed(statement.session.conference_id, statement.session_id)
    return statement


def _require_current(statement: Statement) -> None:
    if statement.started_at is None or statement.ended_at is not None:
        raise ValidationError(_("This statement is not the current one."))


@transaction.atomic
def statement_floor_start(*, statement: Statement, by: AbstractBaseUser | None) -> Statement:
    """Give the floor to a statement on the list while nobody else holds it."""
    stored, current = _locked_statement(statement)
    if stored.status != StatementStatus.SCHEDULED or stored.started_at is not None:
        raise ValidationError(_("Only a scheduled statement that has not started can start."))
    if _on_the_floor(current) is not None:
        raise ValidationError(_("Someone already has the floor in this session."))
    stored.started_at = timezone.now()
    return _floor_done(_floor_record(stored, FloorAction.START, by, ["started_at"]))


@transaction.atomic
def statement_floor_pause(*, statement: Statement, by: AbstractBaseUser | None) -> Statement:
    stored, _current = _locked_statement(statement)
    _require_current(stored)
    if stored.paused_at is not None:
        raise ValidationError(_("This speaker is already paused."))
    stored.paused_at = timezone.now()
    return _floor_done(_floor_record(stored, FloorAction.PAUSE, by, ["paused_at"]))


def _unpause(statement: Statement, now) -> None:
    if statement.paused_at is not None:
        statement.paused_seconds += int((now - statement.paused_at).total_seconds())
        statement.paused_at = None


@transaction.atomic
def statement_floor_resume(*, statement: Statement, by: AbstractBaseUser | None) -> Statement:
    stored, _current = _locked_statement(statement)
    _require_current(stored)
    if stored.paused_at is None:
        raise ValidationError(_("This speaker is not paused."))
    _refuse_during_point_of_order(stored.session_id)
    _unpause(stored, timezone.now())
    return _floor_done(
        _floor_record(stored, FloorAction.RESUME, by, ["paused_at", "paused_seconds"])
    )


def _end(statement: Statement, by) -> Statement:
    now = timezone.now()
    _unpause(statement, now)
    statement.ended_at = now
    statement.status = StatementStatus.DELIVERED
    return _floor_record(
        statement, FloorAction.END, by, ["paused_at", "paused_seconds", "ended_at", "status"]
    )


@transaction.atomic
def statement_floor_end(*, statement: Statement, by: AbstractBaseUser | None) -> Statement:
    stored, _current = _locked_statement(statement)
    _require_current(stored)
    _refuse_during_point_of_order(stored.session_id)
    return _floor_done(_end(stored, by))


@transaction.atomic
def speakers_list_next(
    *, session: Session, seen_current_id: int | None, by: AbstractBaseUser | None
) -> Statement | None:
    """End the current statement and give the floor to the next one on the list.

    ``seen_current_id`` is the statement the console showed as current: if another
    console already moved on, nothing changes, so two presses move one step. Rights of
    reply stand after the list (protocol order), so they come once the list is done.
    """
    current = _locked_floor(session)
    speaking = _on_the_floor(current)
    if (speaking.pk if speaking else None) != seen_current_id:
        return speaking
    _refuse_during_point_of_order(session.pk)
    if speaking is not None:
        _end(speaking, by)
    waiting = [s for s in current if s.status == StatementStatus.SCHEDULED and s.started_at is None]
    if not waiting:
        if speaking is not None:
            _floor_done(speaking)
        return None
    waiting[0].started_at = timezone.now()
    return _floor_done(_floor_record(waiting[0], FloorAction.START, by, ["started_at"]))


def _same_conference(session: Session, delegation: Delegation | None) -> None:
    if delegation is not None and delegation.conference_id != session.conference_id:
        raise ValidationError(
            {
                "delegation": _("%(delegation)s belongs to another conference.")
                % {"delegation": delegation}
            }
        )


@transaction.atomic
def right_of_reply_request(
    *,
    session: Session,
    delegation: Delegation,
    by: AbstractBaseUser | None,
    speaker: Participant | None = None,
) -> Statement:
    """Queue a delegation's right of reply after the speakers' list, on its own time limit.

    Asking again while the delegation's reply still waits returns that reply: one reply
    waits per delegation, however many times the button is pressed.
    """
    _same_conference(session, delegation)
    if speaker is not None and speaker.delegation_id != delegation.pk:
        raise ValidationError({"speaker": _("The speaker must belong to the delegation.")})
    # The session row first: a list lock alone cannot see a reply inserted meanwhile.
    Session.objects.select_for_update().filter(pk=session.pk).first()
    current = _locked_list(session.pk)
    waiting = next(
        (
            s
            for s in current
            if s.is_right_of_reply
            and s.delegation_id == delegation.pk
            and s.status == StatementStatus.SCHEDULED
            and s.started_at is None
        ),
        None,
    )
    if waiting is not None:
        return waiting
    reply = Statement(
        session=session,
        delegation=delegation,
        speaker=speaker,
        is_right_of_reply=True,
        status=StatementStatus.SCHEDULED,
        inscribed_at=timezone.now(),
    )
    reply.full_clean(exclude=["order"])
    reply.save()
    _take_protocol_place(reply, current)
    return _floor_done(_floor_record(reply, FloorAction.REPLY, by, []))


@transaction.atomic
def point_of_order_raise(
    *,
    session: Session,
    seen_current_id: int | None,
    delegation: Delegation | None,
    by: AbstractBaseUser | None,
) -> PointOfOrder:
    """Interrupt the current speaker for a point of order: they are paused until it closes.

    Pressed again while it is heard, it returns the open point of order and changes nothing.
    """
    _same_conference(session, delegation)
    current = _locked_floor(session)
    speaking = _on_the_floor(current)
    if speaking is None:
        raise ValidationError(_("Nobody has the floor: a point of order interrupts a speaker."))
    if speaking.pk != seen_current_id:
        raise ValidationError(_("This statement is not the current one."))
    open_point = _open_point_of_order(session.pk)
    if open_point is not None:
        return open_point
    now = timezone.now()
    point = PointOfOrder(
        session=session,
        statement=speaking,
        delegation=delegation,
        raised_at=now,
        paused_speaker=speaking.paused_at is None,
    )
    point.full_clean()
    point.save()
    if point.paused_speaker:
        speaking.paused_at = now
    _floor_done(_floor_record(speaking, FloorAction.POINT_OF_ORDER, by, ["paused_at"]))
    return point


@transaction.atomic
def point_of_order_close(*, point: PointOfOrder, by: AbstractBaseUser | None) -> PointOfOrder:
    """Close a point of order and give the interrupted speaker the floor back.

    Closing one already closed changes nothing (two consoles pressing at once).
    """
    _locked_floor(point.session)
    point = PointOfOrder.objects.select_related("statement__session").get(pk=point.pk)
    if point.closed_at is not None:
        return point
    now = timezone.now()
    point.closed_at = now
    point.save(update_fields=["closed_at"])
    statement = point.statement
    fields = []
    if point.paused_speaker and statement.ended_at is None:
        _unpause(statement, now)
        fields = ["paused_at", "paused_seconds"]
    _floor_done(_floor_record(statement, FloorAction.ORDER_CLOSED, by, fields))
    return point
