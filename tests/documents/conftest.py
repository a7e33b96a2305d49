import datetime as dt

import pytest

from documents import services
from documents.enums import AdoptionMethod, ParagraphKind
from tests.factories import OutcomeDocumentFactory, UserFactory


@pytest.fixture
def officer(db):
    return UserFactory(username="drafting-officer")


@pytest.fixture
def negotiating(officer):
    """A zero draft under negotiation: operative 1 “Welcomes.”, operative 2 “Urges.” bracketed."""
    document = OutcomeDocumentFactory()
    zero = services.version_create_zero_draft(document=document, by=officer)
    services.paragraph_add(version=zero, kind=ParagraphKind.OPERATIVE, text="Welcomes.")
    services.paragraph_add(
        version=zero, kind=ParagraphKind.OPERATIVE, text="Urges.", is_bracketed=True
    )
    services.document_circulate_zero_draft(document=document, by=officer)
    return services.document_open_negotiation(document=document, by=officer)


@pytest.fixture
def published_document(officer):
    """Build a document published by consensus from a zero draft of ``paragraphs`` paragraphs.

    Every fourth paragraph is preambular; a Rev.1 changes the first operative paragraph.
    """

    def build(paragraphs: int = 5, **document):
        doc = OutcomeDocumentFactory(**document)
        zero = services.version_create_zero_draft(document=doc, by=officer)
        for index in range(paragraphs):
            kind = ParagraphKind.PREAMBULAR if index % 4 == 0 else ParagraphKind.OPERATIVE
            services.paragraph_add(version=zero, kind=kind, text=f"Paragraph text {index}.")
        services.document_circulate_zero_draft(document=doc, by=officer)
        services.document_open_negotiation(document=doc, by=officer)
        rev1 = services.version_create_revision(document=doc, by=officer)
        first = rev1.paragraphs.filter(kind=ParagraphKind.OPERATIVE).order_by("position")[0]
        services.paragraph_edit(
            paragraph=first, kind=first.kind, text="Paragraph text 1, agreed.", is_bracketed=False
        )
        services.version_issue(version=rev1, by=officer)
        services.document_adopt(
            document=doc,
            method=AdoptionMethod.CONSENSUS,
            adopted_on=dt.date(2019, 5, 17),
            by=officer,
        )
        return services.document_publish(document=doc, by=officer)

    return build
