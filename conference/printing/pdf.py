"""Fonts, paragraph styles, the letterhead and the PDF response shared by every printed document."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from functools import cache
from itertools import combinations, pairwise
from pathlib import Path

from django.http import FileResponse
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from conference.models import Conference

FONTS = Path(__file__).parent / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
PAGE_MARGIN = 20 * mm
LETTERHEAD_H = 38 * mm
LOGO_H = 22 * mm


def register_fonts() -> None:
    if REGULAR not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(REGULAR, FONTS / "DejaVuSans.ttf"))
        pdfmetrics.registerFont(TTFont(BOLD, FONTS / "DejaVuSans-Bold.ttf"))
        pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD)


@cache
def styles() -> dict[str, ParagraphStyle]:
    """Body, heading and small styles in the shared font; reportlab's defaults have no Cyrillic."""
    register_fonts()
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=10.5, leading=14, spaceAfter=6)
    return {
        "body": body,
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontName=BOLD,
            fontSize=15,
            leading=19,
            alignment=TA_CENTER,
            spaceAfter=10,
        ),
        "heading": ParagraphStyle(
            "heading", parent=body, fontName=BOLD, fontSize=12, leading=15, spaceBefore=8
        ),
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=11),
        "centred": ParagraphStyle("centred", parent=body, alignment=TA_CENTER),
    }


def fitted_font_size(
    text: str, *, font: str, size: float, width: float, smallest: float = 4
) -> float:
    """The largest size up to ``size`` at which ``text`` fits in ``width``."""
    register_fonts()
    while size > smallest and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.25
    return size


def draw_letterhead(canvas: Canvas, conference: Conference, *, width: float, height: float) -> None:
    """The conference's logo, title and address across the top of a page, in the active language."""
    register_fonts()
    top = height - PAGE_MARGIN + 8 * mm
    text_x = PAGE_MARGIN
    if conference.letterhead_logo:
        try:
            with conference.letterhead_logo.open("rb") as logo:
                image = ImageReader(io.BytesIO(logo.read()))
        except OSError:
            image = None  # a missing logo file must not stop the letters going out
        if image is not None:
            logo_w, logo_h = image.getSize()
            drawn_w = LOGO_H * logo_w / logo_h
            canvas.drawImage(image, PAGE_MARGIN, top - LOGO_H, drawn_w, LOGO_H, mask="auto")
            text_x = PAGE_MARGIN + drawn_w + 5 * mm
    canvas.setFillColor(colors.black)
    # A long title wraps onto up to three lines rather than shrinking past reading size.
    title_lines = simpleSplit(conference.title, BOLD, 9.5, width - text_x - PAGE_MARGIN)[:3]
    y = top - 4 * mm
    canvas.setFont(BOLD, 9.5)
    for line in title_lines:
        canvas.drawString(text_x, y, line)
        y -= 4.5 * mm
    canvas.setFont(REGULAR, 8.5)
    lines = [line.strip() for line in (conference.letterhead_address or "").splitlines()]
    for line in [line for line in lines if line][:3]:
        canvas.drawString(text_x, y, line)
        y -= 4 * mm
    canvas.setStrokeColor(colors.grey)
    canvas.setLineWidth(0.5)
    rule_y = height - PAGE_MARGIN - LETTERHEAD_H + 10 * mm
    canvas.line(PAGE_MARGIN, rule_y, width - PAGE_MARGIN, rule_y)


def _page_number(canvas: Canvas, document: BaseDocTemplate) -> None:
    canvas.setFont(REGULAR, 8)
    canvas.drawRightString(
        document.pagesize[0] - PAGE_MARGIN,
        10 * mm,
        _("Page %(number)d") % {"number": canvas.getPageNumber()},
    )


def build_document(
    story: Iterable[Flowable],
    *,
    conference: Conference,
    language: str,
    title: str,
    letterhead: bool = True,
    pagesize: tuple[float, float] = A4,
    on_page: Callable[[Canvas, BaseDocTemplate], None] | None = None,
    page_numbers: bool = True,
) -> bytes:
    """A flowing A4 document: letterhead on the first page, page numbers on every page.

    ``page_numbers=False`` for a batch of separate letters, whose numbers would run on.

    ``story`` is built lazily inside the language, so labels drawn by flowables are in it too.
    """
    register_fonts()
    width, height = pagesize
    output = io.BytesIO()
    with translation.override(language):
        document = BaseDocTemplate(
            output,
            pagesize=pagesize,
            title=title,
            author=conference.title,
            lang=language,
            leftMargin=PAGE_MARGIN,
            rightMargin=PAGE_MARGIN,
            topMargin=PAGE_MARGIN,
            bottomMargin=PAGE_MARGIN,
        )
        frame_w = width - 2 * PAGE_MARGIN
        first_top = LETTERHEAD_H if letterhead else 0
        first = Frame(
            PAGE_MARGIN, PAGE_MARGIN, frame_w, height - 2 * PAGE_MARGIN - first_top, id="first"
        )
        later = Frame(PAGE_MARGIN, PAGE_MARGIN, frame_w, height - 2 * PAGE_MARGIN, id="later")

        def page_furniture(canvas: Canvas, doc: BaseDocTemplate) -> None:
            if page_numbers:
                _page_number(canvas, doc)
            if on_page is not None:
                on_page(canvas, doc)

        def first_page(canvas: Canvas, doc: BaseDocTemplate) -> None:
            if letterhead:
                draw_letterhead(canvas, conference, width=width, height=height)
            page_furniture(canvas, doc)

        document.addPageTemplates(
            [
                PageTemplate(
                    id="first", frames=[first], onPage=first_page, autoNextPageTemplate="later"
                ),
                PageTemplate(id="later", frames=[later], onPage=page_furniture),
            ]
        )
        document.build(list(story))
    return output.getvalue()


def pdf_response(data: bytes | io.BytesIO, *, filename: str) -> FileResponse:
    """A download that no shared cache keeps: documents may name people."""
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    stream.seek(0)
    response = FileResponse(stream, content_type="application/pdf", filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


DASHES = frozenset({"—", "–", "-"})


def _balanced(words: list[str], count: int, font: str) -> list[str]:
    """``words`` on ``count`` lines of the most even width; no line starts or ends with a dash."""
    allowed = [
        at for at in range(1, len(words)) if words[at] not in DASHES and words[at - 1] not in DASHES
    ]
    best: tuple[float, list[str]] | None = None
    for breaks in combinations(allowed, count - 1):
        bounds = [0, *breaks, len(words)]
        lines = [" ".join(words[a:b]) for a, b in pairwise(bounds)]
        widest = max(pdfmetrics.stringWidth(line, font, 10) for line in lines)
        if best is None or widest < best[0]:
            best = (widest, lines)
    return best[1] if best else [" ".join(words)]


def fitted_lines(
    text: str,
    *,
    font: str,
    size: float,
    width: float,
    smallest: float = 4,
    height: float | None = None,
    max_lines: int = 2,
    one_line_at_least: float = 0,
    wrapped_size: float | None = None,
    leading: float = 1.15,
) -> tuple[list[str], float]:
    """``text`` on up to ``max_lines`` lines of even width in the largest type that fits
    ``width`` (and ``height``, if given); returns the lines and the size they share.

    One line is kept while it can be set at ``one_line_at_least`` or larger; wrapped lines
    are set at ``wrapped_size`` at most (``size`` by default).
    """
    words = text.split()
    best: tuple[float, list[str], float] | None = None
    for count in range(1, min(max_lines, len(words)) + 1):
        lines = [text] if count == 1 else _balanced(words, count, font)
        largest = size if count == 1 else (wrapped_size or size)
        if height is not None:
            largest = min(largest, height / (count * leading))
        fitted = min(
            fitted_font_size(line, font=font, size=largest, width=width, smallest=smallest)
            for line in lines
        )
        if count == 1 and fitted >= one_line_at_least:
            return lines, fitted
        # At the smallest size a line may still overflow: count its overflow against it.
        widest = max(pdfmetrics.stringWidth(line, font, fitted) for line in lines)
        score = fitted * min(1, width / widest) if widest else fitted
        if best is None or score > best[0] + 0.01:
            best = (score, lines, fitted)
    return (best[1], best[2]) if best else ([text], size)
