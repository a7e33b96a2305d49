"""#23 item 3, the part that is ours: the facilitator picks a paragraph, and the payload the
projector shows carries its brackets, status and proposals in both languages."""

import pytest
from django.urls import reverse

from documents import selectors, services
from documents.enums import AmendmentAction, ParagraphKind
from documents.models import OutcomeDocument
from tests.factories import DelegationFactory, OutcomeDocumentFactory

pytestmark = pytest.mark.django_db


def test_the_payload_of_the_paragraph_on_the_screen(
    officer, organizer, django_assert_max_num_queries
):
    document = OutcomeDocumentFactory()
    zero = services.version_create_zero_draft(document=document, by=officer)
    paragraph = services.paragraph_add(
        version=zero,
        kind=ParagraphKind.OPERATIVE,
        text="Calls upon all States to combat trafficking.",
        text_ru="Призывает все государства бороться с оборотом.",
    )
    kazakhstan = DelegationFactory(conference=document.conference, country="KZ")
    services.bracket_add(
        paragraph=paragraph, words="combat", words_ru="бороться с", holders=[kazakhstan], by=officer
    )
    services.paragraph_edit(
        paragraph=paragraph,
        kind=paragraph.kind,
        is_bracketed=False,
        text="Calls upon all States to combat trafficking.",
        text_ru="Призывает все государства бороться с оборотом.",
    )
    services.document_circulate_zero_draft(document=document, by=officer)
    services.document_open_negotiation(document=document, by=officer)
    services.amendment_propose(
        document=document,
        action=AmendmentAction.REPLACE,
        target_paragraph=paragraph,
        delegations=[kazakhstan],
        proposed_text="Calls upon all States to counter trafficking.",
        proposed_text_ru="Призывает все государства противодействовать обороту.",
    )
    response = organizer.post(reverse("admin:documents_paragraph_screen", args=[paragraph.pk]))
    assert response.status_code == 302
    assert OutcomeDocument.objects.get(pk=document.pk).paragraph_on_screen_id == paragraph.pk
    with django_assert_max_num_queries(8):
        payload = selectors.paragraph_payload(paragraph=paragraph)
    assert payload["paragraph"]["text"]["ru"][1] == {
        "text": "бороться с",
        "bracketed": True,
        "options": [],
        "holders": ["Казахстан"],
    }
    assert payload["paragraph"]["status_label"] == {"en": "Bracketed", "ru": "В скобках"}
    [proposal] = payload["proposals"]
    assert proposal["proposed_by"] == {"en": ["Kazakhstan"], "ru": ["Казахстан"]}
    assert proposal["text"]["ru"] == "Призывает все государства противодействовать обороту."
    json = organizer.get(reverse("admin:documents_paragraph_payload", args=[paragraph.pk]))
    assert json.json() == payload
