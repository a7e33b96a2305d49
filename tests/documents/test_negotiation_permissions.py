"""The negotiation pages, URL x role: the compilation, the progress chart, bracketing, the
screen pick and the payload in the admin; the silence page of the portal for anyone with
the link."""

import datetime as dt

import pytest
from django.urls import reverse

from documents import selectors, services
from documents.enums import ParagraphKind
from tests.factories import DelegationFactory, OutcomeDocumentFactory
from tests.test_permissions import WHO, admin_status, login, world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

VIEW = {"documents.view_outcomedocument", "documents.change_outcomedocument"}
CHANGE_VERSION = {"documents.change_documentversion"}
VIEW_VERSION = {"documents.view_documentversion", "documents.change_documentversion"}


@pytest.fixture
def negotiation(world):  # noqa: F811
    document = OutcomeDocumentFactory(conference=world["conference"])
    zero = services.version_create_zero_draft(document=document, by=None)
    paragraph = services.paragraph_add(
        version=zero, kind=ParagraphKind.OPERATIVE, text="Welcomes.", text_ru="Приветствует."
    )
    return document, zero, paragraph


PAGES = {
    "compilation CSV": (
        VIEW,
        lambda d, v, p: reverse("admin:documents_document_compilation", args=[d.pk, "csv"]),
    ),
    "compilation PDF": (
        VIEW,
        lambda d, v, p: reverse("admin:documents_document_compilation", args=[d.pk, "pdf"]),
    ),
    "progress chart": (
        VIEW,
        lambda d, v, p: reverse("admin:documents_document_progress", args=[d.pk]),
    ),
    "bracket words": (
        CHANGE_VERSION,
        lambda d, v, p: reverse("admin:documents_paragraph_bracket", args=[p.pk]),
    ),
    "version PDF": (
        VIEW_VERSION,
        lambda d, v, p: reverse("admin:documents_version_pdf", args=[v.pk, "ru"]),
    ),
    "projector payload": (
        VIEW_VERSION,
        lambda d, v, p: reverse("admin:documents_paragraph_payload", args=[p.pk]),
    ),
}


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("who", WHO)
def test_page_status(client, negotiation, who, page):
    perms, url = PAGES[page]
    response = login(client, who).get(url(*negotiation))
    assert response.status_code == admin_status(who, perms)


@pytest.mark.parametrize("who", WHO)
def test_the_silence_page_needs_only_the_link(client, negotiation, who):
    document, zero, _paragraph = negotiation
    services.document_circulate_zero_draft(document=document, by=None)
    services.document_open_negotiation(document=document, by=None)
    deadline = dt.datetime(2031, 6, 2, 13, tzinfo=dt.UTC)
    services.document_start_silence(document=document, deadline=deadline, by=None)
    delegation = DelegationFactory(conference=document.conference, country="TM")
    procedure = selectors.running_silence(document=document)
    token = selectors.silence_token(procedure=procedure, delegation=delegation)
    client = login(client, who)
    assert client.get(reverse("silence_portal:break", args=[token])).status_code == 200
    assert client.get(reverse("silence_portal:break", args=["forged:x"])).status_code == 404
