"""The record of the floor (issue 22): statements delivered, and speaking time per delegation
and per group (States, organizations), for one session or the whole conference.

Read from the one table that holds the fact: a statement's ``started_at``, ``ended_at`` and
``paused_seconds``, written by the console's services.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet

from conference.models import Conference
from participants.models import Delegation

from .enums import SpeakingGroup, StatementStatus
from .models import DELEGATION_NAME, Session, Statement


def statements_delivered(*, conference: Conference, session: Session | None = None) -> QuerySet:
    """Delivered statements with their times, in the order they were made. One query."""
    statements = Statement.objects.filter(
        session__conference=conference,
        status=StatementStatus.DELIVERED,
        started_at__isnull=False,
        ended_at__isnull=False,
    )
    if session is not None:
        statements = statements.filter(session=session)
    return statements.select_related(
        "session", f"speaker__{DELEGATION_NAME}", DELEGATION_NAME
    ).order_by("started_at", "id")


def speaking_group(delegation: Delegation | None) -> str:
    if delegation is None:
        return SpeakingGroup.OTHERS
    return SpeakingGroup.STATES if delegation.is_state else SpeakingGroup.ORGANIZATIONS


@dataclass
class Tally:
    """Statements made and seconds spoken by one delegation or one group."""

    key: object
    label: str
    statements: int = 0
    seconds: int = 0

    def add(self, statement: Statement) -> None:
        self.statements += 1
        self.seconds += statement.delivered_seconds or 0

    @property
    def average_seconds(self) -> int:
        return self.seconds // self.statements if self.statements else 0


@dataclass
class SpeakingTime:
    statements: list[Statement]
    by_delegation: list[Tally] = field(default_factory=list)
    by_group: list[Tally] = field(default_factory=list)

    @property
    def total_seconds(self) -> int:
        return sum(t.seconds for t in self.by_group)

    def share(self, tally: Tally) -> float:
        return 100 * tally.seconds / self.total_seconds if self.total_seconds else 0.0


def speaking_time(*, conference: Conference, session: Session | None = None) -> SpeakingTime:
    """Speaking time per delegation (most first) and per group, in one query."""
    statements = list(statements_delivered(conference=conference, session=session))
    delegations: dict[int | None, Tally] = {}
    groups = {value: Tally(value, str(label)) for value, label in SpeakingGroup.choices}
    for statement in statements:
        delegation = statement.delegation
        key = delegation.pk if delegation else None
        if key not in delegations:
            label = delegation.local_name if delegation else str(SpeakingGroup.OTHERS.label)
            delegations[key] = Tally(delegation, label)
        delegations[key].add(statement)
        groups[speaking_group(delegation)].add(statement)
    ordered = sorted(delegations.values(), key=lambda t: (-t.seconds, t.label))
    return SpeakingTime(statements, ordered, [t for t in groups.values() if t.statements])


def sessions_with_record(*, conference: Conference) -> list[tuple[Session, int]]:
    """The conference's sessions that have delivered statements, with how many."""
    counts: dict[int, int] = defaultdict(int)
    for session_id in statements_delivered(conference=conference).values_list(
        "session_id", flat=True
    ):
        counts[session_id] += 1
    sessions = Session.objects.filter(pk__in=counts).order_by("starts_at", "order", "id")
    return [(session, counts[session.pk]) for session in sessions]


def duration_label(seconds: int | None) -> str:
    """“4:05” for a statement, “1:02:30” past the hour; empty while not delivered."""
    if seconds is None:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
