"""#21 item 13: an amendment carries its text in both languages; a version missing a Russian
(or English) text says so on its page and in the document list, and issuing it asks first."""

import pytest
from django.urls import reverse

from documents import services
from documents.enums import AmendmentAction, ParagraphKind
from documents.models import DocumentVersion, Paragraph
from tests.factories import DelegationFactory, OutcomeDocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bilingual(officer):
    """A document under negotiation whose zero draft is fully translated, with Rev.1 open."""
    document = OutcomeDocumentFactory()
    zero = services.version_create_zero_draft(document=document, by=officer)
    services.paragraph_add(
        version=zero, kind=ParagraphKind.OPERATIVE, text="Welcomes.", text_ru="Приветствует."
    )
    services.paragraph_add(
        version=zero, kind=ParagraphKind.OPERATIVE, text="Urges.", text_ru="Настоятельно призывает."
    )
    services.document_circulate_zero_draft(document=document, by=officer)
    services.document_open_negotiation(document=document, by=officer)
    return document, zero


def _accept(document, zero, officer, action, **texts):
    target = zero.paragraphs.get(number="2")
    amendment = services.amendment_propose(
        document=document,
        action=action,
        target_paragraph=target,
        delegations=[DelegationFactory(conference=document.conference)],
        **texts,
    )
    rev1 = services.version_create_revision(document=document, by=officer)
    accepted = services.amendment_accept(amendment=amendment, by=officer)
    return rev1, accepted.resulting_paragraph


@pytest.mark.parametrize("action", [AmendmentAction.REPLACE, AmendmentAction.ADD])
def test_accepting_keeps_the_russian_text_of_the_amendment(bilingual, officer, action):
    document, zero = bilingual
    rev1, resulting = _accept(
        document,
        zero,
        officer,
        action,
        proposed_text="Strongly urges.",
        proposed_text_ru="Решительно призывает.",
    )
    resulting = Paragraph.objects.get(pk=resulting.pk)
    assert (resulting.text_en, resulting.text_ru) == ("Strongly urges.", "Решительно призывает.")
    assert services.translation_gaps(rev1) == []


def test_a_version_without_russian_text_is_flagged_and_issuing_asks(bilingual, officer, organizer):
    document, zero = bilingual
    rev1, resulting = _accept(
        document, zero, officer, AmendmentAction.REPLACE, proposed_text="Strongly urges."
    )
    assert [p.pk for p in services.translation_gaps(rev1)] == [resulting.pk]
    page = organizer.get(reverse("admin:documents_documentversion_change", args=[rev1.pk]))
    assert 'id="translation-incomplete"' in page.content.decode()
    listing = organizer.get(reverse("admin:documents_outcomedocument_changelist"))
    assert "Translation incomplete" in listing.content.decode()

    issue = reverse("admin:documents_version_issue", args=[rev1.pk])
    asked = organizer.get(issue)
    assert "confirm_incomplete_translation" in asked.context["form"].fields
    refused = organizer.post(issue, {})
    assert refused.status_code == 200
    assert refused.context["form"].non_field_errors() == [
        "Translation incomplete: operative 2 of Rev.1 lack their English or Russian text. "
        "Confirm to issue it as it is."
    ]
    assert not DocumentVersion.objects.get(pk=rev1.pk).is_issued
    issued = organizer.post(issue, {"confirm_incomplete_translation": "on"})
    assert issued.status_code == 302
    assert DocumentVersion.objects.get(pk=rev1.pk).is_issued
    assert document.events.last().note == "Rev.1 issued. Translation incomplete in 1 paragraph(s)."
