"""The life of an outcome document, from zero draft to published, through the services."""

import datetime as dt

import pytest
from django.utils import timezone

from documents.enums import (
    AdoptionMethod,
    AmendmentAction,
    AmendmentStatus,
    DocumentStatus,
    ParagraphKind,
    PositionKind,
)
from documents.models import DocumentEvent, OutcomeDocument, SilenceBreak
from documents.services import (
    DocumentError,
    amendment_accept,
    amendment_merge,
    amendment_propose,
    amendment_reject,
    document_adopt,
    document_circulate_zero_draft,
    document_open_negotiation,
    document_publish,
    document_start_silence,
    paragraph_add,
    paragraph_edit,
    position_statement_add,
    silence_break,
    version_create_revision,
    version_create_zero_draft,
    version_issue,
)
from tests.factories import DelegationFactory, OutcomeDocumentFactory, UserFactory

pytestmark = pytest.mark.django_db

PRE, OP = ParagraphKind.PREAMBULAR, ParagraphKind.OPERATIVE
S = DocumentStatus


def texts(version):
    return [(p.number, p.kind, p.text, p.is_bracketed) for p in version.paragraphs.all()]


def zero_draft(document, officer):
    zero = version_create_zero_draft(document=document, by=officer)
    paragraph_add(version=zero, kind=PRE, text="Recalling the relevant resolutions.")
    paragraph_add(
        version=zero, kind=PRE, text="Concerned by illicit drug trafficking.", is_bracketed=True
    )
    paragraph_add(version=zero, kind=OP, text="Calls for closer co-operation.")
    paragraph_add(version=zero, kind=OP, text="Urges the exchange of data.", is_bracketed=True)
    paragraph_add(version=zero, kind=OP, text="Decides to meet again.")
    return zero


def test_whole_lifecycle_from_zero_draft_to_published():
    officer = UserFactory()
    document = OutcomeDocumentFactory(title="Dushanbe Declaration")
    kazakhstan, kyrgyzstan, turkmenistan = (
        DelegationFactory(conference=document.conference, country=c) for c in ("KZ", "KG", "TM")
    )
    zero = zero_draft(document, officer)
    assert texts(zero) == [
        ("a", PRE, "Recalling the relevant resolutions.", False),
        ("b", PRE, "Concerned by illicit drug trafficking.", True),
        ("1", OP, "Calls for closer co-operation.", False),
        ("2", OP, "Urges the exchange of data.", True),
        ("3", OP, "Decides to meet again.", False),
    ]

    document = document_circulate_zero_draft(document=document, by=officer)
    zero.refresh_from_db()
    assert (document.status, zero.is_issued) == (S.ZERO_DRAFT, True)
    document = document_open_negotiation(document=document, by=officer)

    op2 = zero.paragraphs.get(number="2")
    replace = amendment_propose(
        document=document,
        action=AmendmentAction.REPLACE,
        target_paragraph=op2,
        proposed_text="Urges the timely exchange of financial intelligence.",
        delegations=[kazakhstan, kyrgyzstan],
    )
    rival = amendment_propose(
        document=document,
        action=AmendmentAction.REPLACE,
        target_paragraph=op2,
        proposed_text="Urges the exchange of intelligence.",
        delegations=[kyrgyzstan],
    )
    deletion = amendment_propose(
        document=document,
        action=AmendmentAction.DELETE,
        target_paragraph=zero.paragraphs.get(number="3"),
        delegations=[turkmenistan],
    )

    with pytest.raises(DocumentError) as refused:
        document_adopt(
            document=document,
            method=AdoptionMethod.CONSENSUS,
            adopted_on=dt.date(2019, 5, 17),
            by=officer,
        )
    assert str(refused.value) == (
        "Zero draft cannot be adopted: bracketed text remains in preambular (b), operative 2."
    )
    document.refresh_from_db()
    assert document.status == S.UNDER_NEGOTIATION

    rev1 = version_create_revision(document=document, by=officer)
    assert rev1.label == "Rev.1"
    assert [p.origin_id for p in rev1.paragraphs.all()] == [p.pk for p in zero.paragraphs.all()]
    replace = amendment_accept(amendment=replace, by=officer)
    rival = amendment_merge(amendment=rival, into=replace, by=officer)
    deletion = amendment_reject(amendment=deletion, by=officer)
    assert (replace.status, rival.status, rival.merged_into, deletion.status) == (
        AmendmentStatus.ACCEPTED,
        AmendmentStatus.MERGED,
        replace,
        AmendmentStatus.REJECTED,
    )
    assert replace.resulting_paragraph.version == rev1
    assert replace.resulting_paragraph.origin == op2
    paragraph_edit(
        paragraph=rev1.paragraphs.get(number="b"),
        kind=PRE,
        text="Deeply concerned by the links between illicit drug trafficking and terrorism.",
        is_bracketed=False,
    )
    version_issue(version=rev1, by=officer)
    assert texts(rev1) == [
        ("a", PRE, "Recalling the relevant resolutions.", False),
        (
            "b",
            PRE,
            "Deeply concerned by the links between illicit drug trafficking and terrorism.",
            False,
        ),
        ("1", OP, "Calls for closer co-operation.", False),
        ("2", OP, "Urges the timely exchange of financial intelligence.", False),
        ("3", OP, "Decides to meet again.", False),
    ]
    assert texts(zero)[3] == ("2", OP, "Urges the exchange of data.", True)

    document = document_start_silence(
        document=document, deadline=timezone.now() + dt.timedelta(days=1), by=officer
    )
    assert document.status == S.SILENCE_PROCEDURE
    with pytest.raises(DocumentError) as running:
        document_adopt(
            document=document,
            method=AdoptionMethod.SILENCE_PROCEDURE,
            adopted_on=dt.date(2019, 5, 17),
            by=officer,
        )
    assert running.value.code == "silence_running"
    broken = silence_break(
        document=document, delegation=turkmenistan, text="We need more time.", by=officer
    )
    document.refresh_from_db()
    assert (document.status, document.silence_deadline) == (S.UNDER_NEGOTIATION, None)
    assert list(SilenceBreak.objects.values_list("delegation", "text")) == [
        (turkmenistan.pk, "We need more time.")
    ]
    assert broken.broken_at is not None

    document = document_start_silence(
        document=document, deadline=timezone.now() + dt.timedelta(hours=2), by=officer
    )
    # The deadline passes unbroken.
    OutcomeDocument.objects.filter(pk=document.pk).update(
        silence_deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    with pytest.raises(DocumentError) as over:
        silence_break(document=document, delegation=kazakhstan, text="Too late.", by=officer)
    assert over.value.code == "silence_over"
    document = document_adopt(
        document=document,
        method=AdoptionMethod.SILENCE_PROCEDURE,
        adopted_on=dt.date(2019, 5, 17),
        by=officer,
    )
    assert (document.status, document.final_version, document.adoption_method) == (
        S.ADOPTED,
        rev1,
        AdoptionMethod.SILENCE_PROCEDURE,
    )
    statement = position_statement_add(
        document=document,
        kind=PositionKind.INTERPRETATIVE,
        delegations=[kazakhstan],
        text="We understand paragraph 2 in accordance with national law.",
    )
    assert list(statement.delegations.all()) == [kazakhstan]
    version_before = document.conference.published_version
    document = document_publish(document=document, by=officer, symbol="A/73/886")
    document.conference.refresh_from_db()
    assert (document.status, document.symbol) == (S.PUBLISHED, "A/73/886")
    assert document.conference.published_version == version_before + 1

    transitions = [
        (e.from_status, e.to_status)
        for e in DocumentEvent.objects.filter(document=document)
        if e.from_status != e.to_status
    ]
    assert transitions == [
        (S.CONCEPT, S.ZERO_DRAFT),
        (S.ZERO_DRAFT, S.UNDER_NEGOTIATION),
        (S.UNDER_NEGOTIATION, S.SILENCE_PROCEDURE),
        (S.SILENCE_PROCEDURE, S.UNDER_NEGOTIATION),
        (S.UNDER_NEGOTIATION, S.SILENCE_PROCEDURE),
        (S.SILENCE_PROCEDURE, S.ADOPTED),
        (S.ADOPTED, S.PUBLISHED),
    ]


@pytest.mark.parametrize(
    ("kind", "target_number", "expected"),
    [
        # No target: the start of its own kind.
        (OP, None, ["a", "b", "NEW", "1", "2", "3"]),
        (PRE, None, ["NEW", "a", "b", "1", "2", "3"]),
        # A target of the other kind: the nearest place its own kind allows.
        (PRE, "2", ["a", "b", "NEW", "1", "2", "3"]),
        (OP, "a", ["a", "b", "NEW", "1", "2", "3"]),
        # A target of its own kind: right after it.
        (OP, "1", ["a", "b", "1", "NEW", "2", "3"]),
        (PRE, "a", ["a", "NEW", "b", "1", "2", "3"]),
    ],
)
def test_an_accepted_addition_keeps_the_preamble_before_the_operative_part(
    kind, target_number, expected
):
    officer = UserFactory()
    document = OutcomeDocumentFactory()
    delegation = DelegationFactory(conference=document.conference, country="KZ")
    zero = zero_draft(document, officer)
    document = document_circulate_zero_draft(document=document, by=officer)
    document = document_open_negotiation(document=document, by=officer)
    target = zero.paragraphs.get(number=target_number) if target_number else None
    addition = amendment_propose(
        document=document,
        action=AmendmentAction.ADD,
        kind=kind,
        target_paragraph=target,
        proposed_text="NEW",
        delegations=[delegation],
    )
    rev1 = version_create_revision(document=document, by=officer)
    before = {p.pk: p.number for p in rev1.paragraphs.all()}

    amendment_accept(amendment=addition, by=officer)

    paragraphs = list(rev1.paragraphs.order_by("position"))
    assert [p.text if p.text == "NEW" else before[p.pk] for p in paragraphs] == expected
    assert [p.kind for p in paragraphs] == sorted(
        (p.kind for p in paragraphs), key=lambda k: k == OP
    )
