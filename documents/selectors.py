"""Careful reads for outcome documents and recommendations.

The public selectors are the only gate between drafts and the public: they return
published documents of public conferences and nothing else.
"""

from __future__ import annotations

from itertools import groupby

from django.core import signing
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.models import Conference
from participants.models import Delegation
from sessions.models import Session, Statement

from .enums import DocumentStatus, SilenceOutcome
from .models import (
    Bracket,
    DocumentVersion,
    OutcomeDocument,
    Paragraph,
    PositionStatement,
    Recommendation,
    ScreenParagraph,
)

# A published draft is shown while the text is negotiated, not before or after.
PUBLIC_DRAFT_STATUSES = frozenset(
    {DocumentStatus.ZERO_DRAFT, DocumentStatus.UNDER_NEGOTIATION, DocumentStatus.SILENCE_PROCEDURE}
)


def public_drafts(*, conference: Conference) -> QuerySet[OutcomeDocument]:
    """The documents under negotiation whose draft the conference publishes."""
    return (
        conference.outcome_documents.filter(
            status__in=PUBLIC_DRAFT_STATUSES, public_draft__isnull=False
        )
        .select_related("public_draft")
        .order_by("title")
    )


def public_draft(*, conference: Conference, slug: str) -> OutcomeDocument:
    """A document with its published draft, or 404 when it publishes none (or no longer)."""
    return get_object_or_404(public_drafts(conference=conference), slug=slug)


def published_documents(*, conference: Conference) -> QuerySet[OutcomeDocument]:
    return conference.outcome_documents.filter(status=DocumentStatus.PUBLISHED).order_by(
        "-adopted_on", "title"
    )


def published_document(*, conference: Conference, slug: str) -> OutcomeDocument:
    """A published document with its final version, or 404 for anything else."""
    return get_object_or_404(
        published_documents(conference=conference).select_related("final_version"), slug=slug
    )


# How a paragraph's brackets are loaded, once for every page, PDF and payload that shows them.
HOLDERS = Prefetch(
    "holders", queryset=Delegation.objects.select_related("organization").order_by("name")
)
BRACKETS = Prefetch(
    "brackets", queryset=Bracket.objects.order_by("start").prefetch_related(HOLDERS, "options")
)
CONFIRMERS = Prefetch(
    "ad_referendum_by",
    queryset=Delegation.objects.select_related("organization").order_by("name"),
)


def with_brackets(paragraphs: QuerySet[Paragraph]) -> QuerySet[Paragraph]:
    return paragraphs.prefetch_related(BRACKETS, CONFIRMERS)


def version_paragraphs(
    *, version: DocumentVersion, positions: tuple[int, int] | None = None
) -> list[Paragraph]:
    """The version's paragraphs in order with their brackets; ``positions`` (after, up to)
    limits them to one page."""
    paragraphs = version.paragraphs.order_by("position")
    if positions is not None:
        paragraphs = paragraphs.filter(position__gt=positions[0], position__lte=positions[1])
    return list(with_brackets(paragraphs))


def position_statements(*, document: OutcomeDocument) -> list[PositionStatement]:
    return list(
        document.position_statements.order_by("made_on", "id").prefetch_related(
            Prefetch("delegations", queryset=Delegation.objects.order_by("name"))
        )
    )


def issued_versions(*, document: OutcomeDocument) -> list[DocumentVersion]:
    return list(document.versions.filter(issued_at__isnull=False).order_by("sequence"))


def versions_to_compare(
    *, versions: list[DocumentVersion], old: str | None, new: str | None
) -> tuple[DocumentVersion, DocumentVersion]:
    """The two versions named by sequence in the query string; by default the last two.

    ``versions`` is the list the reader may choose from, so a draft that is not in it
    cannot be reached by guessing its number.
    """
    if len(versions) < 2:
        raise Http404(_("This document has a single version."))
    by_sequence = {str(v.sequence): v for v in versions}
    try:
        return by_sequence[old or str(versions[-2].sequence)], by_sequence[
            new or str(versions[-1].sequence)
        ]
    except KeyError as missing:
        raise Http404(_("No such version.")) from missing


def recommendations_by_theme(*, conference: Conference) -> list[tuple[str, list[Recommendation]]]:
    """The recommendations presented at ``conference``, grouped by theme."""
    rows = (
        Recommendation.objects.filter(presented_at=conference)
        .select_related("source_conference")
        .order_by("theme", "source_conference__start_date", "code")
    )
    return [(theme, list(items)) for theme, items in groupby(rows, key=lambda r: r.theme)]


UNTRANSLATED = Q(text_en="") | Q(text_en__isnull=True) | Q(text_ru="") | Q(text_ru__isnull=True)


def with_translation_flag(documents: QuerySet[OutcomeDocument]) -> QuerySet[OutcomeDocument]:
    """Annotate ``translation_incomplete``: the latest version has a paragraph without its
    English or Russian text (one subquery, whatever the number of documents)."""
    latest = DocumentVersion.objects.filter(document=OuterRef(OuterRef("pk"))).order_by("-sequence")
    gaps = Paragraph.objects.filter(UNTRANSLATED, version=Subquery(latest.values("pk")[:1]))
    return documents.annotate(translation_incomplete=Exists(gaps))


SILENCE_SALT = "documents.silence-break"


def silence_token(*, procedure, delegation: Delegation) -> str:
    """The signed part of a delegation's “break silence” link: the procedure, the delegation
    and the delegation's link nonce, so that rotating or revoking the delegation's portal link
    revokes this one too."""
    return signing.Signer(salt=SILENCE_SALT).sign_object(
        {"p": procedure.pk, "d": delegation.pk, "n": delegation.nomination_nonce.hex}
    )


def silence_token_read(token: str) -> dict | None:
    """The token's values, or None when it is forged or malformed."""
    try:
        value = signing.Signer(salt=SILENCE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(value, dict) or not {"p", "d", "n"} <= value.keys():
        return None
    if not all(isinstance(value[k], int) for k in ("p", "d")) or not isinstance(value["n"], str):
        return None
    return value


def silence_register(*, document: OutcomeDocument):
    """Every break of silence on the document, latest procedure first."""
    return list(
        document.silence_breaks.select_related(
            "delegation__organization", "procedure__version"
        ).order_by("-broken_at")
    )


def running_silence(*, document: OutcomeDocument):
    return (
        document.silence_procedures.filter(outcome=SilenceOutcome.RUNNING)
        .select_related("version")
        .first()
    )


def progress(*, document: OutcomeDocument) -> list[dict]:
    """How clean each version's text is: per kind (and in all), the paragraphs agreed and the
    words outside brackets, with the version's date. A constant number of queries."""
    from . import brackets

    versions = list(document.versions.order_by("sequence"))
    paragraphs = with_brackets(
        Paragraph.objects.filter(version__document=document).order_by("version", "position")
    ).only("pk", "version", "position", "kind", "status", "is_bracketed", "text_en")
    by_version: dict[int, list[Paragraph]] = {}
    for paragraph in paragraphs:
        by_version.setdefault(paragraph.version_id, []).append(paragraph)
    rows = []
    for version in versions:
        figures = {}
        for kind in ("preambular", "operative", "all"):
            chosen = [p for p in by_version.get(version.pk, []) if kind == "all" or p.kind == kind]
            words = [brackets.word_counts(p) for p in chosen]
            total_words = sum(w for w, _inside in words)
            figures[kind] = {
                "paragraphs": len(chosen),
                "agreed": sum(1 for p in chosen if brackets.is_agreed(p)),
                "words": total_words,
                "clean_words": total_words - sum(inside for _w, inside in words),
            }
            for share, (part, whole) in {
                "agreed_share": ("agreed", "paragraphs"),
                "clean_share": ("clean_words", "words"),
            }.items():
                whole_value = figures[kind][whole]
                figures[kind][share] = (
                    round(100 * figures[kind][part] / whole_value, 1) if whole_value else None
                )
        rows.append(
            {
                "version": version,
                "at": version.issued_at or version.created_at,
                **figures,
            }
        )
    return rows


def _both(get) -> dict[str, str]:
    """A value in each language, read with that language active."""
    from django.utils import translation

    values = {}
    for language in ("en", "ru"):
        with translation.override(language):
            values[language] = get(language)
    return values


def paragraph_payload(*, paragraph: Paragraph) -> dict:
    """What the room's projector shows for the paragraph under negotiation: its text in both
    languages cut into plain and bracketed runs (holders, options), its status, and the
    pending amendments to it (the proposals) with their sponsors. Plain JSON-ready data; the
    live channel pushes it, a JSON endpoint serves it as the fallback. Constant queries."""
    from . import brackets
    from .enums import AmendmentStatus
    from .models import Amendment

    [loaded] = with_brackets(Paragraph.objects.filter(pk=paragraph.pk)).select_related(
        "version__document"
    )
    version = loaded.version
    # The proposals: amendments tabled against this paragraph or the one it was copied from.
    ancestors, current = [], loaded
    lineage = dict(
        Paragraph.objects.filter(version__document=version.document).values_list("pk", "origin_id")
    )
    while current is not None:
        ancestors.append(current if isinstance(current, int) else current.pk)
        parent = lineage.get(ancestors[-1])
        current = parent
    proposals = list(
        Amendment.objects.filter(target_paragraph__in=ancestors, status=AmendmentStatus.PROPOSED)
        .prefetch_related(
            Prefetch(
                "proposed_by",
                queryset=Delegation.objects.select_related("organization").order_by("name"),
            )
        )
        .order_by("submitted_at", "pk")
    )

    def runs(language: str) -> list[dict]:
        return [
            {
                "text": s.text,
                "bracketed": s.bracketed,
                "options": list(s.options),
                "holders": list(s.holders),
            }
            for s in brackets.segments(loaded, language)
        ]

    return {
        "document": _both(lambda _l: version.document.title),
        "version": _both(lambda _l: version.label),
        "paragraph": {
            "id": loaded.pk,
            "number": loaded.number,
            "kind": loaded.kind,
            "status": loaded.status,
            "status_label": _both(lambda _l: str(loaded.get_status_display())),
            "to_confirm": _both(lambda _l: [d.local_name for d in loaded.ad_referendum_by.all()]),
            "text": _both(runs),
        },
        "proposals": [
            {
                "id": a.pk,
                "action": a.action,
                "action_label": _both(lambda _l, a=a: str(a.get_action_display())),
                "proposed_by": _both(lambda _l, a=a: [d.local_name for d in a.proposed_by.all()]),
                "text": {"en": a.proposed_text, "ru": a.proposed_text_ru or a.proposed_text},
            }
            for a in proposals
        ],
    }


def screen_sessions(*, conference: Conference) -> tuple[list[Session], Session | None]:
    """The sessions of ``conference`` a facilitator may put a paragraph before, in order, and
    the one on the floor now: where someone has the floor, else the one under way, else None."""
    now = timezone.now()
    sessions = list(
        conference.sessions.annotate(
            speaking=Exists(
                Statement.objects.filter(
                    session=OuterRef("pk"), started_at__isnull=False, ended_at__isnull=True
                )
            )
        )
        .select_related("room", "screen_paragraph")
        .order_by("starts_at", "order", "pk")
    )
    on_floor = next((s for s in sessions if s.speaking), None) or next(
        (s for s in sessions if s.starts_at <= now < s.ends_at), None
    )
    return sessions, on_floor


def screen_paragraph(*, session: Session) -> Paragraph | None:
    shown = ScreenParagraph.objects.filter(session=session).select_related("paragraph").first()
    return None if shown is None else shown.paragraph


SCREEN_PERMISSIONS = ("documents.change_outcomedocument", "agenda.change_session")


def can_pick_paragraph(user) -> bool:
    """The room's screen: staff who draft the text or run the programme's sessions."""
    return (
        user.is_active
        and user.is_staff
        and any(user.has_perm(permission) for permission in SCREEN_PERMISSIONS)
    )
