"""Paragraph-by-paragraph comparison of two versions of an outcome document.

Paragraphs are paired through their ``origin`` links (a revision copies each paragraph of
the version it is based on and remembers where the copy came from), so a paragraph that
moved or was renumbered is still recognised. Paragraphs without such a link are paired by
position as a fallback. Within a pair the text is compared word by word.
"""

from __future__ import annotations

import dataclasses
import re
from difflib import SequenceMatcher

from django.db.models import Prefetch
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import brackets
from .models import Bracket, DocumentVersion, Paragraph

UNCHANGED, CHANGED, ADDED, DELETED = "unchanged", "changed", "added", "deleted"

# Words, single punctuation marks and runs of white space: the units insertions and
# deletions are reported in. Keeping the white space as tokens lets the text be rebuilt.
TOKENS = re.compile(r"\w+|[^\w\s]|\s+")


@dataclasses.dataclass(frozen=True)
class ParagraphChange:
    status: str
    old: Paragraph | None
    new: Paragraph | None
    html: SafeString

    @property
    def paragraph(self) -> Paragraph:
        """The paragraph whose number and kind a reader should see for this row."""
        return self.new or self.old

    @property
    def is_change(self) -> bool:
        return self.status != UNCHANGED


def shown_text(paragraph: Paragraph) -> str:
    """The text as printed: text not yet agreed stands in square brackets.

    Drafters often bracket only the disputed words; such a paragraph keeps its own brackets.
    Recorded brackets (``Bracket`` rows) print around their words, each option in its own
    square brackets, so lifting one shows as a change.
    """
    if paragraph.is_bracketed and "[" not in paragraph.text:
        return f"[{paragraph.text}]"
    if not paragraph.brackets.all():
        return paragraph.text
    return "".join(
        " ".join(f"[{choice}]" for choice in segment.choices) if segment.bracketed else segment.text
        for segment in brackets.segments(paragraph)
    )


def word_diff(old: str, new: str) -> SafeString:
    """``new`` with the words taken out of ``old`` in <del> and the words put in in <ins>."""
    a, b = TOKENS.findall(old), TOKENS.findall(new)
    parts = []
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece was escaped above


def _pairs(
    old: list[Paragraph], new: list[Paragraph], origins: dict[int, int | None]
) -> dict[int, Paragraph]:
    """Map each paired new paragraph's id to its old paragraph."""
    old_by_id = {p.pk: p for p in old}
    paired: dict[int, Paragraph] = {}
    used: set[int] = set()
    for paragraph in new:
        ancestor = origins.get(paragraph.pk)
        while ancestor is not None and ancestor not in old_by_id:
            ancestor = origins.get(ancestor)
        if ancestor is not None and ancestor not in used:
            paired[paragraph.pk] = old_by_id[ancestor]
            used.add(ancestor)
    if paired:
        # The versions are linked, so a paragraph without an ancestor is a new one.
        return paired
    # Versions typed in afresh carry no links at all: pair them by place and kind.
    by_place = {(p.position, p.kind): p for p in old}
    for paragraph in new:
        match = by_place.get((paragraph.position, paragraph.kind))
        if match is not None:
            paired[paragraph.pk] = match
    return paired


def compare_versions(old: DocumentVersion, new: DocumentVersion) -> list[ParagraphChange]:
    """Every paragraph of both versions, in reading order, with what happened to it.

    A constant number of queries, whatever the number of paragraphs: the paragraphs of both
    versions and of the versions between them, whose origin links join the two, with their
    brackets.
    """
    if old.document_id != new.document_id:
        raise ValueError("Only versions of the same document can be compared.")
    low, high = sorted((old.sequence, new.sequence))
    rows = list(
        Paragraph.objects.filter(
            version__document_id=old.document_id, version__sequence__range=(low, high)
        )
        .order_by("position")
        .prefetch_related(
            Prefetch("brackets", queryset=Bracket.objects.prefetch_related("options"))
        )
    )
    origins = {p.pk: p.origin_id for p in rows}
    old_rows = [p for p in rows if p.version_id == old.pk]
    new_rows = [p for p in rows if p.version_id == new.pk]
    # Origin links point backwards in time, so they are followed from the later version.
    if old.sequence <= new.sequence:
        paired = _pairs(old_rows, new_rows, origins)
    else:
        old_by_id = {p.pk: p for p in old_rows}
        paired = {n.pk: old_by_id[o] for o, n in _pairs(new_rows, old_rows, origins).items()}
    paired_old = {p.pk for p in paired.values()}
    old_index = {p.pk: i for i, p in enumerate(old_rows)}

    changes: list[ParagraphChange] = []
    emitted = 0  # old paragraphs before this index are placed already

    def flush_deleted(until: int) -> None:
        nonlocal emitted
        for gone in old_rows[emitted:until]:
            if gone.pk not in paired_old:
                html = mark_safe(f"<del>{escape(shown_text(gone))}</del>")  # noqa: S308
                changes.append(ParagraphChange(DELETED, gone, None, html))
        emitted = max(emitted, until)

    for paragraph in new_rows:
        before = paired.get(paragraph.pk)
        if before is None:
            html = mark_safe(f"<ins>{escape(shown_text(paragraph))}</ins>")  # noqa: S308
            changes.append(ParagraphChange(ADDED, None, paragraph, html))
            continue
        flush_deleted(old_index[before.pk])
        a, b = shown_text(before), shown_text(paragraph)
        status = UNCHANGED if (a, before.kind) == (b, paragraph.kind) else CHANGED
        html = word_diff(a, b) if status == CHANGED else escape(b)
        changes.append(ParagraphChange(status, before, paragraph, html))
    flush_deleted(len(old_rows))
    return changes


def comparison_context(old: DocumentVersion, new: DocumentVersion) -> dict:
    """What the comparison templates (admin and public) need."""
    changes = compare_versions(old, new)
    return {
        "old": old,
        "new": new,
        "changes": changes,
        "changed_count": sum(change.is_change for change in changes),
    }
