"""How a paragraph with brackets reads: its text cut into plain runs and bracketed spans.

A bracket is a pair of character offsets into the paragraph's text (``models.Bracket``), so
the paragraph itself stays one plain text that search, the comparison of versions and the
amendments work on. This module only reads: it turns the offsets, the holders and the options
into segments that the HTML templates, the PDF and the projector payload all render the same
way. It needs the brackets prefetched (``selectors.BRACKETS``) to stay at a constant number of
queries.
"""

from __future__ import annotations

import dataclasses
import re

from django.utils import translation

from .enums import ParagraphStatus

WORD = re.compile(r"\w+", re.UNICODE)


@dataclasses.dataclass(frozen=True)
class Segment:
    """A run of the paragraph: plain text, or a bracket with its options and holders."""

    text: str
    bracketed: bool = False
    # The further options, in order; the bracket's own words are option 1.
    options: tuple[str, ...] = ()
    holders: tuple[str, ...] = ()

    @property
    def choices(self) -> tuple[str, ...]:
        return (self.text, *self.options) if self.options else (self.text,)


def _language(language: str | None) -> str:
    return (language or translation.get_language() or "en")[:2]


def _brackets(paragraph) -> list:
    return sorted(paragraph.brackets.all(), key=lambda b: b.start)


def reads_in_russian(paragraph) -> bool:
    """Whether the Russian text can be shown with its brackets: it exists and every bracket
    has its Russian span. Otherwise Russian readers see the English text, as for any missing
    translation."""
    if not (paragraph.text_ru or "").strip():
        return False
    return all(b.start_ru is not None for b in paragraph.brackets.all())


def segments(paragraph, language: str | None = None) -> list[Segment]:
    """The paragraph in ``language`` (default: the active one) as plain and bracketed runs."""
    russian = _language(language) == "ru" and reads_in_russian(paragraph)
    text = (paragraph.text_ru if russian else paragraph.text_en) or paragraph.text_en or ""
    result: list[Segment] = []
    cursor = 0
    for bracket in sorted(
        paragraph.brackets.all(), key=lambda b: b.start_ru if russian else b.start
    ):
        start, end = (bracket.start_ru, bracket.end_ru) if russian else (bracket.start, bracket.end)
        if start < cursor or end > len(text):  # never stored; shown as plain text if it were
            continue
        if start > cursor:
            result.append(Segment(text[cursor:start]))
        options = tuple(
            ((o.text_ru if russian else o.text_en) or o.text_en or "")
            for o in sorted(bracket.options.all(), key=lambda o: o.position)
        )
        with translation.override("ru" if russian else _language(language)):
            holders = tuple(d.local_name for d in bracket.holders.all())
        result.append(Segment(text[start:end], bracketed=True, options=options, holders=holders))
        cursor = end
    if cursor < len(text):
        result.append(Segment(text[cursor:]))
    if paragraph.is_bracketed and not paragraph.brackets.all():
        # The whole paragraph is disputed; nobody recorded who holds it.
        return [Segment(text, bracketed=True)]
    return result


def word_counts(paragraph) -> tuple[int, int]:
    """(words in the English text, of which inside brackets)."""
    text = paragraph.text_en or ""
    total = len(WORD.findall(text))
    if paragraph.is_bracketed:
        return total, total
    inside = sum(len(WORD.findall(text[b.start : b.end])) for b in paragraph.brackets.all())
    return total, min(inside, total)


def is_agreed(paragraph) -> bool:
    return paragraph.status in ParagraphStatus.counts_as_agreed()


def translation_missing(paragraph) -> list[str]:
    """The languages this paragraph has no text in."""
    return [
        language
        for language in ("en", "ru")
        if not (getattr(paragraph, f"text_{language}") or "").strip()
    ]
