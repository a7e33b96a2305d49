"""The compilation text: the current version with every pending amendment and bracket, who
proposed or holds each and its status — the document negotiators bring into the room.

One reading (``compilation_rows``) feeds both the CSV and the PDF.
"""

from __future__ import annotations

import csv
import dataclasses
import io

from django.db.models import Prefetch
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph as Para
from reportlab.platypus import Spacer

from conference.printing.pdf import build_document, styles
from participants.models import Delegation

from . import brackets, selectors
from .enums import AmendmentStatus, ParagraphKind
from .models import Amendment, DocumentVersion, OutcomeDocument, Paragraph


@dataclasses.dataclass
class Entry:
    paragraph: Paragraph | None
    amendments: list[Amendment]


def current_version(document: OutcomeDocument) -> DocumentVersion | None:
    return document.versions.order_by("-sequence").first()


def compilation_rows(*, document: OutcomeDocument) -> tuple[DocumentVersion | None, list[Entry]]:
    """The current version's paragraphs in order, each with the pending amendments to it
    (tabled against it or against the paragraph it was copied from); additions at the start
    come first, with no paragraph."""
    version = current_version(document)
    if version is None:
        return None, []
    paragraphs = selectors.version_paragraphs(version=version)
    # Follow the copies forward: a paragraph of any earlier version -> its copy in this one.
    lineage = dict(
        Paragraph.objects.filter(version__document=document).values_list("pk", "origin_id")
    )
    current = {p.pk: p.pk for p in paragraphs}
    children: dict[int, list[int]] = {}
    for child, parent in lineage.items():
        if parent is not None:
            children.setdefault(parent, []).append(child)

    def descendant(pk: int | None) -> int | None:
        if pk is None:
            return None
        frontier = [pk]
        while frontier:
            found = [p for p in frontier if p in current]
            if found:
                return found[0]
            frontier = [c for p in frontier for c in children.get(p, [])]
        return None

    pending = list(
        Amendment.objects.filter(document=document, status=AmendmentStatus.PROPOSED)
        .select_related("target_paragraph")
        .prefetch_related(
            Prefetch(
                "proposed_by",
                queryset=Delegation.objects.select_related("organization").order_by("name"),
            )
        )
        .order_by("submitted_at", "pk")
    )
    by_paragraph: dict[int | None, list[Amendment]] = {}
    for amendment in pending:
        by_paragraph.setdefault(descendant(amendment.target_paragraph_id), []).append(amendment)
    entries = []
    if by_paragraph.get(None):
        entries.append(Entry(paragraph=None, amendments=by_paragraph[None]))
    entries += [Entry(paragraph=p, amendments=by_paragraph.get(p.pk, [])) for p in paragraphs]
    return version, entries


def _plain(paragraph: Paragraph, language: str) -> str:
    parts = []
    for segment in brackets.segments(paragraph, language):
        if not segment.bracketed:
            parts.append(segment.text)
            continue
        text = " ".join(f"[{choice}]" for choice in segment.choices)
        if segment.holders:
            text += " {" + ", ".join(segment.holders) + "}"
        parts.append(text)
    return "".join(parts)


def _sponsors(amendment: Amendment) -> str:
    return ", ".join(d.local_name for d in amendment.proposed_by.all())


def compilation_csv(*, document: OutcomeDocument) -> str:
    """One row per paragraph, bracket and pending amendment, in the reading order."""
    version, entries = compilation_rows(document=document)
    out = io.StringIO()
    writer = csv.writer(out)
    with translation.override("en"):
        writer.writerow(
            [
                "version", "paragraph", "kind", "item", "status",
                "held or proposed by", "text (English)", "text (Russian)",
            ]
        )  # fmt: skip
        for entry in entries:
            paragraph = entry.paragraph
            number = paragraph.number if paragraph else ""
            kind = paragraph.get_kind_display() if paragraph else ""
            if paragraph is not None:
                writer.writerow(
                    [
                        version.label, number, kind, "paragraph", paragraph.get_status_display(),
                        ", ".join(d.local_name for d in paragraph.ad_referendum_by.all()),
                        _plain(paragraph, "en"), _plain(paragraph, "ru"),
                    ]
                )  # fmt: skip
                for bracket in paragraph.brackets.all():
                    options = [o.text_en for o in bracket.options.all()]
                    writer.writerow(
                        [
                            version.label, number, kind, "bracket", "bracketed",
                            ", ".join(d.local_name for d in bracket.holders.all()),
                            " / ".join([bracket.words("en"), *options]),
                            bracket.words("ru") if bracket.start_ru is not None else "",
                        ]
                    )  # fmt: skip
            for amendment in entry.amendments:
                writer.writerow(
                    [
                        version.label, number, kind,
                        f"amendment {amendment.pk}: {amendment.get_action_display()}",
                        amendment.get_status_display(), _sponsors(amendment),
                        amendment.proposed_text, amendment.proposed_text_ru,
                    ]
                )  # fmt: skip
    return out.getvalue()


def compilation_pdf(*, document: OutcomeDocument, language: str) -> bytes:
    from .printing import negotiated_markup

    with translation.override(language):
        version, entries = compilation_rows(document=document)
        style = styles()
        title = _("Compilation text")
        story = [
            Para(escape(f"{document.title}"), style["title"]),
            Para(
                escape(f"{title} · {version.label if version else '—'}"),
                style["centred"],
            ),
            Spacer(0, 5 * mm),
        ]
        for entry in entries:
            paragraph = entry.paragraph
            if paragraph is None:
                story.append(Para(escape(_("At the start of the text")), style["heading"]))
            else:
                number = (
                    f"{escape(paragraph.number)}. "
                    if paragraph.kind == ParagraphKind.OPERATIVE
                    else f"({escape(paragraph.number)}) "
                )
                story.append(Para(number + negotiated_markup(paragraph, language), style["body"]))
                status = paragraph.get_status_display()
                confirmers = ", ".join(d.local_name for d in paragraph.ad_referendum_by.all())
                if confirmers:
                    status += f" — {confirmers}"
                story.append(Para(escape(status), style["small"]))
            for amendment in entry.amendments:
                text = amendment.proposed_text_ru if language == "ru" else amendment.proposed_text
                line = _(
                    "Amendment %(number)s (%(action)s), proposed by %(sponsors)s: %(status)s"
                ) % {
                    "number": amendment.pk,
                    "action": amendment.get_action_display().lower(),
                    "sponsors": _sponsors(amendment),
                    "status": amendment.get_status_display().lower(),
                }
                story.append(
                    Para(
                        f"<i>{escape(line)}</i>"
                        + (
                            f"<br/>{escape(text or amendment.proposed_text)}"
                            if amendment.proposed_text
                            else ""
                        ),
                        style["small"],
                    )
                )
            story.append(Spacer(0, 2 * mm))
        return build_document(
            story,
            conference=document.conference,
            language=language,
            title=f"{document.title} — {title}",
        )
