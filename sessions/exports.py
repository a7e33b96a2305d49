"""Exports of the programme: the agenda and the speakers' lists."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from conference.csvio.base import Export, Labels
from conference.csvio.registry import register

from .models import Session, Statement


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
    header = (
        "date",
        "starts_at",
        "ends_at",
        "title",
        "kind",
        "room",
        "chair",
        "speakers",
        "public",
    )

    def prepare(self, queryset: QuerySet) -> QuerySet:
        return (
            queryset.with_speakers()
            .select_related("conference")
            .order_by("starts_at", "order", "id")
        )

    def rows(self, objects):
        label = Labels(self.model)
        for s in objects:
            yield (
                s.conference.local(s.starts_at).date(),
                s.starts_at,
                s.ends_at,
                s.title,
                label(s, "kind"),
                s.room.name if s.room else "",
                s.chair.display_name if s.chair else "",
                "; ".join(speaker_label(statement) for statement in s.statements.all()),
                s.is_public,
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
    header = (
        "session",
        "session_starts_at",
        "position",
        "speaker",
        "functional_title",
        "delegation",
        "on_behalf_of",
        "mode",
        "allotted_minutes",
        "status",
        "right_of_reply",
        "title",
        "inscribed_at",
    )

    def prepare(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("session", "speaker", "delegation").order_by(
            "session__starts_at", "session__order", "session_id", "order", "inscribed_at", "id"
        )

    def rows(self, objects):
        label = Labels(self.model)
        for st in objects:
            yield (
                st.session.title,
                st.session.starts_at,
                st.order,
                st.speaker.display_name if st.speaker else "",
                st.speaker.functional_title if st.speaker else "",
                st.delegation.name if st.delegation else "",
                st.on_behalf_of,
                label(st, "mode"),
                st.allotted_minutes,
                label(st, "status"),
                st.is_right_of_reply,
                st.title,
                st.inscribed_at,
            )
