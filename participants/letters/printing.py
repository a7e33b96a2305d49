"""The printed letters: visa-support letters, certificates of attendance, the list of participants.

Drawing only: who gets what, and the reference numbers, are decided by the selectors and the
services. Every document uses the shared print stack (``conference.printing.pdf``): its font,
its styles and the conference's letterhead.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from conference.models import Conference
from conference.printing.pdf import (
    BOLD,
    PAGE_MARGIN,
    REGULAR,
    build_document,
    draw_letterhead,
    fitted_font_size,
    register_fonts,
    styles,
)
from participants.enums import Gender
from participants.models import Delegation, Participant, VisaLetter


def _day(day: dt.date) -> str:
    return date_format(day, "j E Y")


def _p(text: str, style: str = "body") -> Paragraph:
    return Paragraph(escape(text), styles()[style])


def _stay(participant: Participant) -> tuple[dt.date, dt.date]:
    """The dates of stay: arrival to departure, or the conference's own dates."""
    conference = participant.conference
    arrival = conference.local(participant.arrival_at).date() if participant.arrival_at else None
    departure = (
        conference.local(participant.departure_at).date() if participant.departure_at else None
    )
    return arrival or conference.start_date, departure or conference.end_date


def _signature(conference: Conference) -> list[Flowable]:
    block = [Spacer(1, 14 * mm)]
    if conference.signatory_name:
        block.append(_p(conference.signatory_name, "heading"))
    if conference.signatory_title:
        block.append(_p(conference.signatory_title))
    block.append(_p(conference.title, "small"))
    return [KeepTogether(block)]


def _details_table(rows: list[tuple[str, str]], *, width: float) -> Table:
    body, label = styles()["body"], styles()["small"]
    table = Table(
        [[Paragraph(escape(k), label), Paragraph(escape(v), body)] for k, v in rows],
        colWidths=[width * 0.36, width * 0.64],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


# The width a flowable has: the page less its margins and the frame's own 6 pt padding.
FRAME_W = A4[0] - 2 * PAGE_MARGIN - 12


def _visa_letter_story(letter: VisaLetter, participant: Participant) -> Iterator[Flowable]:
    conference = participant.conference
    identity = participant.identity
    arrival, departure = _stay(participant)
    produced = timezone.localtime(letter.produced_at, conference.tz).date()
    delegation = participant.delegation.local_name if participant.delegation_id else ""
    yield _details_table(
        [(_("Reference"), letter.reference), (_("Date"), _day(produced))], width=FRAME_W * 0.6
    )
    yield Spacer(1, 6 * mm)
    yield _p(_("To: %(consulate)s") % {"consulate": letter.consulate}, "heading")
    yield Spacer(1, 4 * mm)
    yield _p(_("Visa support"), "title")
    yield _p(
        _(
            "The Secretariat of the %(conference)s, to be held in %(city)s from %(start)s to "
            "%(end)s, has the honour to request that an entry visa be issued to the person named "
            "below, who is invited to take part in the conference."
        )
        % {
            "conference": conference.title,
            "city": conference.city,
            "start": _day(conference.start_date),
            "end": _day(conference.end_date),
        }
    )
    expires = _day(identity.passport_expires_on)
    rows = [
        (_("Name as in the passport"), participant.passport_name),
        (_("Date of birth"), _day(identity.date_of_birth) if identity.date_of_birth else "—"),
        (_("Nationality"), str(identity.nationality.name)),
        (_("Passport number"), identity.passport_number),
        (
            _("Passport valid"),
            _("from %(issued)s until %(expires)s")
            % {
                "issued": _day(identity.passport_issued_on),
                "expires": expires,
            }
            if identity.passport_issued_on
            else _("until %(expires)s") % {"expires": expires},
        ),
    ]
    if delegation:
        rows.append((_("Delegation"), delegation))
    if participant.functional_title:
        rows.append((_("Functional title"), participant.functional_title))
    rows += [
        (
            _("Dates of stay"),
            _("from %(arrival)s to %(departure)s")
            % {"arrival": _day(arrival), "departure": _day(departure)},
        ),
        (
            _("Purpose of travel"),
            _("Participation in the %(conference)s") % {"conference": conference.title},
        ),
    ]
    yield _details_table(rows, width=FRAME_W)
    yield Spacer(1, 5 * mm)
    yield _p(
        _(
            "The Secretariat would be grateful for the assistance of the consular section in "
            "issuing the visa in time for the conference, and avails itself of this opportunity "
            "to renew the assurances of its highest consideration."
        )
    )
    yield from _signature(conference)


def visa_letters_pdf(letters: list[VisaLetter], *, conference: Conference) -> bytes:
    """One letter per page (or more), each with the letterhead, in the letter's language.

    A batch in several languages is built in the first letter's; each letter's text is in its
    own, since every flowable is made inside ``translation.override``.
    """

    def story() -> Iterator[Flowable]:
        for index, letter in enumerate(letters):
            if index:
                yield NextPageTemplate("first")
                yield PageBreak()
            with translation.override(letter.language):
                yield from list(_visa_letter_story(letter, letter.participant))

    language = letters[0].language if letters else translation.get_language()
    return build_document(
        story(),
        conference=conference,
        language=language,
        title=_("Visa-support letters") if len(letters) > 1 else letters[0].reference,
        # Each letter is sent on its own: "Page 2" on the second addressee's would mislead.
        page_numbers=False,
    )


# Certificates of attendance ----------------------------------------------------------


CERTIFICATE_PAGE = landscape(A4)


def _took_part(gender: str) -> str:
    # Russian agrees the verb with the person: "принял", "приняла"; "принял(а)" when unknown.
    if gender == Gender.FEMALE:
        return pgettext(
            "certificate, a woman",
            "took part in the %(conference)s, held in %(city)s from %(start)s to %(end)s.",
        )
    if gender == Gender.MALE:
        return pgettext(
            "certificate, a man",
            "took part in the %(conference)s, held in %(city)s from %(start)s to %(end)s.",
        )
    return _("took part in the %(conference)s, held in %(city)s from %(start)s to %(end)s.")


def _centred(canvas: Canvas, text: str, *, font: str, size: float, x, y, width) -> None:
    canvas.setFont(font, fitted_font_size(text, font=font, size=size, width=width))
    canvas.drawCentredString(x, y, text)


def _draw_certificate(canvas: Canvas, participant: Participant, language: str) -> None:
    conference = participant.conference
    width, height = CERTIFICATE_PAGE
    centre = width / 2
    canvas.setStrokeColor(colors.HexColor("#1F3A5F"))
    canvas.setLineWidth(2)
    canvas.rect(6 * mm, 6 * mm, width - 12 * mm, height - 12 * mm)
    canvas.setLineWidth(0.5)
    canvas.rect(8.5 * mm, 8.5 * mm, width - 17 * mm, height - 17 * mm)
    draw_letterhead(canvas, conference, width=width, height=height)
    canvas.setFillColor(colors.HexColor("#1F3A5F"))
    title = _("Certificate of attendance")
    _centred(canvas, title, font=BOLD, size=30, x=centre, y=height - 80 * mm, width=width - 60 * mm)
    canvas.setFillColor(colors.black)
    canvas.setFont(REGULAR, 13)
    canvas.drawCentredString(centre, height - 97 * mm, _("This is to certify that"))
    name = participant.local_display_name
    _centred(canvas, name, font=BOLD, size=26, x=centre, y=height - 113 * mm, width=width - 60 * mm)
    y = height - 123 * mm
    for line in (
        participant.functional_title,
        participant.delegation.local_name if participant.delegation_id else "",
    ):
        if line:
            canvas.setFont(
                REGULAR, fitted_font_size(line, font=REGULAR, size=12, width=width - 60 * mm)
            )
            canvas.drawCentredString(centre, y, line)
            y -= 7 * mm
    y -= 4 * mm
    text = _took_part(participant.gender) % {
        "conference": conference.title,
        "city": conference.city,
        "start": _day(conference.start_date),
        "end": _day(conference.end_date),
    }
    canvas.setFont(REGULAR, 13)
    for line in simpleSplit(text, REGULAR, 13, width - 70 * mm)[:4]:
        canvas.drawCentredString(centre, y, line)
        y -= 6.5 * mm
    # The signature block, bottom right; the place and date, bottom left.
    base = 32 * mm
    right = width - 40 * mm
    canvas.setLineWidth(0.5)
    canvas.line(right - 75 * mm, base + 12 * mm, right, base + 12 * mm)
    canvas.setFont(BOLD, 11)
    canvas.drawRightString(right, base + 6 * mm, conference.signatory_name)
    canvas.setFont(REGULAR, 9.5)
    canvas.drawRightString(right, base + 1 * mm, conference.signatory_title)
    canvas.setFont(REGULAR, 10)
    canvas.drawString(40 * mm, base + 6 * mm, f"{conference.city}, {_day(conference.end_date)}")


def certificates_pdf(
    participants: Iterable[Participant],
    *,
    conference: Conference,
    language: str | None = None,
    output: io.BytesIO | None = None,
) -> bytes:
    """One landscape page per participant, each in ``language`` or the participant's own."""
    register_fonts()
    output = output or io.BytesIO()
    canvas = Canvas(output, pagesize=CERTIFICATE_PAGE, pageCompression=1)
    canvas.setTitle(_("Certificates of attendance"))
    canvas.setAuthor(conference.title)
    for participant in participants:
        chosen = language or participant.preferred_language
        with translation.override(chosen):
            _draw_certificate(canvas, participant, chosen)
        canvas.showPage()
    canvas.save()
    return output.getvalue()


# The list of participants ------------------------------------------------------------


def _list_story(
    delegations: list[Delegation], *, conference: Conference, final: bool
) -> Iterator[Flowable]:
    yield _p(_("List of participants"), "title")
    edition = _("Final list") if final else _("Provisional list")
    yield _p(f"{edition} · {_day(timezone.localdate(timezone=conference.tz))}", "centred")
    yield _p(
        _("Delegations in the order of protocol precedence; only those who agreed to be listed."),
        "small",
    )
    body, small = styles()["body"], styles()["small"]
    for delegation in delegations:
        rows = [
            [
                Paragraph(escape(person.local_display_name), body),
                Paragraph(escape(person.functional_title), small),
            ]
            for person in delegation.listed
        ]
        table = Table(rows, colWidths=[FRAME_W * 0.45, FRAME_W * 0.55], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ]
            )
        )
        yield CondPageBreak(25 * mm)
        yield _p(delegation.local_name, "heading")
        yield table


def participant_list_pdf(
    delegations: list[Delegation], *, conference: Conference, final: bool, language: str
) -> bytes:
    def story() -> Iterator[Flowable]:
        yield from _list_story(delegations, conference=conference, final=final)

    with translation.override(language):
        title = _("List of participants")
    return build_document(story(), conference=conference, language=language, title=title)
