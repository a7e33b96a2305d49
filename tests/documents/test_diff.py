"""Word-level comparison of two versions, paired by origin links."""

import pytest

from documents import services
from documents.diff import (
    ADDED,
    CHANGED,
    DELETED,
    UNCHANGED,
    compare_versions,
    word_diff,
)
from documents.enums import AmendmentAction, ParagraphKind
from tests.factories import DelegationFactory, OutcomeDocumentFactory

pytestmark = pytest.mark.django_db
OP, PRE = ParagraphKind.OPERATIVE, ParagraphKind.PREAMBULAR


def test_word_diff_marks_insertions_and_deletions_and_escapes_the_text():
    assert word_diff("Calls upon <all> States.", "Calls upon the States & others.") == (
        "Calls upon <del>&lt;all&gt;</del><ins>the</ins> States<ins> &amp; others</ins>."
    )


def rows(changes):
    return [(c.status, c.paragraph.number, c.html) for c in changes]


def test_comparison_follows_origins_through_moves_insertions_and_deletions(officer):
    document = OutcomeDocumentFactory()
    sponsor = DelegationFactory(conference=document.conference)
    zero = services.version_create_zero_draft(document=document, by=officer)
    for kind, text in [
        (PRE, "Recalling its resolutions."),
        (OP, "Welcomes the report."),
        (OP, "Urges States to act."),
        (OP, "Decides to remain seized."),
    ]:
        services.paragraph_add(version=zero, kind=kind, text=text)
    services.document_circulate_zero_draft(document=document, by=officer)
    services.document_open_negotiation(document=document, by=officer)
    welcomes, urges, decides = zero.paragraphs.filter(kind=OP)
    insertion = services.amendment_propose(
        document=document,
        action=AmendmentAction.ADD,
        target_paragraph=welcomes,
        proposed_text="Notes the progress made.",
        delegations=[sponsor],
    )
    deletion = services.amendment_propose(
        document=document, action=AmendmentAction.DELETE, target_paragraph=urges,
        delegations=[sponsor],
    )  # fmt: skip
    services.version_create_revision(document=document, by=officer)
    services.amendment_accept(amendment=insertion, by=officer)
    services.amendment_accept(amendment=deletion, by=officer)
    rev1 = document.versions.get(sequence=1)
    copy = rev1.paragraphs.get(origin=decides)
    services.paragraph_edit(
        paragraph=copy, kind=OP, text="Decides to remain actively seized.", is_bracketed=True
    )
    services.version_issue(version=rev1, by=officer)

    assert rows(compare_versions(zero, rev1)) == [
        (UNCHANGED, "a", "Recalling its resolutions."),
        (UNCHANGED, "1", "Welcomes the report."),
        (ADDED, "2", "<ins>Notes the progress made.</ins>"),
        (DELETED, "2", "<del>Urges States to act.</del>"),
        (CHANGED, "3", "<ins>[</ins>Decides to remain <ins>actively </ins>seized.<ins>]</ins>"),
    ]
    # The other way round, what was inserted is deleted and the other way about.
    assert rows(compare_versions(rev1, zero))[2:4] == [
        (ADDED, "2", "<ins>Urges States to act.</ins>"),
        (DELETED, "2", "<del>Notes the progress made.</del>"),
    ]


def test_comparison_is_two_queries_whatever_the_length(officer, django_assert_num_queries):
    document = OutcomeDocumentFactory()
    zero = services.version_create_zero_draft(document=document, by=officer)
    for index in range(30):
        services.paragraph_add(version=zero, kind=OP, text=f"Paragraph {index}.")
    services.document_circulate_zero_draft(document=document, by=officer)
    services.document_open_negotiation(document=document, by=officer)
    rev1 = services.version_create_revision(document=document, by=officer)
    # The paragraphs, and their brackets (none here, so no holders or options are read).
    with django_assert_num_queries(2):
        changes = compare_versions(zero, rev1)
    assert {c.status for c in changes} == {UNCHANGED}
