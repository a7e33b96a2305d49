"""Exports of the programme: the agenda and the speakers' lists."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from conference.csvio.base import Export
from conference.csvio.registry import register

from .enums import SpeakingGroup, StatementStatus
from .models import Session, Statement
from .record import speaking_group


def speaker_label(statement: Statement) -> str:
    delegation = f" ({statement.delegation.name})" if statement.delegation else ""
    speaker = statement.speaker
    name = speaker.display_name if speaker else str(_("Speaker to be confirmed"))
    return f"{name}{delegation}"


@register
class Agenda(Export):
    identifier = "agenda"
    label = _("Agenda")
    description = _("Sessions in local time with room, chair and speakers in speaking order.")
    model = Session
    permissions = ("agenda.view_session",)
    columns = (
        ("date", lambda s: s.conference.local(s.starts_at).date()),
        "starts_at",
        "ends_at",
        "title",
        "kind",
        ("room", "room.name"),
        ("chair", "chair.display_name"),
        ("speakers", lambda s: "; ".join(speaker_label(st) for st in s.statements.all())),
        ("public", "is_public"),
    )

    def prepare(self, queryset: QuerySet) -> QuerySet:
        return (
            queryset.with_speakers()
            .select_related("conference")
            .order_by("starts_at", "order", "id")
        )


@register
class SpeakersList(Export):
    identifier = "speakers"
    label = _("Speakers' list per session")
    description = _("Every inscribed statement, session by session, in speaking order.")
    model = Statement
    permissions = ("agenda.view_statement",)
    conference_path = "session__conference"
    filters = {"session": "session_id", "status": "status"}
    columns = (
        ("session", "session.title"),
        ("session_starts_at", "session.starts_at"),
        ("position", "order"),
        ("speaker", "speaker.display_name"),
        ("functional_title", "speaker.functional_title"),
        ("delegation", "delegation.name"),
        "on_behalf_of",
        "mode",
        "allotted_minutes",
        "status",
        ("right_of_reply", "is_right_of_reply"),
        "title",
        "inscribed_at",
    )

    def prepare(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("session", "speaker", "delegation").order_by(
            "session__starts_at", "session__order", "session_id", "order", "inscribed_at", "id"
        )


@register
class StatementsDelivered(Export):
    """The record of the floor: who spoke, for whom, when and how long (issue 22)."""

    identifier = "statements-delivered"
    label = _("Statements delivered")
    description = _(
        "Every statement made, in the order made: speaker, delegation, start and end in "
        "local time, paused and spoken seconds."
    )
    model = Statement
    permissions = ("agenda.view_statement",)
    conference_path = "session__conference"
    filters = {"session": "session_id"}
    columns = (
        ("session", "session.title"),
        "started_at",
        "ended_at",
        ("speaker", "speaker.display_name"),
        ("functional_title", "speaker.functional_title"),
        ("delegation", "delegation.name"),
        ("group", lambda s: SpeakingGroup(speaking_group(s.delegation)).label),
        "on_behalf_of",
        ("right_of_reply", "is_right_of_reply"),
        "allotted_minutes",
        "paused_seconds",
        ("spoken_seconds", "delivered_seconds"),
    )

    def base_queryset(self) -> QuerySet:
        return Statement.objects.filter(
            status=StatementStatus.DELIVERED, started_at__isnull=False, ended_at__isnull=False
        )

    def prepare(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("session", "speaker", "delegation").order_by(
            "started_at", "id"
        )
