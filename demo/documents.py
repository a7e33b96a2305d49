"""Outcome documents, written through conference.services like any other client.

The services stamp the present time, so each step is moved back to its 2019 date
afterwards (Clock, backdate_version). Apart from those timestamps, only the first
"concept" event and the "Final" label of the last version are written directly.
"""

import re
from datetime import date, timedelta

from django.utils import timezone

from documents import services
from documents.enums import (
    AmendmentAction,
    DocumentKind,
    ParagraphKind,
    ParagraphStatus,
    PositionKind,
    SilenceOutcome,
)
from documents.enums import DocumentStatus as Status
from documents.models import (
    Amendment,
    DocumentEvent,
    DocumentVersion,
    OutcomeDocument,
    SilenceBreak,
    SilenceProcedure,
)

from . import declaration_text as text
from .common import local


class Clock:
    """Backdates the events a document has gained since the last call."""

    def __init__(self, document):
        self.document = document
        self.last_pk = 0

    def stamp(self, moment, note: str | None = None) -> None:
        new = DocumentEvent.objects.filter(document=self.document, pk__gt=self.last_pk)
        last = new.order_by("-pk").values_list("pk", flat=True).first()
        changes = {"at": moment} if note is None else {"at": moment, "note": note}
        new.update(**changes)
        self.last_pk = last or self.last_pk


def backdate_version(version, created, issued=None) -> None:
    DocumentVersion.objects.filter(pk=version.pk).update(created_at=created, issued_at=issued)
    version.refresh_from_db()


DECLARATION_SYMBOL = "DUS/2019/DECL.1"


def start(conference, kind, titles, slug, by, note, moment):
    """A document in the concept stage, with the event that records it; titles (en, ru)."""
    document = OutcomeDocument.objects.create(
        conference=conference, kind=kind, title_en=titles[0], title_ru=titles[1], slug=slug
    )
    DocumentEvent.objects.create(document=document, to_status=Status.CONCEPT, by=by, note=note)
    clock = Clock(document)
    clock.stamp(moment)
    return document, clock


def descendants(version, parents: dict) -> dict:
    """Follow origin links: {index: paragraph} in ``version`` for {index: parent paragraph}."""
    by_origin = {p.origin_id: p for p in version.paragraphs.all()}
    return {index: by_origin[parent.pk] for index, parent in parents.items()}


BRACKET = re.compile(r"\[([^\[\]]*)\]")

# Who holds each bracket of the zero draft, by paragraph index, in the order of the text.
HOLDERS = {
    3: [["IT", "FR"]],
    4: [["TM"]],
    7: [["AF"]],
    8: [["RU", "CN"]],
    10: [["US"], ["GB", "DE"]],
}


def unbracketed(body: str) -> tuple[str, list[tuple[str, int]]]:
    """The text without its square brackets, and each bracketed span as (words, occurrence)."""
    plain, spans, cursor = "", [], 0
    for match in BRACKET.finditer(body):
        plain += body[cursor : match.start()]
        words = match.group(1)
        spans.append((words, plain.count(words.strip(" ,")) + 1))
        plain += words
        cursor = match.end()
    return plain + body[cursor:], spans


def bracket(paragraph, body: str, body_ru: str, holders: list[list[str]], delegations, by):
    """Record the square brackets of ``body`` (and ``body_ru``) as brackets held by
    ``holders`` (delegation keys, one list per bracket)."""
    _plain, spans = unbracketed(body)
    _plain_ru, spans_ru = unbracketed(body_ru)
    for (words, occurrence), (words_ru, occurrence_ru), keys in zip(
        spans, spans_ru, holders, strict=True
    ):
        services.bracket_add(
            paragraph=paragraph, words=words.strip(" ,"), occurrence=occurrence,
            words_ru=words_ru.strip(" ,"), occurrence_ru=occurrence_ru,
            holders=[delegations[key] for key in keys], by=by,
        )  # fmt: skip


def edit(paragraph, body: str, body_ru: str, bracketed: bool = False, by=None) -> None:
    """Rewrite a paragraph; brackets whose words no longer stand in brackets are lifted."""
    plain, spans = unbracketed(body)
    plain_ru, _spans_ru = unbracketed(body_ru)
    kept = {words.strip(" ,") for words, _occurrence in spans}
    for held in list(paragraph.brackets.all()):
        if held.words() not in kept:
            services.bracket_remove(bracket=held, by=by)
    services.paragraph_edit(
        paragraph=paragraph, text=plain, text_ru=plain_ru, kind=paragraph.kind,
        is_bracketed=False,
    )  # fmt: skip


def agree_the_rest(version, by, ad_referendum: dict | None = None) -> None:
    """Every paragraph without brackets is agreed, or agreed ad referendum where named."""
    for paragraph in version.paragraphs.order_by("position"):
        if paragraph.brackets.exists():
            continue
        confirm_by = (ad_referendum or {}).get(paragraph.pk)
        services.paragraph_set_status(
            paragraph=paragraph,
            status=ParagraphStatus.AD_REFERENDUM if confirm_by else ParagraphStatus.AGREED,
            confirm_by=confirm_by or (),
            by=by,
        )


def build_declaration(conference, delegations, by) -> OutcomeDocument:
    document, clock = start(
        conference, DocumentKind.DECLARATION, ("Dushanbe Declaration", "Душанбинская декларация"),
        "dushanbe-declaration", by, "Concept agreed with the co-organizers.", local(3, 20, 10),
    )  # fmt: skip
    zero = services.version_create_zero_draft(document=document, by=by)
    paragraphs = {}
    for index, ((kind, body, _bracketed), body_ru) in enumerate(
        zip(text.ZERO_DRAFT, text.ZERO_DRAFT_RU, strict=True)
    ):
        paragraphs[index] = services.paragraph_add(
            version=zero, kind=kind, text=unbracketed(body)[0], text_ru=unbracketed(body_ru)[0]
        )
        if index in HOLDERS:
            bracket(paragraphs[index], body, body_ru, HOLDERS[index], delegations, by)
    services.document_circulate_zero_draft(document=document, by=by)
    clock.stamp(local(4, 22, 12))
    backdate_version(zero, local(4, 19, 16), local(4, 22, 12))
    services.document_open_negotiation(
        document=document, by=by, note="Informal consultations opened."
    )
    clock.stamp(local(5, 6, 10))
    amendments = propose_amendments(document, zero, paragraphs, delegations)

    rev1 = services.version_create_revision(document=document, by=by)
    clock.stamp(local(5, 10, 9))
    decide_amendments(*amendments, by=by)
    clock.stamp(local(5, 10, 17))
    paragraphs = descendants(rev1, paragraphs)
    # Kazakhstan's accepted amendment is English: its Russian text is added with the edits.
    accepted = paragraphs[6]
    edit(accepted, accepted.text_en, text.PPP_KZ_RU)
    for index, (body, bracketed) in text.REV_1_EDITS.items():
        edit(paragraphs[index], body, text.REV_1_EDITS_RU[index], bracketed, by=by)
    energy = services.paragraph_add(
        version=rev1, kind=ParagraphKind.OPERATIVE, text=text.REV_1_ADDED,
        text_ru=text.REV_1_ADDED_RU, after=paragraphs[text.REV_1_ADDED_AFTER],
    )  # fmt: skip
    # The new paragraph on energy infrastructure waits for Ashgabat's confirmation.
    agree_the_rest(rev1, by, ad_referendum={energy.pk: [delegations["TM"]]})
    services.version_issue(version=rev1, by=by)
    clock.stamp(local(5, 13, 18))
    backdate_version(rev1, local(5, 10, 9), local(5, 13, 18))

    final = services.version_create_revision(document=document, by=by)
    final.label_en, final.label_ru = "Final", "Окончательный текст"
    final.save(update_fields=["label", "label_en", "label_ru"])
    clock.stamp(local(5, 16, 19), note="Final text opened.")
    paragraphs = descendants(final, paragraphs)
    for index, body in text.FINAL_EDITS.items():
        edit(paragraphs[index], body, text.FINAL_EDITS_RU[index], by=by)
    agree_the_rest(final, by)
    services.version_issue(version=final, by=by)
    clock.stamp(local(5, 16, 22))
    backdate_version(final, local(5, 16, 19), local(5, 16, 22))
    break_silence(document, delegations["TM"], by, clock)
    adopt_by_silence(document, by, clock)

    services.position_statement_add(
        document=document, kind=PositionKind.INTERPRETATIVE, delegations=[delegations["TM"]],
        text=text.POSITION_TM, made_on=date(2019, 5, 17),
    )  # fmt: skip
    # An invented conference-room symbol: the demo's documents are not UN documents.
    document.refresh_from_db()
    document.symbol = DECLARATION_SYMBOL
    document = services.document_save(document=document)
    return document


def adopt_by_silence(document, by, clock) -> None:
    """After Turkmenistan's break the Final text went under silence again from 13:00 to
    16:30 on 17 May, nobody broke it, and the deadline task adopted and published it.

    Run on today's clock (the services refuse past deadlines), then moved back to 2019.
    """
    services.document_start_silence(
        document=document, deadline=timezone.now() + timedelta(minutes=5), by=by
    )
    clock.stamp(local(5, 17, 13), note="Silence on Final until 17 May 2019, 16:30 (Dushanbe).")
    procedure = SilenceProcedure.objects.get(document=document, outcome=SilenceOutcome.RUNNING)
    services.silence_close(procedure_id=procedure.pk, now=procedure.deadline + timedelta(seconds=1))
    clock.stamp(local(5, 17, 16, 30))
    SilenceProcedure.objects.filter(pk=procedure.pk).update(
        started_at=local(5, 17, 13), deadline=local(5, 17, 16, 30), ended_at=local(5, 17, 16, 30)
    )
    OutcomeDocument.objects.filter(pk=document.pk).update(
        adopted_on=date(2019, 5, 17), silence_deadline=local(5, 17, 16, 30)
    )


SILENCE_BREAK_TM = (
    "Turkmenistan breaks silence on the Final text: it asks that its status of permanent "
    "neutrality be taken into account and will make a statement on adoption."
)


def break_silence(document, delegation, by, clock) -> None:
    """The Final text went under silence overnight and Turkmenistan broke it in the morning.

    Negotiation resumed, and the text was adopted unchanged at the closing plenary with
    Turkmenistan's interpretative statement.
    """
    # The services refuse a deadline in the past, so the procedure runs on today's clock
    # and its record is moved back to 2019 like every other step.
    services.document_start_silence(
        document=document, deadline=timezone.now() + timedelta(hours=1), by=by
    )
    clock.stamp(local(5, 16, 22), note="Silence on Final until 17 May 2019, 12:00 (Dushanbe).")
    broken = services.silence_break(
        document=document, delegation=delegation, text=SILENCE_BREAK_TM, by=by
    )
    SilenceBreak.objects.filter(pk=broken.pk).update(broken_at=local(5, 17, 10, 30))
    SilenceProcedure.objects.filter(pk=broken.procedure_id).update(
        started_at=local(5, 16, 22), deadline=local(5, 17, 12), ended_at=local(5, 17, 10, 30)
    )
    clock.stamp(local(5, 17, 10, 30))


def propose_amendments(document, zero, paragraphs, delegations) -> tuple:
    """Kazakhstan's (to accept), Uzbekistan's (to merge into it), Kyrgyzstan's (to reject)."""
    proposals = [
        ("KZ", AmendmentAction.REPLACE, paragraphs[6], text.PPP_KZ, local(5, 7, 11)),
        ("UZ", AmendmentAction.REPLACE, paragraphs[6], text.PPP_UZ, local(5, 8, 9)),
        ("KG", AmendmentAction.ADD, paragraphs[10], text.WORKING_GROUP_KG, local(5, 7, 15)),
    ]
    amendments = []
    for key, action, target, body, moment in proposals:
        amendment = services.amendment_propose(
            document=document, action=action, delegations=[delegations[key]],
            proposed_text=body, target_paragraph=target, version=zero,
        )  # fmt: skip
        Amendment.objects.filter(pk=amendment.pk).update(submitted_at=moment)
        amendments.append(amendment)
    return tuple(amendments)


def decide_amendments(accepted, merged, rejected, by) -> None:
    services.amendment_accept(amendment=accepted, by=by)
    services.amendment_merge(amendment=merged, into=accepted, by=by)
    services.amendment_reject(amendment=rejected, by=by)
    Amendment.objects.filter(pk__in=[accepted.pk, merged.pk, rejected.pk]).update(
        decided_at=local(5, 10, 17)
    )


def build_chairs_summary(conference, by) -> OutcomeDocument:
    """The Chair's summary: a zero draft being written, never issued."""
    document, _ = start(
        conference, DocumentKind.CHAIRS_SUMMARY, ("Chair's summary", "Резюме Председателя"),
        "chairs-summary", by, "Outline prepared by the Chair.", local(5, 17, 18),
    )  # fmt: skip
    draft = services.version_create_zero_draft(document=document, by=by)
    for body, body_ru in zip(text.CHAIRS_SUMMARY, text.CHAIRS_SUMMARY_RU, strict=True):
        services.paragraph_add(
            version=draft, kind=ParagraphKind.OPERATIVE, text=body, text_ru=body_ru
        )
    backdate_version(draft, local(5, 20, 15))
    return document
