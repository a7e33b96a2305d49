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
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.enums import DomainEvent
from conference.events import event_emit
from conference.languages import in_each_language
from conference.site.publishing import public_pages_invalidate
from participants.models import Delegation

from .enums import (
    AdoptionMethod,
    AmendmentAction,
    AmendmentStatus,
    DocumentStatus,
    ParagraphKind,
    PositionKind,
    RecommendationStatus,
)
from .models import (
    Amendment,
    Conference,
    DocumentEvent,
    DocumentVersion,
    OutcomeDocument,
    Paragraph,
    PositionStatement,
    Recommendation,
    SilenceBreak,
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
    Paragraph.objects.bulk_create(
        Paragraph(
            version=revision,
            position=p.position,
            number=p.number,
            kind=p.kind,
            text_en=p.text_en,
            text_ru=p.text_ru,
            is_bracketed=p.is_bracketed,
            origin=p,
        )
        for p in previous.paragraphs.order_by("position")
    )
    _log(document=locked, by=by, note=_("%(version)s opened.") % {"version": revision.label})
    return revision


@transaction.atomic
def version_issue(*, version: DocumentVersion, by: User) -> DocumentVersion:
    locked = _editable(version)
    paragraphs = list(locked.paragraphs.order_by("position"))
    if not paragraphs:
        raise DocumentError(
            _("%(version)s has no paragraphs to issue.") % {"version": locked.label},
            code="version_empty",
        )
    _renumber(locked, paragraphs)
    locked.issued_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["issued_at"])
    _log(document=locked.document, by=by, note=_("%(version)s issued.") % {"version": locked.label})
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
    top = max((p.position for p in ordered), default=0)
    paragraph = _paragraph(
        version, kind=kind, text=text, text_ru=text_ru, is_bracketed=is_bracketed, position=top + 1
    )
    paragraph.save()
    ordered.insert(index, paragraph)
    _renumber(version, ordered)
    return paragraph


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
    current.is_bracketed = is_bracketed
    current.full_clean()
    current.save()
    _renumber(locked_version)
    current.refresh_from_db()
    return current


@transaction.atomic
def paragraph_delete(*, paragraph: Paragraph) -> None:
    locked_version = _editable(paragraph.version)
    Paragraph.objects.get(pk=paragraph.pk).delete()
    _renumber(locked_version)


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
        paragraph.full_clean(exclude=["version"], validate_unique=False, validate_constraints=False)
        edits.append(paragraph)
    Paragraph.objects.bulk_update(edits, ["kind", "text_en", "text_ru", "is_bracketed"])
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
        version.paragraphs.filter(Q(is_bracketed=True) | Q(text__contains="[")).order_by("position")
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


@transaction.atomic
def document_start_silence(
    *, document: OutcomeDocument, deadline: dt.datetime, by: User
) -> OutcomeDocument:
    """Put the latest issued version under silence until ``deadline``."""
    locked = _lock(document)
    if locked.status != S.UNDER_NEGOTIATION:
        raise _state_error(locked, _("be put under silence procedure"))
    latest = _latest_version(locked)
    if latest is None or not latest.is_issued:
        raise DocumentError(
            _("Issue the working revision before the silence procedure."),
            code="working_revision_unissued",
        )
    if deadline <= timezone.now():
        raise DocumentError(_("The silence deadline must be in the future."), code="deadline_past")
    _bracketed_refusal(latest, _("go under silence procedure"))
    return _transition(
        document=locked,
        target=S.SILENCE_PROCEDURE,
        by=by,
        action=_("be put under silence procedure"),
        note=_("Silence on %(version)s until %(deadline)s.")
        % {"version": latest.label, "deadline": f"{deadline:%Y-%m-%d %H:%M %Z}"},
        silence_deadline=deadline,
    )


@transaction.atomic
def silence_break(
    *, document: OutcomeDocument, delegation: Delegation, text: str, by: User
) -> SilenceBreak:
    """A delegation breaks silence: its text is recorded and negotiation resumes."""
    locked = _lock(document)
    if locked.status != S.SILENCE_PROCEDURE:
        raise _state_error(locked, _("have its silence broken"))
    now = timezone.now()
    if now > locked.silence_deadline:
        raise DocumentError(
            _("The silence procedure ended at %(deadline)s; it can no longer be broken.")
            % {"deadline": f"{locked.silence_deadline:%Y-%m-%d %H:%M %Z}"},
            code="silence_over",
        )
    if delegation.conference_id != locked.conference_id:
        raise DocumentError(
            _("%(delegation)s is not a delegation to this conference.")
            % {"delegation": delegation},
            code="foreign_delegation",
        )
    broken = SilenceBreak(document=locked, delegation=delegation, text=text.strip(), broken_at=now)
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
    return broken


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
    if method == AdoptionMethod.SILENCE_PROCEDURE and timezone.now() <= locked.silence_deadline:
        raise DocumentError(
            _("The silence procedure runs until %(deadline)s.")
            % {"deadline": f"{locked.silence_deadline:%Y-%m-%d %H:%M %Z}"},
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


@transaction.atomic
def document_fail(*, document: OutcomeDocument, by: User, note: str = "") -> OutcomeDocument:
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
    )
    amendment.full_clean()
    amendment.save()
    amendment.proposed_by.set(delegations)
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
            working, kind=locked.kind, text=locked.proposed_text, is_bracketed=False, after=target
        )
    elif locked.action == AmendmentAction.REPLACE:
        # Accepting replacement text agrees it, so any brackets on the paragraph go.
        # The amendment is English; the old Russian text would no longer match it.
        target.text_en, target.text_ru = locked.proposed_text, ""
        target.is_bracketed = False
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
    if document.status == DocumentStatus.PUBLISHED:
        public_pages_invalidate(
            conference_ids={document.conference_id, previous_conference_id} - {None}
        )
    return document
