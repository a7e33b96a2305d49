"""The printed outcome document: the published text with its symbol and date, the paragraphs
numbered as on the public page, and the position statements annexed.

Only a published document's final version is printed (the selectors refuse anything else),
in the active language with the English text where a paragraph has no translation.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer
from reportlab.platypus import Paragraph as Para

from conference.printing.pdf import build_document, styles

from . import brackets, selectors
from .enums import AdoptionMethod, ParagraphKind, ParagraphStatus
from .models import DocumentVersion, OutcomeDocument, Paragraph

NUMBER_INDENT = 8 * mm


def _styles() -> dict[str, ParagraphStyle]:
    base = styles()
    body = base["body"]
    return {
        **base,
        "meta": ParagraphStyle("meta", parent=base["centred"], fontSize=9.5, leading=13),
        # Operative paragraphs hang their number in the margin of the text, as UN texts do.
        "operative": ParagraphStyle(
            "operative",
            parent=body,
            leftIndent=NUMBER_INDENT,
            firstLineIndent=-NUMBER_INDENT,
            spaceAfter=8,
        ),
        "preambular": ParagraphStyle(
            "preambular", parent=body, firstLineIndent=NUMBER_INDENT, spaceAfter=8
        ),
        "statement-heading": ParagraphStyle(
            "statement-heading", parent=base["heading"], fontSize=10.5, spaceBefore=10
        ),
    }


def adoption_line(document: OutcomeDocument) -> str:
    """The sentence under the title, as the public page writes it."""
    date = date_format(document.adopted_on, "j E Y")
    if document.adoption_method == AdoptionMethod.VOTE:
        return _(
            "Adopted on %(date)s by a recorded vote of %(for)s in favour to %(against)s "
            "against, with %(abstentions)s abstentions."
        ) % {
            "date": date,
            "for": document.votes_for,
            "against": document.votes_against or 0,
            "abstentions": document.abstentions or 0,
        }
    return _("Adopted on %(date)s by %(method)s.") % {
        "date": date,
        "method": document.get_adoption_method_display().lower(),
    }


def negotiated_markup(paragraph: Paragraph, language: str | None = None) -> str:
    """The paragraph's text as reportlab markup: brackets and options in square brackets,
    the delegations holding each in small raised type after it."""
    parts = []
    for segment in brackets.segments(paragraph, language):
        if not segment.bracketed:
            parts.append(escape(segment.text))
            continue
        if segment.options:
            text = " ".join(
                "[" + escape(_("Option %(number)s:") % {"number": n}) + " " + escape(choice) + "]"
                for n, choice in enumerate(segment.choices, start=1)
            )
        else:
            text = f"[{escape(segment.text)}]"
        if segment.holders:
            text += f'<super><font size="6">{escape(", ".join(segment.holders))}</font></super>'
        parts.append(text)
    return "".join(parts)


def _paragraph(paragraph: Paragraph, style: dict[str, ParagraphStyle]) -> Flowable:
    text = negotiated_markup(paragraph)
    if paragraph.kind == ParagraphKind.OPERATIVE:
        # The number stored on the paragraph is the one the public page shows.
        return Para(f"{escape(paragraph.number)}.&nbsp;&nbsp;{text}", style["operative"])
    return Para(text, style["preambular"])


def _story(document: OutcomeDocument) -> list[Flowable]:
    style = _styles()
    heading = document.get_kind_display()
    if document.symbol:
        heading = f"{heading} · {document.symbol}"
    story: list[Flowable] = [
        Para(escape(heading), style["meta"]),
        Spacer(0, 2 * mm),
        Para(escape(document.title), style["title"]),
        Para(escape(adoption_line(document)), style["meta"]),
        Spacer(0, 6 * mm),
    ]
    story += [
        _paragraph(p, style) for p in selectors.version_paragraphs(version=document.final_version)
    ]
    story.append(
        Para(
            escape(_("Text as adopted: %(version)s.") % {"version": document.final_version.label}),
            style["small"],
        )
    )
    statements = selectors.position_statements(document=document)
    if statements:
        story += [CondPageBreak(60 * mm), Spacer(0, 8 * mm)]
        story.append(Para(escape(_("Annex: statements on adoption")), style["heading"]))
        for number, statement in enumerate(statements, start=1):
            delegations = ", ".join(d.local_name for d in statement.delegations.all())
            head = f"{number}. {statement.get_kind_display()} — {delegations}"
            paragraphs = [p for p in statement.text.splitlines() if p.strip()]
            story.append(
                KeepTogether(
                    [
                        Para(escape(head), style["statement-heading"]),
                        *(Para(escape(p), style["body"]) for p in paragraphs[:1]),
                    ]
                )
            )
            story += [Para(escape(p), style["body"]) for p in paragraphs[1:]]
    return story


def document_pdf(*, document: OutcomeDocument, language: str) -> bytes:
    """The published ``document`` as a PDF in ``language``."""
    with translation.override(language):
        return build_document(
            _story(document),
            conference=document.conference,
            language=language,
            title=document.title,
        )


def _version_story(version: DocumentVersion) -> list[Flowable]:
    style = _styles()
    document = version.document
    issued = (
        _("Issued %(date)s") % {"date": date_format(version.issued_at, "j E Y")}
        if version.issued_at
        else _("Working revision, not issued")
    )
    story: list[Flowable] = [
        Para(escape(f"{document.get_kind_display()} · {version.label}"), style["meta"]),
        Spacer(0, 2 * mm),
        Para(escape(document.title), style["title"]),
        Para(escape(issued), style["meta"]),
        Spacer(0, 6 * mm),
    ]
    for paragraph in selectors.version_paragraphs(version=version):
        story.append(_paragraph(paragraph, style))
        if paragraph.status != ParagraphStatus.AGREED:
            line = paragraph.get_status_display()
            if paragraph.status == ParagraphStatus.AD_REFERENDUM:
                line += " — " + ", ".join(d.local_name for d in paragraph.ad_referendum_by.all())
            story.append(Para(escape(line), style["small"]))
    return story


def version_pdf(*, version: DocumentVersion, language: str) -> bytes:
    """Any version (a draft too, for the officers) as a PDF with its brackets, in
    ``language``."""
    with translation.override(language):
        return build_document(
            _version_story(version),
            conference=version.document.conference,
            language=language,
            title=f"{version.document.title} — {version.label}",
        )


def document_filename(document: OutcomeDocument, language: str) -> str:
    return f"{document.slug}-{language}.pdf"
