"""Nameplates (tent cards) for the plenary: one A4 landscape sheet per delegation, folded.

The sheet is folded along its middle into a tent. The lower half faces one way and the upper
half, drawn upside down, faces the other, so the name reads on both sides of the fold. With
two working languages the name is in the first on the lower half and in the second on the
upper half (English to the room, Russian to the podium, say); with one, both halves match.
The name is the UN short name of the country (``conference.countries``) or the
organization's name, in the largest type that fits on at most three lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

from django.utils import translation
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from conference.languages import working_language_codes
from conference.models import Conference
from conference.printing.pdf import BOLD, REGULAR, fitted_lines, register_fonts
from participants.models import Delegation

PAGE_W, PAGE_H = landscape(A4)
HALF_H = PAGE_H / 2
SIDE_MARGIN = 14 * mm
NAME_W = PAGE_W - 2 * SIDE_MARGIN
# The name's block stays clear of the fold and of the footer line.
NAME_H = HALF_H - 30 * mm
LARGEST, SMALLEST = 110, 28
# A name that fits on one line at this size stays on one line; a longer one takes two.
ONE_LINE_AT_LEAST = 64
FOOTER_SIZE = 8


@dataclass(frozen=True)
class Plate:
    """The two faces of one tent card, read from the database before drawing."""

    faces: tuple[str, str]
    footer: str


def plate_name(delegation: Delegation) -> str:
    """The name on the plate in the active language: a country's UN short name, an
    organization's full name (its acronym is what the badge carries)."""
    if delegation.organization_id:
        return delegation.organization.name or delegation.local_name
    return delegation.local_name


def plates_for(*, conference: Conference, delegations: Iterable[Delegation]) -> list[Plate]:
    languages = working_language_codes(conference.working_languages)
    first, second = languages[0], languages[1 if len(languages) > 1 else 0]
    plates = []
    for delegation in delegations:
        faces = []
        for language in (first, second):
            with translation.override(language):
                faces.append(plate_name(delegation))
        plates.append(Plate(faces=(faces[0], faces[1]), footer=conference.short_title))
    return plates


def name_lines(name: str) -> tuple[list[str], float]:
    """The name's lines and the one type size they are all set in."""
    return fitted_lines(
        name,
        font=BOLD,
        size=LARGEST,
        width=NAME_W,
        smallest=SMALLEST,
        height=NAME_H,
        max_lines=3,
        one_line_at_least=ONE_LINE_AT_LEAST,
        wrapped_size=LARGEST * 0.8,
    )


def _draw_face(canvas: Canvas, name: str, footer: str) -> None:
    """One half, drawn upright in the lower half of the page."""
    lines, size = name_lines(name)
    leading = size * 1.12
    # Centred in the half, a little below the middle: the fold hides nothing, the table edge may.
    block = leading * (len(lines) - 1) + size * 0.72
    y = HALF_H / 2 + block / 2 - size * 0.72 + 4 * mm
    canvas.setFillColor(colors.black)
    canvas.setFont(BOLD, size)
    for line in lines:
        canvas.drawCentredString(PAGE_W / 2, y, line)
        y -= leading
    canvas.setFont(REGULAR, FOOTER_SIZE)
    canvas.setFillColor(colors.grey)
    canvas.drawCentredString(PAGE_W / 2, 8 * mm, footer)


def _draw_plate(canvas: Canvas, plate: Plate) -> None:
    _draw_face(canvas, plate.faces[0], plate.footer)
    canvas.saveState()
    # The upper half upside down: turned half a turn about the page's centre.
    canvas.translate(PAGE_W, PAGE_H)
    canvas.rotate(180)
    _draw_face(canvas, plate.faces[1], plate.footer)
    canvas.restoreState()
    # The fold, as a light dashed line that does not show once folded.
    canvas.setStrokeColor(colors.lightgrey)
    canvas.setLineWidth(0.4)
    canvas.setDash(2 * mm, 2 * mm)
    canvas.line(5 * mm, HALF_H, PAGE_W - 5 * mm, HALF_H)
    canvas.setDash()


def render_nameplates(plates: Iterable[Plate], *, title: str, output: BinaryIO) -> int:
    """Write one page per plate to ``output``; returns the number of plates."""
    register_fonts()
    canvas = Canvas(output, pagesize=(PAGE_W, PAGE_H), pageCompression=1)
    canvas.setTitle(title)
    count = 0
    for plate in plates:
        _draw_plate(canvas, plate)
        canvas.showPage()
        count += 1
    canvas.save()
    return count
