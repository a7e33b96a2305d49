"""Printable badges: one PDF of cards, each with the photo, the name, the category and a QR code.

ReportLab draws the cards and zxing-cpp (a wheel, no system package) encodes the QR code. The
font is the shared DejaVu Sans of ``conference.printing``, because the names and the Russian
labels need Cyrillic.

A batch of several hundred cards opens one photo at a time, so memory stays flat with the
batch size. Where the time went (cProfile, 431 photo badges): a third in ReportLab's
pure-Python ASCII85 encoding of every image, a third in segno's pure-Python QR encoder (all
eight masks scored), the rest decoding, scaling and re-compressing each photo. So: streams
are written binary (no ASCII85); the QR is encoded by zxing-cpp (C++); each photo is decoded
and scaled once, to a JPEG at its printed size kept beside it (``IdentityDocument.
badge_photo``) that the PDF embeds as it is; and what every card of a category shares (band,
labels, zones, the conference's name) is drawn once per batch as a form the cards reuse.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

import zxingcpp
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from conference.enums import BadgeFormat
from conference.models import Conference
from conference.printing.pdf import BOLD, REGULAR, fitted_font_size, register_fonts
from participants.badging.selectors import badge_token
from participants.models import IdentityDocument, IssuedBadge
from participants.transliteration import has_cyrillic
from participants.uploads import badge_photo_name, is_badge_photo_of

# Binary streams: ReportLab's ASCII85 fallback is pure Python and took a third of the time.
rl_config.useA85 = 0

# The design is drawn on a CR80 card standing upright; an A6 sheet scales it up.
CARD_W, CARD_H = 54 * mm, 86 * mm
SIZES = {BadgeFormat.CR80: (CARD_W, CARD_H), BadgeFormat.A6: A6}
# Photo box (3:4) and the QR code, in card units.
PHOTO_W, PHOTO_H = 21 * mm, 28 * mm
QR_SIDE = 24 * mm
# Photos are resampled to 300 dpi at their printed size: sharp, and a few kilobytes each.
PHOTO_PIXELS = (round(PHOTO_W / mm / 25.4 * 300), round(PHOTO_H / mm / 25.4 * 300))
BAND_H = 14 * mm
MARGIN = 3 * mm
# Sheets: cards on A4 with room between them for the crop marks.
SHEET_MARGIN, SHEET_GAP, MARK_LENGTH, MARK_OFFSET = 10 * mm, 8 * mm, 3 * mm, 1 * mm


class Layout:
    CARDS = "cards"  # one card per page, the page the size of the card
    SHEETS = "sheets"  # A4 pages with as many cards as fit and crop marks


def card_size(conference: Conference) -> tuple[float, float]:
    return SIZES[BadgeFormat(conference.badge_format)]


@dataclass(frozen=True)
class Card:
    """What one card shows, read from the database before drawing."""

    name: str
    name_cyrillic: str
    title: str
    delegation: str
    category_label_en: str
    category_label_ru: str
    colour: str
    zones: tuple[str, ...]
    number: str
    token: str
    photo: IdentityDocument | None
    conference: str

    @classmethod
    def of(cls, badge: IssuedBadge, zones: dict[int, tuple[str, ...]]) -> Card:
        participant = badge.participant
        category = participant.badge_category
        identity = getattr(participant, "identity", None)
        photo = identity.photo if identity is not None and identity.photo else None
        return cls(
            name=_latin_name(participant),
            name_cyrillic=participant.cyrillic_name,
            title=participant.functional_title,
            delegation=_delegation_label(participant),
            category_label_en=(category.label_en or category.name) if category else "",
            category_label_ru=category.label_ru if category else "",
            colour=category.colour if category else "#777777",
            zones=zones.get(category.pk, ()) if category else (),
            number=badge.printed_number,
            token=badge_token(badge=badge),
            photo=identity if photo else None,
            conference=badge.conference.short_title,
        )


def _latin_name(participant) -> str:
    """The Latin line: the names as entered, or for names entered in Cyrillic the name as in
    the passport where it is on file, else their passport-style transliteration."""
    passport = participant.passport_name.strip()
    if has_cyrillic(participant.full_name) and passport and not has_cyrillic(passport):
        return f"{participant.honorific} {passport}".strip()
    return participant.badge_name


def _delegation_label(participant) -> str:
    delegation = participant.delegation
    if delegation is None:
        return ""
    if delegation.organization_id:
        return delegation.organization.name
    return str(delegation.country.name)


def _zone_codes(badges: list[IssuedBadge]) -> dict[int, tuple[str, ...]]:
    """Zone codes of every category in the batch, in one query."""
    from participants.models import BadgeCategory

    ids = {b.participant.badge_category_id for b in badges if b.participant.badge_category_id}
    categories = BadgeCategory.objects.filter(pk__in=ids).prefetch_related("zones")
    return {c.pk: tuple(sorted(z.code for z in c.zones.all())) for c in categories}


def render_badges(
    badges: Iterable[IssuedBadge], *, conference: Conference, layout: str, output: BinaryIO
) -> int:
    """Write the PDF of ``badges`` (in the order given) to ``output``; returns the card count."""
    register_fonts()
    badges = list(badges)
    zones = _zone_codes(badges)
    width, height = card_size(conference)
    page = (width, height) if layout == Layout.CARDS else A4
    canvas = Canvas(output, pagesize=page, pageCompression=1)
    canvas.setTitle(_("Badges: %(conference)s") % {"conference": conference.short_title})
    canvas.setAuthor("Plenary")
    slots = _sheet_slots(width, height) if layout == Layout.SHEETS else [(0.0, 0.0)]
    made: list[str] = []
    # The print-size copies made on the way are recorded in one transaction, not one commit
    # each (500 commits cost SQLite seconds); if the batch fails, the copies made go too.
    try:
        with transaction.atomic():
            for index, badge in enumerate(badges):
                slot = index % len(slots)
                if index and slot == 0:
                    canvas.showPage()
                x, y = slots[slot]
                if layout == Layout.SHEETS:
                    _crop_marks(canvas, x, y, width, height)
                canvas.saveState()
                canvas.translate(x, y)
                _draw_card(canvas, Card.of(badge, zones), width, height, made)
                canvas.restoreState()
    except BaseException:
        for name in made:
            default_storage.delete(name)
        raise
    if not badges:
        canvas.drawString(MARGIN, MARGIN, _("No badges to print."))
    canvas.showPage()
    canvas.save()
    return len(badges)


def _sheet_slots(width: float, height: float) -> list[tuple[float, float]]:
    """Lower-left corners of the cards on an A4 page, centred, top row first."""
    page_w, page_h = A4
    columns = max(1, int((page_w - 2 * SHEET_MARGIN + SHEET_GAP) // (width + SHEET_GAP)))
    rows = max(1, int((page_h - 2 * SHEET_MARGIN + SHEET_GAP) // (height + SHEET_GAP)))
    left = (page_w - columns * width - (columns - 1) * SHEET_GAP) / 2
    bottom = (page_h - rows * height - (rows - 1) * SHEET_GAP) / 2
    return [
        (left + column * (width + SHEET_GAP), bottom + row * (height + SHEET_GAP))
        for row in reversed(range(rows))
        for column in range(columns)
    ]


def _crop_marks(canvas: Canvas, x: float, y: float, width: float, height: float) -> None:
    canvas.saveState()
    canvas.setLineWidth(0.25)
    canvas.setStrokeColor(colors.black)
    for cx, dx in ((x, -1), (x + width, 1)):
        for cy, dy in ((y, -1), (y + height, 1)):
            start, end = MARK_OFFSET, MARK_OFFSET + MARK_LENGTH
            canvas.line(cx + dx * start, cy, cx + dx * end, cy)
            canvas.line(cx, cy + dy * start, cx, cy + dy * end)
    canvas.restoreState()


def _template_name(canvas: Canvas, card: Card, width: float, height: float) -> str:
    """The form of what every card of ``card``'s category shares, drawn once per batch."""
    key = (card.colour, card.category_label_en, card.category_label_ru, card.zones)
    forms = canvas.__dict__.setdefault("_badge_templates", {})
    if key not in forms:
        forms[key] = name = f"badge-template-{len(forms)}"
        canvas.beginForm(name, lowerx=0, lowery=0, upperx=width, uppery=height)
        _draw_template(canvas, card, width, height)
        canvas.endForm()
    return forms[key]


def _draw_template(canvas: Canvas, card: Card, width: float, height: float) -> None:
    band = colors.HexColor(card.colour)
    scale = min(width / CARD_W, height / CARD_H)
    canvas.saveState()
    canvas.setFillColor(band)
    canvas.rect(0, 0, width, BAND_H * scale, stroke=0, fill=1)
    canvas.translate((width - CARD_W * scale) / 2, 0)
    canvas.scale(scale, scale)
    canvas.setFillColor(colors.black)
    _centred(canvas, card.conference, CARD_H - MARGIN - 2.5 * mm, BOLD, 6.5)
    _draw_zones(canvas, card.zones, BAND_H + 2 * mm)
    canvas.setFillColor(colors.black if _is_light(band) else colors.white)
    _centred(canvas, card.category_label_en.upper(), BAND_H - 5.5 * mm, BOLD, 10)
    if card.category_label_ru:
        _centred(canvas, card.category_label_ru.upper(), BAND_H - 10.5 * mm, REGULAR, 8)
    canvas.restoreState()


def _draw_card(
    canvas: Canvas, card: Card, width: float, height: float, made: list[str] | None = None
) -> None:
    """The CR80 design, scaled up evenly and centred when the card is larger (A6)."""
    canvas.doForm(_template_name(canvas, card, width, height))
    scale = min(width / CARD_W, height / CARD_H)
    canvas.translate((width - CARD_W * scale) / 2, 0)
    canvas.scale(scale, scale)
    top = CARD_H - MARGIN

    photo_top = top - 5 * mm
    _draw_photo(canvas, card.photo, MARGIN, photo_top - PHOTO_H, made)
    _draw_qr(canvas, card.token, CARD_W - MARGIN - QR_SIDE, photo_top - QR_SIDE)
    canvas.setFillColor(colors.black)
    canvas.setFont(BOLD, 8)
    qr_centre = CARD_W - MARGIN - QR_SIDE / 2
    canvas.drawCentredString(qr_centre, photo_top - QR_SIDE - 3.5 * mm, card.number)

    y = photo_top - PHOTO_H - 4.5 * mm
    for text, font, size, gap in (
        (card.name, BOLD, 9.5, 4.2),
        (card.name_cyrillic, REGULAR, 8, 3.8),
        (card.title, REGULAR, 6, 3.2),
        (card.delegation, BOLD, 8, 4),
    ):
        if text:
            _centred(canvas, text, y, font, size)
            y -= gap * mm


ZONE_BOX = 5 * mm


def _draw_zones(canvas: Canvas, codes: tuple[str, ...], y: float) -> None:
    """The zone codes in outlined boxes, centred in a row: what a guard reads at a glance."""
    if not codes:
        return
    gap = 1 * mm
    box = min(ZONE_BOX, (CARD_W - 2 * MARGIN - gap * (len(codes) - 1)) / len(codes))
    x = (CARD_W - len(codes) * box - (len(codes) - 1) * gap) / 2
    canvas.setLineWidth(0.6)
    canvas.setStrokeColor(colors.black)
    for code in codes:
        canvas.setFillColor(colors.white)
        canvas.rect(x, y, box, box, stroke=1, fill=1)
        canvas.setFillColor(colors.black)
        canvas.setFont(BOLD, 7 if len(code) == 1 else 5)
        canvas.drawCentredString(x + box / 2, y + box / 2 - 1.2 * mm, code)
        x += box + gap


def _centred(canvas: Canvas, text: str, y: float, font: str, size: float) -> None:
    """One line, shrunk until it fits between the margins."""
    canvas.setFont(font, fitted_font_size(text, font=font, size=size, width=CARD_W - 2 * MARGIN))
    canvas.drawCentredString(CARD_W / 2, y, text)


def _is_light(colour: colors.Color) -> bool:
    # Relative luminance, simplified: yellow bands get black text, red and blue white.
    return 0.299 * colour.red + 0.587 * colour.green + 0.114 * colour.blue > 0.6


def _draw_photo(
    canvas: Canvas,
    document: IdentityDocument | None,
    x: float,
    y: float,
    made: list[str] | None = None,
) -> None:
    jpeg = badge_photo_bytes(document, made=made) if document is not None else None
    if jpeg is None:
        canvas.setStrokeColor(colors.grey)
        canvas.setLineWidth(0.5)
        canvas.rect(x, y, PHOTO_W, PHOTO_H, stroke=1, fill=0)
        canvas.setFillColor(colors.grey)
        canvas.setFont(REGULAR, 6)
        canvas.drawCentredString(x + PHOTO_W / 2, y + PHOTO_H / 2, _("No photo"))
        return
    # A JPEG is embedded as it is: no decoding, no re-compression.
    canvas.drawImage(ImageReader(io.BytesIO(jpeg)), x, y, PHOTO_W, PHOTO_H)


def badge_photo_bytes(document: IdentityDocument, *, made: list[str] | None = None) -> bytes | None:
    """The photo as printed (a 3:4 JPEG at 300 dpi), made and kept at the first print; None
    when there is no photo or it cannot be read. ``made`` collects the names of new copies."""
    if not document.photo:
        return None
    kept = document.badge_photo
    if kept.name and is_badge_photo_of(kept.name, document.photo.name):
        try:
            with kept.open("rb") as stored:
                return stored.read()
        except FileNotFoundError:
            pass  # made again below
    jpeg = _print_size_jpeg(document)
    if jpeg is None:
        return None
    storage = kept.storage
    name = storage.save(badge_photo_name(document.photo.name), io.BytesIO(jpeg))
    # Kept only if the photo is still the one it was made from (a new upload clears it).
    kept_now = IdentityDocument.objects.filter(pk=document.pk, photo=document.photo.name).update(
        badge_photo=name
    )
    if kept_now:
        if made is not None:
            made.append(name)
        if kept.name and kept.name != name:
            old = kept.name
            transaction.on_commit(lambda: storage.delete(old))
        document.badge_photo.name = name
    else:
        storage.delete(name)
    return jpeg


def _print_size_jpeg(document: IdentityDocument) -> bytes | None:
    try:
        with document.photo.open("rb") as file, Image.open(file) as original:
            # JPEG draft mode decodes at a fraction of the size: far less memory and time.
            original.draft("RGB", (PHOTO_PIXELS[0] * 2, PHOTO_PIXELS[1] * 2))
            fitted = ImageOps.fit(original.convert("RGB"), PHOTO_PIXELS)
    except (OSError, UnidentifiedImageError):
        return None
    buffer = io.BytesIO()
    fitted.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def qr_image(token: str, *, module_pixels: int = 1) -> Image.Image:
    """The QR code (error correction M) as a greyscale image with its quiet zone of 4
    modules, ``module_pixels`` per module. zxing-cpp encodes it in C++: segno's pure-Python
    encoder was the largest cost left in a batch. Greyscale: ReportLab would widen 1-bit to RGB.
    """
    barcode = zxingcpp.create_barcode(token, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    pixels = barcode.to_image(scale=module_pixels, add_quiet_zones=True)
    height, width = pixels.shape
    return Image.frombytes("L", (width, height), memoryview(pixels).tobytes())


def _draw_qr(canvas: Canvas, token: str, x: float, y: float) -> None:
    # Scaled without smoothing by the printer: each module stays a sharp square.
    canvas.drawImage(ImageReader(qr_image(token, module_pixels=4)), x, y, QR_SIDE, QR_SIDE)
