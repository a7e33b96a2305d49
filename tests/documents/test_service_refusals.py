"""Bad input to the document services: a clear refusal, and nothing half-written."""

import pytest

from documents import services
from documents.enums import AmendmentAction, AmendmentStatus, ParagraphKind
from documents.models import Amendment
from tests.factories import DelegationFactory

pytestmark = pytest.mark.django_db
OP = ParagraphKind.OPERATIVE


def replace(document, text: str) -> Amendment:
    return services.amendment_propose(
        document=document,
        action=AmendmentAction.REPLACE,
        target_paragraph=document.versions.get(sequence=0).paragraphs.get(number="2"),
        proposed_text=text,
        delegations=[DelegationFactory(conference=document.conference)],
    )


def test_merge_into_an_amendment_decided_meanwhile_is_refused(negotiating, officer):
    amendment, into = replace(negotiating, "Urges all."), replace(negotiating, "Urges some.")
    # Another officer rejects ``into`` after this one loaded it.
    services.amendment_reject(amendment=Amendment.objects.get(pk=into.pk), by=officer)
    with pytest.raises(services.DocumentError) as refused:
        services.amendment_merge(amendment=amendment, into=into, by=officer)
    assert str(refused.value) == f"Amendment {into.pk} is rejected and cannot absorb others."
    amendment.refresh_from_db()
    assert (amendment.status, amendment.merged_into) == (AmendmentStatus.PROPOSED, None)


def test_inserting_after_a_paragraph_of_another_version_leaves_nothing(negotiating, officer):
    zero = negotiating.versions.get(sequence=0)
    rev1 = services.version_create_revision(document=negotiating, by=officer)
    before = list(rev1.paragraphs.values_list("position", "number", "text"))
    with pytest.raises(services.DocumentError) as refused:
        services.paragraph_add(
            version=rev1, kind=OP, text="Decides.", after=zero.paragraphs.first()
        )
    assert str(refused.value) == "The paragraph to insert after is not in Rev.1."
    assert list(rev1.paragraphs.values_list("position", "number", "text")) == before


def test_an_addition_names_the_paragraph_it_follows(negotiating):
    first = negotiating.versions.get(sequence=0).paragraphs.get(number="1")
    sponsor = DelegationFactory(conference=negotiating.conference)
    after, start, replacement = (
        services.amendment_propose(
            document=negotiating,
            action=action,
            target_paragraph=target,
            proposed_text="Notes.",
            delegations=[sponsor],
        )  # fmt: skip
        for action, target in [
            (AmendmentAction.ADD, first),
            (AmendmentAction.ADD, None),
            (AmendmentAction.REPLACE, first),
        ]
    )
    assert [str(after), str(start), str(replacement)] == [
        "Add after Operative 1 (Proposed)",
        "Add at the start (Proposed)",
        "Replace Operative 1 (Proposed)",
    ]
