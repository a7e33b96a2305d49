"""“Statements delivered” as a PDF, in English or Russian: each session's statements in the
order made (time, speaker, for whom, how long), then speaking time per group and delegation."""

from __future__ import annotations

from itertools import groupby

from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle
from reportlab.platypus import Paragraph as Para

from conference.models import Conference
from conference.printing.pdf import BOLD, REGULAR, build_document, styles

from .models import Session
from .record import SpeakingTime, duration_label, speaking_time


def session_label(conference: Conference, session: Session) -> str:
    """“16 May 09:00–10:00” in the conference's zone, the month in the active language."""
    start, end = conference.local(session.starts_at), conference.local(session.ends_at)
    return f"{date_format(start, 'j E')} {start:%H:%M}–{end:%H:%M}"


TABLE_STYLE = TableStyle(
    [
        ("FONT", (0, 0), (-1, -1), REGULAR, 8.5),
        ("FONT", (0, 0), (-1, 0), BOLD, 8.5),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#bbbbbb")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (-1, 0), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
)


def _cell() -> ParagraphStyle:
    return ParagraphStyle("cell", parent=styles()["small"], fontSize=8.5, leading=10.5)


def _speaker(statement) -> str:
    speaker = statement.speaker
    if speaker is None:
        return escape(_("Speaker to be confirmed"))
    title = f"<br/><font size=7.5>{escape(speaker.functional_title)}</font>"
    return escape(speaker.display_name) + (title if speaker.functional_title else "")


def _for_whom(statement) -> str:
    text = escape(statement.delegation.local_name) if statement.delegation else "—"
    if statement.on_behalf_of:
        behalf = _("on behalf of %(group)s") % {"group": statement.on_behalf_of}
        text += f"<br/><font size=7.5>{escape(behalf)}</font>"
    if statement.is_right_of_reply:
        text += f"<br/><font size=7.5>{escape(_('Right of reply'))}</font>"
    return text


def _statements_table(conference: Conference, statements: list) -> Table:
    cell = _cell()
    header = ["#", _("Time"), _("Speaker"), _("For"), _("Duration")]
    rows = [
        [
            str(number),
            conference.local(statement.started_at).strftime("%H:%M"),
            Para(_speaker(statement), cell),
            Para(_for_whom(statement), cell),
            duration_label(statement.delivered_seconds),
        ]
        for number, statement in enumerate(statements, start=1)
    ]
    widths = [8 * mm, 14 * mm, 70 * mm, 61 * mm, 17 * mm]
    table = Table([header, *rows], colWidths=widths, repeatRows=1)
    table.setStyle(TABLE_STYLE)
    return table


def _tally_table(record: SpeakingTime, tallies, first: str) -> Table:
    header = [first, _("Statements"), _("Share"), _("Speaking time")]
    rows = [
        [
            Para(escape(t.label), _cell()),
            str(t.statements),
            f"{record.share(t):.1f} %",
            duration_label(t.seconds),
        ]
        for t in tallies
    ]
    table = Table([header, *rows], colWidths=[95 * mm, 25 * mm, 25 * mm, 25 * mm], repeatRows=1)
    table.setStyle(TABLE_STYLE)
    return table


def statements_delivered_pdf(
    *, conference: Conference, session: Session | None = None, language: str
) -> bytes:
    """The record of one session, or of every session of the conference, in ``language``."""
    with translation.override(language):
        style = styles()
        record = speaking_time(conference=conference, session=session)
        title = _("Statements delivered")
        scope = (
            f"{session} · {session_label(conference, session)}" if session else _("All sessions")
        )
        summary = _("%(count)d statements, %(time)s of speaking time.") % {
            "count": len(record.statements),
            "time": duration_label(record.total_seconds),
        }
        story = [
            Para(escape(str(conference.short_title)), style["centred"]),
            Para(escape(title), style["title"]),
            # One session's name heads its table below; the whole record says so here.
            *([] if session else [Para(escape(scope), style["centred"])]),
            Para(escape(summary), style["centred"]),
            Spacer(0, 3 * mm),
        ]
        if not record.statements:
            story.append(Para(escape(_("No statement has been delivered yet.")), style["body"]))
        # Parallel sessions interleave in time: the record goes session by session.
        in_sessions = sorted(
            record.statements, key=lambda s: (s.session.starts_at, s.session_id, s.started_at)
        )
        by_session = groupby(in_sessions, key=lambda s: s.session)
        for one, statements in by_session:
            heading = f"{one} · {session_label(conference, one)}"
            story += [
                KeepTogether([Para(escape(heading), style["heading"]), Spacer(0, 1.5 * mm)]),
                _statements_table(conference, list(statements)),
            ]
        if record.statements:
            story += [
                Para(escape(_("Speaking time per group")), style["heading"]),
                _tally_table(record, record.by_group, _("Group")),
                Para(escape(_("Speaking time per delegation")), style["heading"]),
                _tally_table(record, record.by_delegation, _("Delegation")),
            ]
        return build_document(story, conference=conference, language=language, title=title)
