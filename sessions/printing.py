"""The seating plan as a PDF: the room drawn from above with a box per delegation place,
then the places listed in order, and the delegations left without a place, if any.

Rows face the podium, place 1 at the left of the front row. A horseshoe opens towards the
podium: places run down its left arm from the podium end, along the bottom and back up the
right arm, so place 1 is the left arm's end nearest the podium.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer, Table, TableStyle
from reportlab.platypus import Paragraph as Para

from conference.printing.pdf import BOLD, REGULAR, build_document, fitted_lines, styles

from .enums import SeatingLayout
from .selectors import Seating

GAP = 1.5 * mm
PODIUM_H = 9 * mm
PODIUM_GAP = 7 * mm
MAX_BOX_H = 15 * mm
ARM_W = 58 * mm
BOTTOM_MIN_W = 24 * mm
NUMBER_W = 4 * mm
LIST_COLUMNS = 3


@dataclass(frozen=True)
class Box:
    number: int
    x: float
    y: float
    w: float
    h: float


def _rows_boxes(count: int, per_row: int, width: float, height: float) -> list[Box]:
    rows = math.ceil(count / per_row)
    box_w = (width - (per_row - 1) * GAP) / per_row
    box_h = min(MAX_BOX_H, (height - (rows - 1) * GAP) / rows)
    boxes = []
    for index in range(count):
        row, column = divmod(index, per_row)
        in_row = min(per_row, count - row * per_row)
        # A short last row is centred under the others.
        offset = (per_row - in_row) * (box_w + GAP) / 2
        x = offset + column * (box_w + GAP)
        y = height - (row + 1) * box_h - row * GAP
        boxes.append(Box(index + 1, x, y, box_w, box_h))
    return boxes


def _horseshoe_boxes(count: int, width: float, height: float) -> list[Box]:
    arm_w = min(ARM_W, width / 4)
    bottom_h = MAX_BOX_H * 0.8
    span = width - 2 * (arm_w + GAP)
    # The bottom takes its share of the U's length, in boxes no narrower than BOTTOM_MIN_W.
    perimeter = span + 2 * (height - bottom_h)
    bottom = round(count * span / perimeter) if count > 2 else 0
    bottom = max(min(bottom, int((span + GAP) // (BOTTOM_MIN_W + GAP)), count - 2), 0)
    left = (count - bottom + 1) // 2
    right = count - bottom - left
    arm = max(left, right, 1)
    arm_height = height - (bottom_h + GAP if bottom else 0)
    box_h = min(MAX_BOX_H, (arm_height - (arm - 1) * GAP) / arm)
    boxes: list[Box] = []
    number = 1
    for i in range(left):
        boxes.append(Box(number, 0, height - (i + 1) * box_h - i * GAP, arm_w, box_h))
        number += 1
    if bottom:
        bottom_w = (span - (bottom - 1) * GAP) / bottom
        bottom_y = height - arm * (box_h + GAP) - bottom_h
        for i in range(bottom):
            x = arm_w + GAP + i * (bottom_w + GAP)
            boxes.append(Box(number, x, bottom_y, bottom_w, bottom_h))
            number += 1
    for i in reversed(range(right)):
        y = height - (i + 1) * box_h - i * GAP
        boxes.append(Box(number, width - arm_w, y, arm_w, box_h))
        number += 1
    return boxes


class SeatingDrawing(Flowable):
    """The podium and one box per place, filling the width and the height it is given."""

    def __init__(self, seating: Seating):
        super().__init__()
        self.seating = seating

    def wrap(self, available_width, available_height):
        self.width, self.height = available_width, available_height
        return self.width, self.height

    def draw(self):
        canvas, plan = self.canv, self.seating.plan
        podium_w = self.width * 0.35
        canvas.setStrokeColor(colors.black)
        canvas.setFillColor(colors.HexColor("#e8e8e8"))
        canvas.rect((self.width - podium_w) / 2, self.height - PODIUM_H, podium_w, PODIUM_H, fill=1)
        canvas.setFillColor(colors.black)
        canvas.setFont(BOLD, 9)
        canvas.drawCentredString(self.width / 2, self.height - PODIUM_H + 3.2 * mm, _("Podium"))
        area = self.height - PODIUM_H - PODIUM_GAP
        if plan.layout == SeatingLayout.HORSESHOE:
            boxes = _horseshoe_boxes(plan.places, self.width, area)
        else:
            boxes = _rows_boxes(plan.places, plan.places_per_row, self.width, area)
        by_number = {place.number: place.delegation for place in self.seating.places}
        for box in boxes:
            self._draw_box(box, by_number.get(box.number))

    def _draw_box(self, box: Box, delegation) -> None:
        canvas = self.canv
        canvas.setLineWidth(0.6)
        if delegation is None:
            canvas.setDash(1.5, 1.5)
            canvas.setStrokeColor(colors.grey)
        else:
            canvas.setStrokeColor(colors.black)
        shaded = delegation is not None and delegation.pk in self.seating.front
        canvas.setFillColor(colors.HexColor("#dde7f3") if shaded else colors.white)
        canvas.rect(box.x, box.y, box.w, box.h, fill=1)
        canvas.setDash()
        canvas.setFillColor(colors.grey)
        canvas.setFont(REGULAR, 5.5)
        canvas.drawString(box.x + 0.8 * mm, box.y + box.h - 2.4 * mm, str(box.number))
        if delegation is None:
            return
        # The number sits in the box's left margin; the name is centred in the rest.
        name_x, name_w = box.x + NUMBER_W, box.w - NUMBER_W - 1 * mm
        lines, size = fitted_lines(
            delegation.local_name,
            font=BOLD,
            size=8,
            width=name_w,
            height=box.h - 1 * mm,
            smallest=3.5,
            max_lines=4,
            one_line_at_least=6,
        )
        canvas.setFillColor(colors.black)
        canvas.setFont(BOLD, size)
        leading = size * 1.15
        y = box.y + box.h / 2 + (len(lines) - 1) * leading / 2 - size * 0.35
        for line in lines:
            canvas.drawCentredString(name_x + name_w / 2, y, line)
            y -= leading


def _places_table(seating: Seating) -> Table:
    """The places in order, in LIST_COLUMNS columns of (place, delegation)."""
    cell = ParagraphStyle("cell", parent=styles()["small"], fontSize=8, leading=9.5, spaceAfter=0)
    cells = [(str(p.number), Para(escape(p.delegation.local_name), cell)) for p in seating.places]
    per_column = math.ceil(len(cells) / LIST_COLUMNS) or 1
    rows = []
    for r in range(per_column):
        row: list = []
        for c in range(LIST_COLUMNS):
            index = c * per_column + r
            row += list(cells[index]) if index < len(cells) else ["", ""]
        rows.append(row)
    header = [_("Place"), _("Delegation")] * LIST_COLUMNS
    widths = [12 * mm, 73 * mm] * LIST_COLUMNS
    table = Table([header, *rows], colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), REGULAR, 8),
                ("FONT", (0, 0), (-1, 0), BOLD, 8),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                ("ALIGN", (0, 0), (0, -1), "RIGHT"),
                ("ALIGN", (2, 0), (2, -1), "RIGHT"),
                ("ALIGN", (4, 0), (4, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def unseated_message(seating: Seating) -> str:
    count = len(seating.unseated)
    return ngettext(
        "%(count)d delegation has no place: the plan has %(places)d places.",
        "%(count)d delegations have no place: the plan has %(places)d places.",
        count,
    ) % {"count": count, "places": seating.plan.places}


def seating_pdf(*, seating: Seating, language: str) -> bytes:
    """The plan of ``seating`` in ``language``."""
    plan = seating.plan
    with translation.override(language):
        style = styles()
        title = _("Seating plan — %(room)s") % {"room": plan.room}
        summary = _(
            "%(layout)s · %(places)d places of %(seats)d seats · %(seated)d delegations seated; "
            "host and chair shaded, then protocol order."
        ) % {
            "layout": plan.get_layout_display(),
            "places": plan.places,
            "seats": plan.seats_per_delegation,
            "seated": len(seating.places),
        }
        story = [
            Para(escape(str(plan.conference.short_title)), style["centred"]),
            Para(escape(title), style["title"]),
            Para(escape(summary), style["centred"]),
            *(
                [Para(f"<b>{escape(unseated_message(seating))}</b>", style["centred"])]
                if seating.unseated
                else []
            ),
            Spacer(0, 3 * mm),
            SeatingDrawing(seating),
            PageBreak(),
            Para(escape(_("Places in order")), style["heading"]),
            Spacer(0, 2 * mm),
            _places_table(seating),
        ]
        if seating.unseated:
            story += [
                Spacer(0, 4 * mm),
                Para(f"<b>{escape(unseated_message(seating))}</b>", style["body"]),
                Para(escape(", ".join(d.local_name for d in seating.unseated)), style["body"]),
            ]
        return build_document(
            story,
            conference=plan.conference,
            language=language,
            title=title,
            # A working drawing for the protocol team: the room needs the page's height.
            letterhead=False,
            pagesize=landscape(A4),
        )
