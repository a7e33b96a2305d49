"""The outcome document PDF: the published text only, numbered as on the page, statements
annexed, in the page's language, cached with the public pages."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from conference.site.publishing import public_pages_invalidate
from demo.documents import DECLARATION_SYMBOL
from documents.enums import ParagraphKind
from documents.models import OutcomeDocument

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def declaration(demo_db, db):
    return OutcomeDocument.objects.select_related("conference", "final_version").get(
        slug="dushanbe-declaration"
    )


def url(document) -> str:
    return reverse("documents:pdf", args=[document.conference.slug, document.slug])


def get(client, document, language: str):
    return client.get(url(document), headers={"accept-language": language})


def test_the_english_pdf_has_the_symbol_date_numbered_text_and_annex(client, declaration):
    response = get(client, declaration, "en")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text, pages = pdf_text(response.content)
    text = flat(text)
    assert pages == 2
    assert f"Declaration · {DECLARATION_SYMBOL}" in text
    assert "Dushanbe Declaration" in text
    assert "Adopted on 17 May 2019 by silence procedure." in text
    paragraphs = list(declaration.final_version.paragraphs.order_by("position"))
    operative = [p for p in paragraphs if p.kind == ParagraphKind.OPERATIVE]
    assert [p.number for p in operative] == [str(n) for n in range(1, len(operative) + 1)]
    # Every paragraph in order, each operative one after the number the page shows.
    at = 0
    for paragraph in paragraphs:
        opening = " ".join(paragraph.text_en.split()[:5])
        if paragraph.kind == ParagraphKind.OPERATIVE:
            opening = f"{paragraph.number}. {opening}"
        found = text.find(opening, at)
        assert (paragraph.position, found >= at) == (paragraph.position, True)
        at = found
    annex = text.index("Annex: statements on adoption")
    assert annex > at
    assert "1. Interpretative statement — Turkmenistan" in text[annex:]
    assert "Text as adopted: Final." in text


def test_the_russian_pdf_is_in_russian(client, declaration):
    text, pages = pdf_text(get(client, declaration, "ru").content)
    text = flat(text)
    assert pages == 2
    assert "Душанбинская декларация" in text
    assert "17 мая 2019" in text
    first_operative = declaration.final_version.paragraphs.filter(
        kind=ParagraphKind.OPERATIVE
    ).order_by("position")[0]
    assert f"1. {' '.join(first_operative.text_ru.split()[:4])}" in text
    assert "Туркменистан" in text
    assert "Dushanbe Declaration" not in text


def test_the_document_page_links_to_the_pdf(client, declaration):
    page = client.get(
        reverse("documents:detail", args=[declaration.conference.slug, declaration.slug])
    )
    assert f'href="{url(declaration)}"' in page.content.decode()


def test_the_pdf_is_cached_on_the_published_version(client, declaration):
    first = get(client, declaration, "en")
    assert first.has_header("Last-Modified")
    again = client.get(url(declaration), headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    public_pages_invalidate(conference_ids=[declaration.conference_id])
    bumped = get(client, declaration, "en")
    assert bumped.status_code == 200
    assert bumped["ETag"] != first["ETag"]
    assert get(client, declaration, "ru")["ETag"] != bumped["ETag"]


def test_a_document_not_published_has_no_pdf(client, negotiating):
    assert client.get(url(negotiating)).status_code == 404


def test_a_hidden_conference_has_no_pdf(client, published_document):
    document = published_document()
    document.conference.is_public = False
    document.conference.save()
    assert client.get(url(document)).status_code == 404
