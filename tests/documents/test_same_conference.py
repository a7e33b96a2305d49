"""An amendment's sponsors and a position statement's delegations are delegations to the
document's conference: refused by the relation itself, the services and the step forms."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from documents import services
from documents.enums import AmendmentAction, PositionKind
from documents.models import Amendment, PositionStatement
from tests.factories import ConferenceFactory, DelegationFactory

pytestmark = pytest.mark.django_db

INVALID_CHOICE = "Select a valid choice. %s is not one of the available choices."


@pytest.fixture
def elsewhere(db):
    """Germany's delegation to another conference."""
    return DelegationFactory(conference=ConferenceFactory(), country="DE")


def addition(document, *sponsors) -> Amendment:
    return services.amendment_propose(
        document=document,
        action=AmendmentAction.ADD,
        proposed_text="Notes.",
        delegations=sponsors,
    )


def test_an_amendment_refuses_a_sponsor_of_another_conference(negotiating, elsewhere, organizer):
    amendment = addition(negotiating, DelegationFactory(conference=negotiating.conference))
    url = reverse("admin:documents_document_step", args=[negotiating.pk, "amend"])

    with pytest.raises(ValidationError) as relation_refusal, transaction.atomic():
        amendment.proposed_by.add(elsewhere)
    with pytest.raises(ValidationError) as reverse_refusal, transaction.atomic():
        elsewhere.amendments.add(amendment)
    with pytest.raises(ValidationError) as service_refusal:
        addition(negotiating, elsewhere)
    form = organizer.get(url).context["form"]
    posted = organizer.post(
        url, {"action": "add", "kind": "operative", "proposed_text": "Notes.",
              "delegations": [elsewhere.pk]},
    )  # fmt: skip

    refusal = ["Not delegations to this conference: Germany."]
    assert relation_refusal.value.messages == refusal
    assert reverse_refusal.value.messages == refusal
    assert service_refusal.value.messages == refusal
    assert list(form.fields["delegations"].queryset) == list(amendment.proposed_by.all())
    assert posted.context["form"].errors == {"delegations": [INVALID_CHOICE % elsewhere.pk]}
    assert list(Amendment.objects.all()) == [amendment]
    assert list(amendment.proposed_by.all()) != [elsewhere]


def test_a_position_statement_refuses_a_delegation_of_another_conference(
    published_document, elsewhere, organizer
):
    document = published_document()
    own = DelegationFactory(conference=document.conference)
    statement = services.position_statement_add(
        document=document, kind=PositionKind.RESERVATION, delegations=[own], text="Reserves."
    )
    url = reverse("admin:documents_document_step", args=[document.pk, "statement"])

    with pytest.raises(ValidationError) as relation_refusal, transaction.atomic():
        statement.delegations.add(elsewhere)
    with pytest.raises(ValidationError) as service_refusal:
        services.position_statement_add(
            document=document, kind=PositionKind.RESERVATION, delegations=[elsewhere], text="No."
        )
    form = organizer.get(url).context["form"]
    posted = organizer.post(
        url, {"kind": PositionKind.RESERVATION, "text": "No.", "delegations": [elsewhere.pk]}
    )

    assert relation_refusal.value.messages == ["Not delegations to this conference: Germany."]
    assert service_refusal.value.messages == [
        "A position statement is made by one or more delegations to this conference."
    ]
    assert list(form.fields["delegations"].queryset) == [own]
    assert posted.context["form"].errors == {"delegations": [INVALID_CHOICE % elsewhere.pk]}
    assert list(PositionStatement.objects.all()) == [statement]
    assert list(statement.delegations.all()) == [own]
