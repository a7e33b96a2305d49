"""Writes for outcome documents, their versions and amendments, and recommendations.

A document's status changes only through ``_transition``: it locks the document row,
checks the current state, saves and writes a ``DocumentEvent``. Versions are written only
while unissued; once ``version_issue`` stamps ``issued_at`` the version and its paragraphs
are frozen (the models refuse to save or delete them too). The admin, the demo loader and
the tests call these functions.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, CharField, F, Q, When
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.enums import DomainEvent
from conference.events import event_emit
from conference.languages import in_each_language
from conference.site.publishing import public_pages_invalidate
from participants.models import Delegation
from sessions.live import floor_publish
from sessions.models import Session

from . import selectors
from .enums import (
    AdoptionMethod,
    AmendmentAction,
    AmendmentStatus,
    DocumentStatus,
    ParagraphKind,
    ParagraphStatus,
    PositionKind,
    RecommendationStatus,
    SilenceOutcome,
)
from .models import (
    Amendment,
    Bracket,
    BracketOption,
    Conference,
    DocumentEvent,
    DocumentVersion,
    OutcomeDocument,
    Paragraph,
    PositionStatement,
    Recommendation,
    ScreenParagraph,
    SilenceBreak,
    SilenceProcedure,
)

S = DocumentStatus
User = AbstractBaseUser | None

# Where each status may be reached from. A silence break sends the document back to
# negotiation, which is why UNDER_NEGOTIATION is reachable from SILENCE_PROCEDURE.
SOURCES: dict[str, frozenset[str]] = {
    S.ZERO_DRAFT: frozenset({S.CONCEPT}),
    S.UNDER_NEGOTIATION: frozenset({S.ZERO_DRAFT, S.SILENCE_PROCEDURE}),
    S.SILENCE_PROCEDURE: frozenset({S.UNDER_NEGOTIATION}),
    S.ADOPTED: frozenset({S.UNDER_NEGOTIATION, S.SILENCE_PROCEDURE}),
    S.PUBLISHED: frozenset({S.ADOPTED}),
    S.FAILED: frozenset({S.CONCEPT, S.ZERO_DRAFT, S.UNDER_NEGOTIATION, S.SILENCE_PROCEDURE}),
}
# States in which the text may still be drafted and amended.
DRAFTING = frozenset({S.CONCEPT, S.ZERO_DRAFT, S.UNDER_NEGOTIATION})
AMENDABLE = frozenset({S.ZERO_DRAFT, S.UNDER_NEGOTIATION})


class DocumentError(ValidationError):
    """A refused operation. ``code`` is machine-readable; ``str()`` is for people.

    A ValidationError, so that the admin shows it on the form like any other.
    """

    def __init__(self, message: str, *, code: str):
        super().__init__(message, code=code)

    def __str__(self) -> str:
        return self.message


def _state_error(document: OutcomeDocument, action: str) -> DocumentError:
    return DocumentError(
        _("“%(document)s” cannot %(action)s: its current state is “%(state)s”.")
        % {"document": document.title, "action": action, "state": document.get_status_display()},
        code="wrong_state",
    )


def _lock(document: OutcomeDocument) -> OutcomeDocument:
    return OutcomeDocument.objects.select_for_update().get(pk=document.pk)


def _log(*, document: OutcomeDocument, by: User, note: str, from_status: str = "") -> None:
    DocumentEvent.objects.create(
        document=document,
        from_status=from_status or document.status,
        to_status=document.status,
        by=by,
        note=note,
    )


def _transition(
    *, document: OutcomeDocument, target: str, by: User, action: str, note: str = "", **changes
) -> OutcomeDocument:
    """Lock, check, change, save and audit. Callers hold the transaction."""
    locked = _lock(document)
    if locked.status not in SOURCES[target]:
        raise _state_error(locked, action)
    previous = locked.status
    locked.status = target
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.full_clean()
    locked.save()
    _log(document=locked, by=by, note=note, from_status=previous)
    if locked.public_draft_id:
        # The published draft is shown only while the text is negotiated.
        public_pages_invalidate(conference_ids=[locked.conference_id])
    return locked


def _latest_version(document: OutcomeDocument) -> DocumentVersion | None:
    return document.versions.order_by("-sequence").first()


def _working_revision(document: OutcomeDocument) -> DocumentVersion:
    latest = _latest_version(document)
    if latest is None or latest.is_issued:
        raise DocumentError(
            _("“%(document)s” has no working revision: create a new revision first.")
            % {"document": document.title},
            code="no_working_revision",
        )
    return latest


def _latest_issued(document: OutcomeDocument) -> DocumentVersion:
    version = document.versions.filter(issued_at__isnull=False).order_by("-sequence").first()
    if version is None:
        raise DocumentError(
            _("“%(document)s” has no issued version yet.") % {"document": document.title},
            code="no_issued_version",
        )
    return version


def _editable(version: DocumentVersion) -> DocumentVersion:
    """The version row, locked, provided it may still change."""
    locked = (
        DocumentVersion.objects.select_for_update().select_related("document").get(pk=version.pk)
    )
    if locked.is_issued:
        raise DocumentError(
            _("%(version)s was issued on %(date)s and can no longer change.")
            % {"version": locked.label, "date": f"{locked.issued_at:%Y-%m-%d}"},
            code="version_issued",
        )
    if locked.document.status not in DRAFTING:
        raise _state_error(locked.document, _("be redrafted"))
    return locked


# Paragraph numbering -------------------------------------------------------------------------


def _letters(index: int) -> str:
    """0 → a, 25 → z, 26 → aa: preambular paragraphs are lettered, as in UN style."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _renumber(version: DocumentVersion, ordered: list[Paragraph] | None = None) -> None:
    """Give ``ordered`` (by default the version's paragraphs in their present order) the
    positions 1..n and their numbers, writing only the rows that change.

    Positions are unique per version and PostgreSQL checks that row by row, so the rows that
    move are first lifted above every position in use, then written in their new places,
    which no unchanged row holds. Adding a paragraph at the end writes one row.
    """
    if ordered is None:
        ordered = list(_outline(version))
    before = {p.pk: (p.position, p.number) for p in ordered}
    operative = preambular = 0
    for position, paragraph in enumerate(ordered, start=1):
        paragraph.position = position
        if paragraph.kind == ParagraphKind.OPERATIVE:
            operative += 1
            paragraph.number = str(operative)
        else:
            paragraph.number = _letters(preambular)
            preambular += 1
    changed = [p for p in ordered if before[p.pk] != (p.position, p.number)]
    if not changed:
        return
    moved = [p.pk for p in changed if before[p.pk][0] != p.position]
    if moved:
        top = max(position for position, _number in before.values())
        Paragraph.objects.filter(pk__in=moved).update(position=F("position") + top + 1)
    Paragraph.objects.bulk_update(changed, ["position", "number"])


def _outline(version: DocumentVersion):
    """The version's paragraphs in order, without their text: what numbering needs."""
    return version.paragraphs.order_by("position").only(
        "pk", "version", "position", "number", "kind"
    )


@transaction.atomic
def version_renumber(*, version: DocumentVersion) -> None:
    """Recompute positions and numbers of a working revision after any change to it."""
    _renumber(_editable(version))


def paragraph_label(paragraph: Paragraph) -> str:
    """How a refusal or a comparison names a paragraph: “operative 3”, “preambular (b)”."""
    if paragraph.kind == ParagraphKind.OPERATIVE:
        return _("operative %(number)s") % {"number": paragraph.number or paragraph.position}
    return _("preambular (%(letter)s)") % {"letter": paragraph.number or paragraph.position}


# Versions and paragraphs ---------------------------------------------------------------------


@transaction.atomic
def version_create_zero_draft(
    *, document: OutcomeDocument, by: User, label: str = ""
) -> DocumentVersion:
    locked = _lock(document)
    if locked.status != S.CONCEPT:
        raise _state_error(locked, _("receive a zero draft"))
    if locked.versions.exists():
        raise DocumentError(
            _("“%(document)s” already has a zero draft.") % {"document": locked.title},
            code="zero_draft_exists",
        )
    labels = {"label_en": label} if label else in_each_language("label", lambda: _("Zero draft"))
    version = DocumentVersion(document=locked, sequence=0, author=by, **labels)
    version.full_clean()
    version.save()
    return version


@transaction.atomic
def version_create_revision(*, document: OutcomeDocument, by: User) -> DocumentVersion:
    """Open Rev.n+1 as a copy of the latest issued version; each copy remembers its origin."""
    locked = _lock(document)
    if locked.status != S.UNDER_NEGOTIATION:
        raise _state_error(locked, _("receive a new revision"))
    previous = _latest_version(locked)
    if previous is None or not previous.is_issued:
        raise DocumentError(
            _("Issue %(version)s before opening the next revision.")
            % {"version": previous.label if previous else _("the zero draft")},
            code="previous_not_issued",
        )
    sequence = previous.sequence + 1
    revision = DocumentVersion(
        document=locked,
        sequence=sequence,
        # Written in each language once, from the catalogue: "Rev.2", "Пересмотр 2".
        **in_each_language("label", lambda: _("Rev.%(number)s") % {"number": sequence}),
        based_on=previous,
        author=by,
    )
    revision.full_clean()
    revision.save()
    copies = Paragraph.objects.bulk_create(
        Paragraph(
            version=revision,
            position=p.position,
            number=p.number,
            kind=p.kind,
            text_en=p.text_en,
            text_ru=p.text_ru,
            is_bracketed=p.is_bracketed,
            status=p.status,
            origin=p,
        )
        for p in previous.paragraphs.order_by("position")
    )
    _copy_negotiation_state(previous, copies)
    _log(document=locked, by=by, note=_("%(version)s opened.") % {"version": revision.label})
    return revision


def translation_gaps(version: DocumentVersion) -> list[Paragraph]:
    """The paragraphs of ``version`` without an English or a Russian text, in order."""
    return list(
        version.paragraphs.filter(
            Q(text_en="") | Q(text_en__isnull=True) | Q(text_ru="") | Q(text_ru__isnull=True)
        )
        .order_by("position")
        .only("pk", "version", "position", "number", "kind", "text_en", "text_ru")
    )


@transaction.atomic
def version_issue(
    *, version: DocumentVersion, by: User, require_translation: bool = False
) -> DocumentVersion:
    """Issue (freeze) a working revision. With ``require_translation`` (the admin's page,
    until the officer confirms) a paragraph without its English or Russian text refuses it;
    otherwise the event records that the translation was incomplete."""
    locked = _editable(version)
    paragraphs = list(locked.paragraphs.order_by("position"))
    if not paragraphs:
        raise DocumentError(
            _("%(version)s has no paragraphs to issue.") % {"version": locked.label},
            code="version_empty",
        )
    gaps = translation_gaps(locked)
    if gaps and require_translation:
        raise DocumentError(
            _(
                "Translation incomplete: %(paragraphs)s of %(version)s lack their English or "
                "Russian text. Confirm to issue it as it is."
            )
            % {"paragraphs": ", ".join(paragraph_label(p) for p in gaps), "version": locked.label},
            code="translation_incomplete",
        )
    _renumber(locked, paragraphs)
    locked.issued_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["issued_at"])
    note = _("%(version)s issued.") % {"version": locked.label}
    if gaps:
        note += " " + _("Translation incomplete in %(count)d paragraph(s).") % {"count": len(gaps)}
    _log(document=locked.document, by=by, note=note)
    return locked


def _within_kind(ordered: list[Paragraph], kind: str, index: int) -> int:
    """The nearest insertion index to ``index`` that keeps the preamble before the operative
    part: a preambular paragraph never follows an operative one, nor the reverse."""
    if kind == ParagraphKind.OPERATIVE:
        preambular = [i for i, p in enumerate(ordered) if p.kind != ParagraphKind.OPERATIVE]
        return max(index, preambular[-1] + 1 if preambular else 0)
    operative = [i for i, p in enumerate(ordered) if p.kind == ParagraphKind.OPERATIVE]
    return min(index, operative[0] if operative else len(ordered))


def _insert(
    version: DocumentVersion,
    *,
    kind: str,
    text: str,
    text_ru: str = "",
    is_bracketed: bool,
    after: Paragraph | None,
) -> Paragraph:
    """Insert after ``after``, or at the start of its own kind without it."""
    ordered = list(_outline(version))
    if after is None:
        index = 0
    else:
        index = next((i + 1 for i, p in enumerate(ordered) if p.pk == after.pk), None)
        if index is None:
            raise DocumentError(
                _("The paragraph to insert after is not in %(version)s.")
                % {"version": version.label},
                code="paragraph_elsewhere",
            )
    index = _within_kind(ordered, kind, index)
    if not _in_order(ordered):
        top = max((p.position for p in ordered), default=0)
        paragraph = _paragraph(
            version,
            kind=kind,
            text=text,
            text_ru=text_ru,
            is_bracketed=is_bracketed,
            position=top + 1,
        )
        paragraph.save()
        ordered.insert(index, paragraph)
        _renumber(version, ordered)
        return paragraph
    # Positions are 1..n with the preamble first: the paragraphs after the new one move down
    # by one in two UPDATEs (lifted above every position in use, then lowered into place,
    # so that no two rows ever share a position), whatever the length of the text.
    count, position = len(ordered), index + 1
    preambular = sum(1 for p in ordered if p.kind != ParagraphKind.OPERATIVE)
    if kind != ParagraphKind.OPERATIVE:
        preambular += 1
    if index < count:
        version.paragraphs.filter(position__gte=position).update(position=F("position") + count + 1)
        lowered = {"position": F("position") - count}
        if kind == ParagraphKind.OPERATIVE:
            # An operative paragraph's number is its position after the preamble: the same
            # UPDATE renumbers every operative paragraph that moved.
            lowered["number"] = Case(
                When(
                    kind=ParagraphKind.OPERATIVE,
                    then=Cast(F("position") - count - preambular, output_field=CharField()),
                ),
                default=F("number"),
            )
        version.paragraphs.filter(position__gt=count + 1).update(**lowered)
    paragraph = _paragraph(
        version, kind=kind, text=text, text_ru=text_ru, is_bracketed=is_bracketed, position=position
    )
    ordered.insert(index, paragraph)
    if kind == ParagraphKind.OPERATIVE:
        paragraph.number = str(position - preambular)
        paragraph.save()
    else:
        paragraph.number = _letters(index)
        paragraph.save()
        relettered = []
        for letter, row in enumerate(ordered[index + 1 : preambular], start=index + 1):
            if row.number != _letters(letter):
                row.number = _letters(letter)
                relettered.append(row)
        Paragraph.objects.bulk_update(relettered, ["number"])
    return paragraph


def _in_order(ordered: list[Paragraph]) -> bool:
    """Positions 1..n, the preamble before the operative part, each numbered in sequence."""
    kinds = [p.kind == ParagraphKind.OPERATIVE for p in ordered]
    return [p.position for p in ordered] == list(range(1, len(ordered) + 1)) and kinds == sorted(
        kinds
    )


@transaction.atomic
def paragraph_add(
    *,
    version: DocumentVersion,
    kind: str,
    text: str,
    text_ru: str = "",
    is_bracketed: bool = False,
    after: Paragraph | None = None,
    at_end: bool = True,
) -> Paragraph:
    """Add a paragraph after ``after``; without it, at the end (or the start if not at_end).

    ``text`` is the English (negotiated) text; an empty ``text_ru`` shows the English one.
    """
    locked = _editable(version)
    if after is None and at_end:
        after = locked.paragraphs.order_by("-position").first()
    return _insert(
        locked, kind=kind, text=text, text_ru=text_ru, is_bracketed=is_bracketed, after=after
    )


@transaction.atomic
def paragraph_edit(
    *, paragraph: Paragraph, text: str, kind: str, is_bracketed: bool, text_ru: str = ""
) -> Paragraph:
    """Rewrite a paragraph; the Russian text goes with it (empty: the English one shows)."""
    locked_version = _editable(paragraph.version)
    current = Paragraph.objects.select_for_update().get(pk=paragraph.pk)
    current.text_en = text.strip()
    current.text_ru = text_ru.strip()
    current.kind = kind
    _bracket_flag(current, is_bracketed)
    current.full_clean()
    _reanchor([current])
    current.save()
    _renumber(locked_version)
    current.refresh_from_db()
    _screens_refresh(paragraph_ids=[current.pk])
    return current


@transaction.atomic
def paragraph_delete(*, paragraph: Paragraph) -> None:
    locked_version = _editable(paragraph.version)
    _screens_refresh(paragraph_ids=[paragraph.pk])  # before the pick goes with the paragraph
    Paragraph.objects.get(pk=paragraph.pk).delete()
    _renumber(locked_version)


def _bracket_flag(paragraph: Paragraph, is_bracketed: bool) -> None:
    """Set the whole-paragraph bracket; the status follows (unflagging leaves it to be
    decided, unless brackets of words remain)."""
    was = paragraph.is_bracketed
    paragraph.is_bracketed = is_bracketed
    if is_bracketed:
        paragraph.status = ParagraphStatus.BRACKETED
    elif (
        was
        and paragraph.status == ParagraphStatus.BRACKETED
        and (paragraph.pk is None or not paragraph.brackets.exists())
    ):
        paragraph.status = ParagraphStatus.NOT_DISCUSSED


def _paragraph(
    version: DocumentVersion,
    *,
    kind: str,
    text: str,
    is_bracketed: bool,
    position: int,
    text_ru: str = "",
) -> Paragraph:
    """A new paragraph, validated, not saved: ``text`` is the English, ``text_ru`` the Russian."""
    paragraph = Paragraph(
        version=version,
        position=position,
        kind=kind,
        text_en=text.strip(),
        text_ru=text_ru.strip(),
        is_bracketed=is_bracketed,
        status=ParagraphStatus.BRACKETED if is_bracketed else ParagraphStatus.NOT_DISCUSSED,
    )
    paragraph.full_clean(exclude=["version"], validate_unique=False, validate_constraints=False)
    return paragraph


@transaction.atomic
def paragraphs_save(
    *,
    version: DocumentVersion,
    edited: Iterable[Paragraph] = (),
    added: Iterable[dict] = (),
    deleted: Iterable[Paragraph] = (),
) -> None:
    """A page of the admin's paragraphs at once: edits, additions at the end, deletions.

    The version is renumbered once, whatever the number of paragraphs.
    """
    locked = _editable(version)
    deleted_pks = [p.pk for p in deleted]
    if deleted_pks:
        Paragraph.objects.filter(version=locked, pk__in=deleted_pks).delete()
    edits = []
    for paragraph in edited:
        if paragraph.version_id != locked.pk:
            raise DocumentError(
                _("The paragraph to change is not in %(version)s.") % {"version": locked.label},
                code="paragraph_elsewhere",
            )
        paragraph.text_en = (paragraph.text_en or "").strip()
        paragraph.text_ru = (paragraph.text_ru or "").strip()
        if paragraph.is_bracketed:
            paragraph.status = ParagraphStatus.BRACKETED
        paragraph.full_clean(exclude=["version"], validate_unique=False, validate_constraints=False)
        edits.append(paragraph)
    _reanchor(edits)
    Paragraph.objects.bulk_update(edits, ["kind", "text_en", "text_ru", "is_bracketed", "status"])
    ordered = list(_outline(locked))
    top = max((p.position for p in ordered), default=0)
    new = Paragraph.objects.bulk_create(
        _paragraph(locked, position=top + n, **data) for n, data in enumerate(added, start=1)
    )
    for paragraph in new:
        ordered.insert(_within_kind(ordered, paragraph.kind, len(ordered)), paragraph)
    _renumber(locked, ordered)


# “1.”, “1)”, “(a)”, “a)” at the start of a pasted paragraph: its number, which Plenary assigns.
_PASTED_NUMBER = re.compile(r"^\s*(?:\(?(?P<letters>[a-z]{1,3})\)|(?P<digits>\d{1,4})[.)])\s+")


def split_text(text: str) -> list[dict]:
    """A pasted text as paragraphs: one per block of lines, blank lines between.

    A numbered block (“1.”) is operative, a lettered one (“(a)”) preambular; an unmarked one
    keeps the kind of the one before, and the text starts in the preamble. The marks go:
    numbers are assigned. Square brackets mark text not yet agreed.
    """
    paragraphs = []
    kind = ParagraphKind.PREAMBULAR
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        block = " ".join(block.split())
        if not block:
            continue
        mark = _PASTED_NUMBER.match(block)
        if mark:
            kind = ParagraphKind.OPERATIVE if mark["digits"] else ParagraphKind.PREAMBULAR
            block = block[mark.end() :]
        paragraphs.append({"kind": kind, "text": block, "is_bracketed": "[" in block})
    return paragraphs


@transaction.atomic
def version_replace_text(*, version: DocumentVersion, text: str) -> int:
    """Replace a working revision's paragraphs with a pasted text, split by ``split_text``;
    the number of paragraphs."""
    locked = _editable(version)
    paragraphs = split_text(text)
    if not paragraphs:
        raise DocumentError(_("The pasted text has no paragraphs."), code="empty_text")
    if locked.paragraphs.filter(amendments__isnull=False).exists():
        raise DocumentError(
            _(
                "Amendments refer to paragraphs of %(version)s; edit those paragraphs one by one "
                "instead of replacing the whole text."
            )
            % {"version": locked.label},
            code="paragraphs_amended",
        )
    locked.paragraphs.all().delete()
    paragraphs_save(version=locked, added=paragraphs)
    return len(paragraphs)


# Brackets inside a paragraph ----------------------------------------------------------------

P = ParagraphStatus


def _occurrences(text: str, words: str) -> list[int]:
    found, start = [], text.find(words)
    while words and start != -1:
        found.append(start)
        start = text.find(words, start + 1)
    return found


def _span(text: str, words: str, occurrence: int, *, language: str) -> tuple[int, int]:
    """Where the ``occurrence``-th (from 1) ``words`` stand in ``text``; refused if nowhere."""
    words = words.strip()
    found = _occurrences(text, words)
    if not words or not found:
        raise DocumentError(
            _("“%(words)s” is not in the %(language)s text of the paragraph.")
            % {"words": words, "language": _language_name(language)},
            code="bracket_words_missing",
        )
    if len(found) > 1 and occurrence < 1:
        raise DocumentError(
            _("“%(words)s” occurs %(count)d times in the %(language)s text: say which one.")
            % {"words": words, "count": len(found), "language": _language_name(language)},
            code="bracket_words_ambiguous",
        )
    if occurrence > len(found):
        raise DocumentError(
            _("“%(words)s” occurs only %(count)d time(s) in the %(language)s text.")
            % {"words": words, "count": len(found), "language": _language_name(language)},
            code="bracket_words_missing",
        )
    start = found[max(occurrence, 1) - 1]
    return start, start + len(words)


def _language_name(language: str) -> str:
    return _("Russian") if language == "ru" else _("English")


def _conference_delegations(
    delegations: Iterable[Delegation], conference_id: int, *, none_message: str
) -> list[Delegation]:
    delegations = list(delegations)
    if not delegations:
        raise DocumentError(none_message, code="no_holder")
    foreign = [d for d in delegations if d.conference_id != conference_id]
    if foreign:
        raise DocumentError(
            _("Not delegations to this conference: %(names)s.")
            % {"names": ", ".join(str(d) for d in foreign)},
            code="foreign_delegation",
        )
    return delegations


def _locked_paragraph(paragraph: Paragraph) -> tuple[Paragraph, DocumentVersion]:
    version = _editable(paragraph.version)
    locked = Paragraph.objects.select_for_update().get(pk=paragraph.pk)
    return locked, version


def _options(bracket: Bracket, options: Iterable[dict]) -> list[BracketOption]:
    rows = []
    for position, option in enumerate(options, start=2):
        text = (option.get("text") or "").strip()
        if not text:
            raise DocumentError(_("An option needs its text."), code="option_empty")
        row = BracketOption(
            bracket=bracket,
            position=position,
            text_en=text,
            text_ru=(option.get("text_ru") or "").strip(),
        )
        row.full_clean(exclude=["bracket"], validate_unique=False, validate_constraints=False)
        rows.append(row)
    return rows


@transaction.atomic
def bracket_add(
    *,
    paragraph: Paragraph,
    words: str,
    holders: Iterable[Delegation],
    by: User,
    words_ru: str = "",
    occurrence: int = 0,
    occurrence_ru: int = 0,
    options: Iterable[dict] = (),
) -> Bracket:
    """Put ``words`` of the paragraph in brackets, held by ``holders``.

    ``words`` must stand in the English text (``occurrence``: which one, from 1, when they
    occur more than once), ``words_ru`` likewise in the Russian text. ``options`` are the
    alternatives to the words (``{"text": …, "text_ru": …}``), shown as Option 2, 3…
    Overlapping brackets, a bracket without a holder and holders of another conference are
    refused; the paragraph becomes “bracketed”.
    """
    locked, version = _locked_paragraph(paragraph)
    holders = _conference_delegations(
        holders,
        version.document.conference_id,
        none_message=_("A bracket needs the delegation(s) holding it."),
    )
    start, end = _span(locked.text_en or "", words, occurrence, language="en")
    start_ru = end_ru = None
    if words_ru.strip():
        start_ru, end_ru = _span(locked.text_ru or "", words_ru, occurrence_ru, language="ru")
    bracket = Bracket(paragraph=locked, start=start, end=end, start_ru=start_ru, end_ru=end_ru)
    try:
        bracket.full_clean()
    except ValidationError as error:
        raise DocumentError(" ".join(error.messages), code="bracket_span") from error
    bracket.save()
    bracket.holders.set(holders)
    BracketOption.objects.bulk_create(_options(bracket, options))
    Paragraph.objects.filter(pk=locked.pk).update(status=P.BRACKETED)
    _log(
        document=version.document,
        by=by,
        note=_("%(paragraph)s: “%(words)s” bracketed, held by %(holders)s.")
        % {
            "paragraph": paragraph_label(locked),
            "words": bracket.words(),
            "holders": ", ".join(str(d) for d in holders),
        },
    )
    _screens_refresh(paragraph_ids=[locked.pk])
    return bracket


@transaction.atomic
def bracket_update(
    *, bracket: Bracket, holders: Iterable[Delegation], options: Iterable[dict], by: User
) -> Bracket:
    """Change who holds a bracket and its options (its words stay: remove it and add another)."""
    current = Bracket.objects.select_related("paragraph").get(pk=bracket.pk)
    locked, version = _locked_paragraph(current.paragraph)
    holders = _conference_delegations(
        holders,
        version.document.conference_id,
        none_message=_("A bracket needs the delegation(s) holding it."),
    )
    current.holders.set(holders)
    current.options.all().delete()
    BracketOption.objects.bulk_create(_options(current, options))
    _log(
        document=version.document,
        by=by,
        note=_("%(paragraph)s: bracket “%(words)s” now held by %(holders)s.")
        % {
            "paragraph": paragraph_label(locked),
            "words": current.words(),
            "holders": ", ".join(str(d) for d in holders),
        },
    )
    _screens_refresh(paragraph_ids=[locked.pk])
    return current


@transaction.atomic
def bracket_remove(
    *,
    bracket: Bracket,
    by: User,
    status: str = ParagraphStatus.AGREED,
    confirm_by: Iterable[Delegation] = (),
) -> Paragraph:
    """Lift a bracket. Lifting the last one gives the paragraph ``status``: agreed, or agreed
    ad referendum with the delegations that must confirm (``confirm_by``)."""
    current = Bracket.objects.select_related("paragraph").get(pk=bracket.pk)
    locked, version = _locked_paragraph(current.paragraph)
    words = current.words()
    current.delete()
    last = not locked.brackets.exists() and not locked.is_bracketed
    note = _("%(paragraph)s: bracket “%(words)s” lifted.") % {
        "paragraph": paragraph_label(locked),
        "words": words,
    }
    if last:
        _paragraph_status(locked, version, status=status, confirm_by=confirm_by)
        note += " " + _("No bracket remains: %(status)s.") % {
            "status": ParagraphStatus(locked.status).label.lower()
        }
    _log(document=version.document, by=by, note=note)
    _screens_refresh(paragraph_ids=[locked.pk])
    return locked


def _paragraph_status(
    paragraph: Paragraph,
    version: DocumentVersion,
    *,
    status: str,
    confirm_by: Iterable[Delegation] = (),
) -> None:
    status = ParagraphStatus(status)
    disputed = paragraph.is_bracketed or paragraph.brackets.exists()
    if disputed and status != P.BRACKETED:
        raise DocumentError(
            _("%(paragraph)s still has brackets: lift them first.")
            % {"paragraph": paragraph_label(paragraph)},
            code="brackets_remain",
        )
    if status == P.BRACKETED and not disputed:
        raise DocumentError(
            _("Bracket words of %(paragraph)s to mark it bracketed.")
            % {"paragraph": paragraph_label(paragraph)},
            code="no_brackets",
        )
    confirmers: list[Delegation] = []
    if status == P.AD_REFERENDUM:
        confirmers = _conference_delegations(
            confirm_by,
            version.document.conference_id,
            none_message=_("Agreed ad referendum: name the delegation(s) that must confirm."),
        )
    paragraph.status = status
    Paragraph.objects.filter(pk=paragraph.pk).update(status=status)
    paragraph.ad_referendum_by.set(confirmers)


@transaction.atomic
def paragraph_set_status(
    *, paragraph: Paragraph, status: str, by: User, confirm_by: Iterable[Delegation] = ()
) -> Paragraph:
    """Record where a paragraph stands: not yet discussed, agreed ad referendum (by whom), or
    agreed. “Bracketed” follows from its brackets."""
    locked, version = _locked_paragraph(paragraph)
    _paragraph_status(locked, version, status=status, confirm_by=confirm_by)
    _log(
        document=version.document,
        by=by,
        note=_("%(paragraph)s: %(status)s.")
        % {"paragraph": paragraph_label(locked), "status": locked.get_status_display().lower()},
    )
    _screens_refresh(paragraph_ids=[locked.pk])
    return locked


def _reanchor(edited: Iterable[Paragraph]) -> None:
    """Keep the brackets of edited paragraphs on their words: a bracket whose words moved
    follows them; one whose words are gone (or now occur twice) refuses the edit. A Russian
    text emptied drops the Russian spans with it."""
    by_pk = {p.pk: p for p in edited if p.pk}
    if not by_pk:
        return
    changed = []
    for bracket in Bracket.objects.filter(paragraph__in=list(by_pk)).select_related("paragraph"):
        new = by_pk[bracket.paragraph_id]
        moved = False
        for language, start_field, end_field in (
            ("en", "start", "end"),
            ("ru", "start_ru", "end_ru"),
        ):
            start = getattr(bracket, start_field)
            if start is None:
                continue
            old_text = getattr(bracket.paragraph, f"text_{language}") or ""
            new_text = getattr(new, f"text_{language}") or ""
            words = old_text[start : getattr(bracket, end_field)]
            if new_text[start : start + len(words)] == words:
                continue
            if language == "ru" and not new_text:
                setattr(bracket, start_field, None)
                setattr(bracket, end_field, None)
                moved = True
                continue
            found = _occurrences(new_text, words)
            if len(found) != 1:
                raise DocumentError(
                    _(
                        "The bracketed words “%(words)s” of %(paragraph)s are no longer in its "
                        "text exactly once: lift the bracket first, or keep the words."
                    )
                    % {"words": words, "paragraph": paragraph_label(new)},
                    code="bracket_words_gone",
                )
            setattr(bracket, start_field, found[0])
            setattr(bracket, end_field, found[0] + len(words))
            moved = True
        if moved:
            changed.append(bracket)
    Bracket.objects.bulk_update(changed, ["start", "end", "start_ru", "end_ru"])


def _copy_negotiation_state(previous: DocumentVersion, copies: list[Paragraph]) -> None:
    """Carry the brackets (holders, options) and the confirmers of ``previous`` into the
    paragraphs copied from it: a constant number of queries, whatever the length."""
    by_origin = {p.origin_id: p for p in copies}
    brackets = list(
        Bracket.objects.filter(paragraph__version=previous).prefetch_related("holders", "options")
    )
    new = Bracket.objects.bulk_create(
        Bracket(
            paragraph=by_origin[b.paragraph_id],
            start=b.start,
            end=b.end,
            start_ru=b.start_ru,
            end_ru=b.end_ru,
            origin=b,
        )
        for b in brackets
    )
    Bracket.holders.through.objects.bulk_create(
        Bracket.holders.through(bracket_id=copy.pk, delegation_id=d.pk)
        for old, copy in zip(brackets, new, strict=True)
        for d in old.holders.all()
    )
    BracketOption.objects.bulk_create(
        BracketOption(bracket=copy, position=o.position, text_en=o.text_en, text_ru=o.text_ru)
        for old, copy in zip(brackets, new, strict=True)
        for o in old.options.all()
    )
    through = Paragraph.ad_referendum_by.through
    through.objects.bulk_create(
        through(paragraph_id=by_origin[row.paragraph_id].pk, delegation_id=row.delegation_id)
        for row in through.objects.filter(paragraph__version=previous)
    )


# The room's projector ---------------------------------------------------------------------


def _screen_session(session: Session) -> Session:
    """The session locked, so that two facilitators' picks for one screen are taken in turn."""
    return Session.objects.select_for_update().get(pk=session.pk)


def _screen_shown(*, session: Session) -> None:
    # The projectors hear it after the commit; floor.json is a cached public page.
    floor_publish(session_id=session.pk)
    public_pages_invalidate(conference_ids=[session.conference_id])


@transaction.atomic
def document_pick_paragraph(*, paragraph: Paragraph, session: Session, by: User) -> ScreenParagraph:
    """The facilitator puts ``paragraph`` on the projector of ``session`` (a session of the
    same conference), in place of whatever it showed. Picking the paragraph already shown
    changes nothing; otherwise audited on the paragraph's document. The projector shows
    ``selectors.paragraph_payload`` (documents/projector.py)."""
    locked_session = _screen_session(session)
    paragraph = Paragraph.objects.select_related("version__document").get(pk=paragraph.pk)
    document = paragraph.version.document
    if document.conference_id != locked_session.conference_id:
        raise DocumentError(
            _("“%(session)s” is a session of another conference than “%(document)s”.")
            % {"session": locked_session.title, "document": document.title},
            code="screen_elsewhere",
        )
    current = ScreenParagraph.objects.filter(session=locked_session).first()
    if current is not None and current.paragraph_id == paragraph.pk:
        return current
    shown, _created = ScreenParagraph.objects.update_or_create(
        session=locked_session,
        defaults={"paragraph": paragraph, "picked_by": by, "picked_at": timezone.now()},
    )
    _log(
        document=_lock(document),
        by=by,
        note=_("%(paragraph)s (%(version)s) on the screen of “%(session)s”.")
        % {
            "paragraph": paragraph_label(paragraph),
            "version": paragraph.version.label,
            "session": locked_session.title,
        },
    )
    _screen_shown(session=locked_session)
    return shown


@transaction.atomic
def document_clear_screen(*, session: Session, by: User) -> None:
    """Take the paragraph off the projector of ``session``; nothing to do if none is shown.
    Audited on the document whose paragraph it was."""
    locked_session = _screen_session(session)
    current = (
        ScreenParagraph.objects.filter(session=locked_session)
        .select_related("paragraph__version__document")
        .first()
    )
    if current is None:
        return
    current.delete()
    _log(
        document=_lock(current.paragraph.version.document),
        by=by,
        note=_("%(paragraph)s taken off the screen of “%(session)s”.")
        % {"paragraph": paragraph_label(current.paragraph), "session": locked_session.title},
    )
    _screen_shown(session=locked_session)


def _screens_refresh(*, paragraph_ids: Iterable[int]) -> None:
    """The text, brackets or proposals of these paragraphs changed: the projectors showing
    one of them (or a paragraph of a later version copied from it) show the change."""
    sessions = Session.objects.filter(
        Q(screen_paragraph__paragraph__in=paragraph_ids)
        | Q(screen_paragraph__paragraph__origin__in=paragraph_ids)
    ).distinct()
    for session in sessions:
        _screen_shown(session=session)


# The published draft ------------------------------------------------------------------------


@transaction.atomic
def document_publish_draft(
    *, document: OutcomeDocument, version: DocumentVersion, by: User
) -> OutcomeDocument:
    """Show ``version`` (issued, of this document) on the public site as the draft under
    negotiation, in place of the one shown before. Audited; the cached pages are retired."""
    locked = _lock(document)
    if locked.status not in selectors.PUBLIC_DRAFT_STATUSES:
        raise _state_error(locked, _("have its draft published"))
    version = DocumentVersion.objects.get(pk=version.pk)
    if version.document_id != locked.pk:
        raise DocumentError(
            _("%(version)s is a version of another document.") % {"version": version.label},
            code="version_elsewhere",
        )
    if not version.is_issued:
        raise DocumentError(
            _("Issue %(version)s before publishing it: the public sees issued texts only.")
            % {"version": version.label},
            code="version_not_issued",
        )
    if locked.public_draft_id == version.pk:
        return locked
    locked.public_draft = version
    locked.save(update_fields=["public_draft"])
    _log(
        document=locked,
        by=by,
        note=_("%(version)s published as the draft.") % {"version": version.label},
    )
    public_pages_invalidate(conference_ids=[locked.conference_id])
    return locked


@transaction.atomic
def document_withdraw_draft(*, document: OutcomeDocument, by: User) -> OutcomeDocument:
    """Take the published draft off the public site; nothing to do if none is published."""
    locked = _lock(document)
    if locked.public_draft_id is None:
        return locked
    label = locked.public_draft.label
    locked.public_draft = None
    locked.save(update_fields=["public_draft"])
    _log(
        document=locked,
        by=by,
        note=_("Draft %(version)s taken off the public site.") % {"version": label},
    )
    public_pages_invalidate(conference_ids=[locked.conference_id])
    return locked


# Document transitions ------------------------------------------------------------------------


@transaction.atomic
def document_circulate_zero_draft(*, document: OutcomeDocument, by: User) -> OutcomeDocument:
    """Issue the zero draft and move the document from concept to zero draft."""
    locked = _lock(document)
    if locked.status != S.CONCEPT:
        raise _state_error(locked, _("circulate a zero draft"))
    zero = locked.versions.filter(sequence=0).first()
    if zero is None:
        raise DocumentError(
            _("Write the zero draft of “%(document)s” first.") % {"document": locked.title},
            code="no_zero_draft",
        )
    if not zero.is_issued:
        version_issue(version=zero, by=by)
    return _transition(
        document=locked, target=S.ZERO_DRAFT, by=by, action=_("circulate a zero draft")
    )


@transaction.atomic
def document_open_negotiation(
    *, document: OutcomeDocument, by: User, note: str = ""
) -> OutcomeDocument:
    return _transition(
        document=document,
        target=S.UNDER_NEGOTIATION,
        by=by,
        action=_("be opened for negotiation"),
        note=note,
        silence_deadline=None,
    )


def _bracketed_refusal(version: DocumentVersion, action: str) -> None:
    # Square brackets in the text mark disputed words even where the flag was not set.
    bracketed = list(
        version.paragraphs.filter(
            Q(is_bracketed=True) | Q(text__contains="[") | Q(brackets__isnull=False)
        )
        .distinct()
        .order_by("position")
    )
    if bracketed:
        raise DocumentError(
            _("%(version)s cannot %(action)s: bracketed text remains in %(paragraphs)s.")
            % {
                "version": version.label,
                "action": action,
                "paragraphs": ", ".join(paragraph_label(p) for p in bracketed),
            },
            code="bracketed_text",
        )


Link = Callable[[Delegation], str]


@transaction.atomic
def document_start_silence(
    *,
    document: OutcomeDocument,
    deadline: dt.datetime,
    by: User,
    link: Link | None = None,
) -> OutcomeDocument:
    """Put the latest issued version under silence until ``deadline`` and circulate it.

    Every focal point receives the text in their language with the deadline in conference
    time and, where ``link`` builds it (the portal's address for a delegation), their
    delegation's personal link to break silence.
    """
    locked = _lock(document)
    if locked.status != S.UNDER_NEGOTIATION:
        raise _state_error(locked, _("be put under silence procedure"))
    latest = _latest_version(locked)
    if latest is None or not latest.is_issued:
        raise DocumentError(
            _("Issue the working revision before the silence procedure."),
            code="working_revision_unissued",
        )
    now = timezone.now()
    if deadline <= now:
        raise DocumentError(_("The silence deadline must be in the future."), code="deadline_past")
    _bracketed_refusal(latest, _("go under silence procedure"))
    started = _transition(
        document=locked,
        target=S.SILENCE_PROCEDURE,
        by=by,
        action=_("be put under silence procedure"),
        note=_("Silence on %(version)s until %(deadline)s.")
        % {"version": latest.label, "deadline": locked.conference.local_text(deadline)},
        silence_deadline=deadline,
    )
    procedure = SilenceProcedure(
        document=started, version=latest, started_at=now, started_by=by, deadline=deadline
    )
    procedure.full_clean()
    procedure.save()
    _circulate(procedure, link)
    return started


def _circulate(procedure: SilenceProcedure, link: Link | None) -> None:
    from . import notifications

    def url(delegation: Delegation) -> str:
        token = selectors.silence_token(procedure=procedure, delegation=delegation)
        return link(token) if link else reverse("silence_portal:break", args=[token])

    notifications.silence_circulation_write(
        procedure=procedure, link=url, send_id=f"{procedure.deadline:%Y%m%d%H%M%S}"
    )


@transaction.atomic
def silence_extend(
    *, document: OutcomeDocument, deadline: dt.datetime, by: User, link: Link | None = None
) -> SilenceProcedure:
    """Move the running procedure's deadline later; audited, and the text goes out again with
    the new deadline (each delegation's link stays the same)."""
    locked = _lock(document)
    procedure = selectors.running_silence(document=locked)
    if locked.status != S.SILENCE_PROCEDURE or procedure is None:
        raise _state_error(locked, _("have its silence deadline extended"))
    now = timezone.now()
    if now >= procedure.deadline:
        raise DocumentError(
            _("The silence procedure ended at %(deadline)s; it can no longer be extended.")
            % {"deadline": locked.conference.local_text(procedure.deadline)},
            code="silence_over",
        )
    if deadline <= procedure.deadline:
        raise DocumentError(
            _("The new deadline must be after the present one, %(deadline)s.")
            % {"deadline": locked.conference.local_text(procedure.deadline)},
            code="deadline_not_later",
        )
    previous = procedure.deadline
    procedure.deadline = deadline
    procedure.full_clean()
    procedure.save(update_fields=["deadline"])
    locked.silence_deadline = deadline
    locked.save(update_fields=["silence_deadline"])
    _log(
        document=locked,
        by=by,
        note=_("Silence deadline extended from %(previous)s to %(deadline)s.")
        % {
            "previous": locked.conference.local_text(previous),
            "deadline": locked.conference.local_text(deadline),
        },
    )
    _circulate(procedure, link)
    return procedure


@transaction.atomic
def silence_break(
    *,
    document: OutcomeDocument,
    delegation: Delegation,
    text: str,
    by: User,
    through_portal: bool = False,
    procedure_id: int | None = None,
) -> SilenceBreak:
    """A delegation breaks silence: its text is recorded, the procedure ends as broken, the
    document returns to negotiation, the focal point gets a receipt and every focal point is
    told. After the deadline, for another conference's delegation, or a second time: refused,
    nothing written."""
    from . import notifications

    locked = _lock(document)
    if locked.status != S.SILENCE_PROCEDURE:
        raise _state_error(locked, _("have its silence broken"))
    procedure = (
        SilenceProcedure.objects.select_for_update()
        .filter(document=locked, outcome=SilenceOutcome.RUNNING)
        .select_related("version", "document__conference")
        .first()
    )
    if procedure_id is not None and (procedure is None or procedure.pk != procedure_id):
        raise DocumentError(
            _("This silence procedure is over; silence can no longer be broken."),
            code="silence_over",
        )
    now = timezone.now()
    # The document's deadline is the one both the procedure and the document carry (the
    # services write them together), read under the document's lock.
    deadline = locked.silence_deadline
    if now > deadline:
        raise DocumentError(
            _("The silence procedure ended at %(deadline)s; it can no longer be broken.")
            % {"deadline": locked.conference.local_text(deadline)},
            code="silence_over",
        )
    if delegation.conference_id != locked.conference_id:
        raise DocumentError(
            _("%(delegation)s is not a delegation to this conference.")
            % {"delegation": delegation},
            code="foreign_delegation",
        )
    if procedure and procedure.breaks.filter(delegation=delegation).exists():
        raise DocumentError(
            _("%(delegation)s has already broken this silence.") % {"delegation": delegation},
            code="already_broken",
        )
    if not text.strip():
        raise DocumentError(_("A break of silence needs its text."), code="break_text_missing")
    broken = SilenceBreak(
        document=locked,
        procedure=procedure,
        delegation=delegation,
        text=text.strip(),
        broken_at=now,
        through_portal=through_portal,
    )
    broken.full_clean()
    broken.save()
    _transition(
        document=locked,
        target=S.UNDER_NEGOTIATION,
        by=by,
        action=_("be returned to negotiation"),
        note=_("Silence broken by %(delegation)s.") % {"delegation": delegation},
        silence_deadline=None,
    )
    if procedure is not None:
        SilenceProcedure.objects.filter(pk=procedure.pk).update(
            outcome=SilenceOutcome.BROKEN, ended_at=now
        )
        procedure.outcome = SilenceOutcome.BROKEN
        notifications.silence_receipt_write(broken=broken)
        notifications.silence_outcome_write(
            procedure=procedure,
            outcome=lambda: (
                _("%(delegation)s broke silence on %(version)s; the text returns to negotiation.")
                % {"delegation": delegation.local_name, "version": procedure.version.label}
            ),
        )
    return broken


@transaction.atomic
def silence_break_by_token(*, token: str, text: str) -> SilenceBreak:
    """A focal point breaks silence through the personal link. A forged link, one revoked
    (the delegation's portal link was rotated or revoked), one of a procedure that ended or
    of another document's procedure: refused, nothing written."""
    value = selectors.silence_token_read(token)
    if value is None:
        raise DocumentError(_("This link is not valid."), code="link_invalid")
    procedure = (
        SilenceProcedure.objects.select_related("document__conference", "version")
        .filter(pk=value["p"])
        .first()
    )
    delegation = (
        Delegation.objects.select_related("organization", "conference")
        .filter(pk=value["d"])
        .first()
    )
    if procedure is None or delegation is None:
        raise DocumentError(_("This link is not valid."), code="link_invalid")
    if delegation.nomination_link_revoked or delegation.nomination_nonce.hex != value["n"]:
        raise DocumentError(
            _("This link has been revoked. Ask the secretariat for the current one."),
            code="link_revoked",
        )
    if procedure.outcome != SilenceOutcome.RUNNING:
        raise DocumentError(
            _("This silence procedure is over (%(outcome)s); silence can no longer be broken.")
            % {"outcome": procedure.get_outcome_display().lower()},
            code="silence_over",
        )
    return silence_break(
        document=procedure.document,
        delegation=delegation,
        text=text,
        by=None,
        through_portal=True,
        procedure_id=procedure.pk,
    )


def silence_close_due(*, now: dt.datetime | None = None) -> dict[str, int]:
    """End every silence procedure whose deadline has passed: what the beat task runs.

    Each document is closed in its own transaction by ``silence_close``, which locks it and
    checks again, so two schedulers, a retry or a restart end each procedure once.
    """
    now = now or timezone.now()
    due = SilenceProcedure.objects.filter(outcome=SilenceOutcome.RUNNING, deadline__lte=now)
    counts: dict[str, int] = {}
    for procedure_id in due.order_by("deadline").values_list("pk", flat=True):
        outcome = silence_close(procedure_id=procedure_id, now=now)
        if outcome:
            counts[outcome] = counts.get(outcome, 0) + 1
    return counts


@transaction.atomic
def silence_close(*, procedure_id: int, now: dt.datetime | None = None) -> str:
    """End one procedure at its deadline: adopted by silence (and published) if unbroken,
    returned to negotiation if broken. Returns the outcome, or "" when there was nothing to
    do: the procedure already ended, its deadline was extended, or the document moved on.
    """
    from . import notifications

    now = now or timezone.now()
    procedure = SilenceProcedure.objects.filter(pk=procedure_id).select_related("version").first()
    if procedure is None:
        return ""
    document = _lock(procedure.document)  # every writer of the document waits here
    if document.status != S.SILENCE_PROCEDURE:
        # Adopted, closed or reopened by an officer meanwhile: nothing for the task to do.
        return ""
    # The conditional UPDATE is the claim: only one caller moves it out of "running".
    broken = procedure.breaks.exists()
    outcome = SilenceOutcome.BROKEN if broken else SilenceOutcome.ADOPTED
    claimed = SilenceProcedure.objects.filter(
        pk=procedure_id, outcome=SilenceOutcome.RUNNING, deadline__lte=now
    ).update(outcome=outcome, ended_at=now)
    if not claimed:
        return ""
    procedure.refresh_from_db()
    version = procedure.version
    if broken:
        _transition(
            document=document,
            target=S.UNDER_NEGOTIATION,
            by=None,
            action=_("be returned to negotiation"),
            note=_("Silence on %(version)s was broken.") % {"version": version.label},
            silence_deadline=None,
        )

        def sentence() -> str:
            return _("Silence on %(version)s was broken; the text returns to negotiation.") % {
                "version": version.label
            }
    else:
        adopted_on = document.conference.local(procedure.deadline).date()
        adopted = document_adopt(
            document=document,
            method=AdoptionMethod.SILENCE_PROCEDURE,
            adopted_on=adopted_on,
            version=version,
            by=None,
            now=now,
        )
        document_publish(document=adopted, by=None)

        def sentence() -> str:
            return _(
                "No delegation broke silence by %(deadline)s: %(version)s is adopted by the "
                "silence procedure."
            ) % {
                "deadline": document.conference.local_text(procedure.deadline),
                "version": version.label,
            }

    notifications.silence_outcome_write(procedure=procedure, outcome=sentence)
    return outcome


@transaction.atomic
def document_adopt(
    *,
    document: OutcomeDocument,
    method: str,
    adopted_on: dt.date,
    by: User,
    version: DocumentVersion | None = None,
    votes_for: int | None = None,
    votes_against: int | None = None,
    abstentions: int | None = None,
    now: dt.datetime | None = None,
) -> OutcomeDocument:
    """Adopt an issued, unbracketed version by consensus, silence procedure or vote."""
    locked = _lock(document)
    action = _("be adopted")
    if locked.status not in SOURCES[S.ADOPTED]:
        raise _state_error(locked, action)
    if (method == AdoptionMethod.SILENCE_PROCEDURE) != (locked.status == S.SILENCE_PROCEDURE):
        raise _state_error(
            locked,
            _("be adopted by %(method)s") % {"method": AdoptionMethod(method).label.lower()},
        )
    if (
        method == AdoptionMethod.SILENCE_PROCEDURE
        and (now or timezone.now()) < locked.silence_deadline
    ):
        raise DocumentError(
            _("The silence procedure runs until %(deadline)s.")
            % {"deadline": locked.conference.local_text(locked.silence_deadline)},
            code="silence_running",
        )
    votes = (votes_for, votes_against, abstentions)
    if method == AdoptionMethod.VOTE and votes_for is None:
        raise DocumentError(_("A vote needs the number of votes in favour."), code="votes_missing")
    if method != AdoptionMethod.VOTE and any(v is not None for v in votes):
        raise DocumentError(_("Only a vote records numbers."), code="votes_without_vote")
    final = version or _latest_issued(locked)
    if final.document_id != locked.pk:
        raise DocumentError(_("That version belongs to another document."), code="foreign_version")
    if not final.is_issued:
        raise DocumentError(
            _("Issue %(version)s before adopting it.") % {"version": final.label},
            code="version_unissued",
        )
    _bracketed_refusal(final, action)
    if locked.status == S.SILENCE_PROCEDURE:
        _end_running_silence(locked, SilenceOutcome.ADOPTED, now=now)
    adopted = _transition(
        document=locked,
        target=S.ADOPTED,
        by=by,
        action=action,
        note=_("%(version)s adopted by %(method)s.")
        % {"version": final.label, "method": AdoptionMethod(method).label.lower()},
        adoption_method=method,
        adopted_on=adopted_on,
        final_version=final,
        votes_for=votes_for,
        votes_against=votes_against,
        abstentions=abstentions,
    )
    event_emit(
        conference_id=adopted.conference_id,
        kind=DomainEvent.DOCUMENT_ADOPTED,
        payload={
            "document": adopted.pk,
            "version": final.pk,
            "method": method,
            "adopted_on": adopted_on.isoformat(),
        },
    )
    return adopted


@transaction.atomic
def document_publish(*, document: OutcomeDocument, by: User, symbol: str = "") -> OutcomeDocument:
    changes = {"symbol": symbol.strip()} if symbol.strip() else {}
    published = _transition(
        document=document, target=S.PUBLISHED, by=by, action=_("be published"), **changes
    )
    # Public pages are cached on this counter, so a new public text must bump it.
    public_pages_invalidate(conference_ids=[published.conference_id])
    return published


def _end_running_silence(
    document: OutcomeDocument, outcome: str, *, now: dt.datetime | None = None
) -> None:
    """An officer's step ends the running procedure, so the deadline task finds none."""
    SilenceProcedure.objects.filter(document=document, outcome=SilenceOutcome.RUNNING).update(
        outcome=outcome, ended_at=now or timezone.now()
    )


@transaction.atomic
def document_fail(*, document: OutcomeDocument, by: User, note: str = "") -> OutcomeDocument:
    _end_running_silence(_lock(document), SilenceOutcome.CANCELLED)
    return _transition(
        document=document, target=S.FAILED, by=by, action=_("be closed as failed"), note=note
    )


# Amendments ----------------------------------------------------------------------------------


@transaction.atomic
def amendment_propose(
    *,
    document: OutcomeDocument,
    action: str,
    delegations: Iterable[Delegation],
    proposed_text: str = "",
    proposed_text_ru: str = "",
    target_paragraph: Paragraph | None = None,
    kind: str = ParagraphKind.OPERATIVE,
    version: DocumentVersion | None = None,
) -> Amendment:
    """Table an amendment by one or more delegations against an issued version."""
    locked = _lock(document)
    if locked.status not in AMENDABLE:
        raise _state_error(locked, _("receive amendments"))
    version = version or _latest_issued(locked)
    if version.document_id != locked.pk or not version.is_issued:
        raise DocumentError(
            _("Amendments are tabled against an issued version of this document."),
            code="version_not_tabled",
        )
    if target_paragraph is not None and target_paragraph.version_id != version.pk:
        raise DocumentError(
            _("The paragraph is not in %(version)s.") % {"version": version.label},
            code="paragraph_elsewhere",
        )
    delegations = list(delegations)
    if not delegations:
        raise DocumentError(_("An amendment needs at least one delegation."), code="no_sponsor")
    foreign = [d for d in delegations if d.conference_id != locked.conference_id]
    if foreign:
        raise DocumentError(
            _("Not delegations to this conference: %(names)s.")
            % {"names": ", ".join(str(d) for d in foreign)},
            code="foreign_delegation",
        )
    amendment = Amendment(
        document=locked,
        version=version,
        target_paragraph=target_paragraph,
        action=action,
        kind=kind,
        proposed_text=proposed_text.strip(),
        proposed_text_ru=proposed_text_ru.strip(),
    )
    amendment.full_clean()
    amendment.save()
    amendment.proposed_by.set(delegations)
    if target_paragraph is not None:
        _screens_refresh(paragraph_ids=[target_paragraph.pk])
    return amendment


def _lock_proposed(amendment: Amendment, verb: str) -> Amendment:
    locked = Amendment.objects.select_for_update().select_related("document").get(pk=amendment.pk)
    if locked.status != AmendmentStatus.PROPOSED:
        raise DocumentError(
            _("This amendment cannot be %(verb)s: it is already %(status)s.")
            % {"verb": verb, "status": locked.get_status_display().lower()},
            code="amendment_decided",
        )
    if locked.document.status not in AMENDABLE:
        raise _state_error(locked.document, _("have amendments decided"))
    return locked


def _decide(amendment: Amendment, *, status: str, by: User, **changes) -> Amendment:
    amendment.status = status
    amendment.decided_by = by
    amendment.decided_at = timezone.now()
    for field, value in changes.items():
        setattr(amendment, field, value)
    amendment.full_clean()
    amendment.save()
    _log(
        document=amendment.document,
        by=by,
        note=_("Amendment %(number)s %(status)s.")
        % {"number": amendment.pk, "status": amendment.get_status_display().lower()},
    )
    if amendment.target_paragraph_id:
        _screens_refresh(paragraph_ids=[amendment.target_paragraph_id])
    return amendment


def _descendant_in(paragraph: Paragraph, version: DocumentVersion) -> Paragraph | None:
    """The copy of ``paragraph`` in a later ``version``, following the origin links."""
    ids = [paragraph.pk]
    for _step in range(version.sequence - paragraph.version.sequence):
        ids = list(Paragraph.objects.filter(origin_id__in=ids).values_list("pk", flat=True))
    return version.paragraphs.filter(pk__in=ids).first()


@transaction.atomic
def amendment_accept(*, amendment: Amendment, by: User) -> Amendment:
    """Apply the amendment to the working revision and keep the paragraph it produced."""
    locked = _lock_proposed(amendment, _("accepted"))
    working = _editable(_working_revision(locked.document))
    if working.sequence <= locked.version.sequence:
        raise DocumentError(
            _("Open a revision after %(version)s to apply this amendment.")
            % {"version": locked.version.label},
            code="no_later_revision",
        )
    target = None
    if locked.target_paragraph_id:
        target = _descendant_in(locked.target_paragraph, working)
        if target is None:
            raise DocumentError(
                _("The paragraph this amendment changes is no longer in %(version)s.")
                % {"version": working.label},
                code="target_gone",
            )
    resulting = None
    if locked.action == AmendmentAction.ADD:
        resulting = _insert(
            working,
            kind=locked.kind,
            text=locked.proposed_text,
            text_ru=locked.proposed_text_ru,
            is_bracketed=False,
            after=target,
        )
        Paragraph.objects.filter(pk=resulting.pk).update(status=P.AGREED)
    elif locked.action == AmendmentAction.REPLACE:
        # Accepting replacement text agrees it, so any brackets on the paragraph go. The
        # amendment carries both languages; without its Russian text the paragraph's Russian
        # is emptied (the old one would no longer match) and the version shows "translation
        # incomplete" until someone writes it.
        target.text_en, target.text_ru = locked.proposed_text, locked.proposed_text_ru
        target.is_bracketed = False
        target.status = P.AGREED
        target.brackets.all().delete()
        target.full_clean()
        target.save()
        resulting = target
    else:
        target.delete()
        _renumber(working)
    return _decide(locked, status=AmendmentStatus.ACCEPTED, by=by, resulting_paragraph=resulting)


@transaction.atomic
def amendment_reject(*, amendment: Amendment, by: User) -> Amendment:
    return _decide(_lock_proposed(amendment, _("rejected")), status=AmendmentStatus.REJECTED, by=by)


@transaction.atomic
def amendment_withdraw(*, amendment: Amendment, by: User) -> Amendment:
    locked = _lock_proposed(amendment, _("withdrawn"))
    return _decide(locked, status=AmendmentStatus.WITHDRAWN, by=by)


@transaction.atomic
def amendment_merge(*, amendment: Amendment, into: Amendment, by: User) -> Amendment:
    """Fold an amendment into another on the same document; the other carries it on."""
    locked = _lock_proposed(amendment, _("merged"))
    # The caller's copy may be stale: another officer may have just decided ``into``.
    into = Amendment.objects.select_for_update().get(pk=into.pk)
    if into.pk == locked.pk or into.document_id != locked.document_id:
        raise DocumentError(
            _("An amendment merges into another amendment to the same document."),
            code="merge_target",
        )
    if into.status in {AmendmentStatus.REJECTED, AmendmentStatus.WITHDRAWN, AmendmentStatus.MERGED}:
        raise DocumentError(
            _("Amendment %(number)s is %(status)s and cannot absorb others.")
            % {"number": into.pk, "status": into.get_status_display().lower()},
            code="merge_target",
        )
    return _decide(locked, status=AmendmentStatus.MERGED, by=by, merged_into=into)


# Position statements -------------------------------------------------------------------------


@transaction.atomic
def position_statement_add(
    *,
    document: OutcomeDocument,
    kind: str,
    delegations: Iterable[Delegation],
    text: str,
    made_on: dt.date | None = None,
) -> PositionStatement:
    locked = _lock(document)
    if locked.status not in {S.ADOPTED, S.PUBLISHED}:
        raise _state_error(locked, _("receive position statements"))
    delegations = list(delegations)
    if not delegations or any(d.conference_id != locked.conference_id for d in delegations):
        raise DocumentError(
            _("A position statement is made by one or more delegations to this conference."),
            code="foreign_delegation",
        )
    statement = PositionStatement(
        document=locked, kind=PositionKind(kind), text=text.strip(), made_on=made_on
    )
    statement.full_clean()
    statement.save()
    statement.delegations.set(delegations)
    if locked.status == S.PUBLISHED:
        public_pages_invalidate(conference_ids=[locked.conference_id])
    return statement


# Recommendations -----------------------------------------------------------------------------


@transaction.atomic
def recommendation_consolidate(
    *,
    recommendations: Iterable[Recommendation],
    code: str,
    text: str,
    theme: str,
    source_conference: Conference,
    addressee: str = "",
) -> Recommendation:
    """Merge several recommendations into a new one; each keeps a link to it."""
    pks = [r.pk for r in recommendations]
    merged = list(Recommendation.objects.select_for_update().filter(pk__in=pks).order_by("pk"))
    if len(merged) < 2:
        raise DocumentError(
            _("Select at least two recommendations to consolidate."), code="too_few"
        )
    taken = [r for r in merged if r.consolidated_into_id]
    if taken:
        raise DocumentError(
            _("Already consolidated: %(codes)s.") % {"codes": ", ".join(r.code for r in taken)},
            code="already_consolidated",
        )
    result = Recommendation(
        code=code.strip(),
        text=text.strip(),
        theme=theme.strip(),
        addressee=addressee.strip(),
        source_conference=source_conference,
    )
    result.full_clean()
    result.save()
    Recommendation.objects.filter(pk__in=pks).update(
        consolidated_into=result, status=RecommendationStatus.CONSOLIDATED
    )
    # The public recommendations pages show each one's status.
    shown_at = Conference.objects.filter(presented_recommendations__in=pks).distinct()
    public_pages_invalidate(conference_ids=shown_at.values_list("pk", flat=True))
    return result


@transaction.atomic
def recommendation_mark_presented(
    *, recommendations: Iterable[Recommendation], conference: Conference
) -> int:
    """Record that the recommendations were presented at ``conference``; returns how many."""
    pks = [r.pk for r in recommendations]
    rows = list(Recommendation.objects.select_for_update().filter(pk__in=pks))
    through = Recommendation.presented_at.through
    through.objects.bulk_create(
        [through(recommendation_id=r.pk, conference_id=conference.pk) for r in rows],
        ignore_conflicts=True,
    )
    # Only a merely proposed recommendation moves on; later statuses say more than this one.
    Recommendation.objects.filter(pk__in=pks, status=RecommendationStatus.PROPOSED).update(
        status=RecommendationStatus.PRESENTED
    )
    public_pages_invalidate(conference_ids=[conference.pk])
    return len(rows)


def _presenting(recommendation: Recommendation) -> set[int]:
    """The conferences whose recommendations page shows it."""
    if recommendation.pk is None:
        return set()
    through = Recommendation.presented_at.through
    return set(
        through.objects.filter(recommendation_id=recommendation.pk).values_list(
            "conference_id", flat=True
        )
    )


@transaction.atomic
def recommendation_save(
    *, recommendation: Recommendation, presented_at: Iterable[Conference]
) -> Recommendation:
    """Save a recommendation as its admin form edits it, with where it was presented."""
    before = _presenting(recommendation)
    recommendation.save()
    recommendation.presented_at.set(presented_at)
    public_pages_invalidate(conference_ids=before | _presenting(recommendation))
    return recommendation


@transaction.atomic
def recommendation_delete(*, recommendation: Recommendation) -> None:
    presenting = _presenting(recommendation)
    recommendation.delete()
    public_pages_invalidate(conference_ids=presenting)


@transaction.atomic
def document_save(
    *, document: OutcomeDocument, previous_conference_id: int | None = None
) -> OutcomeDocument:
    """Save what the document's admin form edits: title, slug, symbol, conference.

    A published document's pages are cached with its conference's, so they are retired
    (those of the conference it left as well, if that changed).
    """
    document.save()
    if document.status == DocumentStatus.PUBLISHED or document.public_draft_id:
        public_pages_invalidate(
            conference_ids={document.conference_id, previous_conference_id} - {None}
        )
    return document
