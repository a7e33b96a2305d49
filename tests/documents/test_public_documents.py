"""Public document pages: published texts only, flat query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents import services
from documents.enums import DocumentStatus, PositionKind
from tests.factories import (
    ConferenceFactory,
    DelegationFactory,
    OutcomeDocumentFactory,
    RecommendationFactory,
)

pytestmark = pytest.mark.django_db


def detail_url(document):
    return reverse("documents:detail", args=[document.conference.slug, document.slug])


def compare_url(document, query=""):
    url = reverse("documents:compare", args=[document.conference.slug, document.slug])
    return f"{url}{query}"


def test_published_document_page_shows_the_adopted_text_and_statements(client, published_document):
    document = published_document(paragraphs=5, title="Dushanbe Declaration", symbol="A/73/886")
    kazakhstan = DelegationFactory(conference=document.conference, country="KZ")
    uzbekistan = DelegationFactory(conference=document.conference, country="UZ")
    services.position_statement_add(
        document=document,
        kind=PositionKind.INTERPRETATIVE,
        delegations=[uzbekistan, kazakhstan],
        text="We read operative paragraph 1 in the light of national law.",
    )
    response = client.get(detail_url(document))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="document-title">Dushanbe Declaration</h1>' in html
    assert '<span class="document-symbol">A/73/886</span>' in html
    assert "Adopted on 17 May 2019 by consensus." in html
    assert html.count('class="document-paragraph paragraph-preambular"') == 2
    assert html.count('class="document-paragraph paragraph-operative"') == 3
    assert '<span class="paragraph-number">1.</span>' in html
    assert "Paragraph text 1, agreed." in html
    assert '<p class="mb-1 statement-delegations">Kazakhstan, Uzbekistan</p>' in html
    assert "We read operative paragraph 1 in the light of national law." in html


@pytest.mark.parametrize(
    "status",
    [
        DocumentStatus.CONCEPT,
        DocumentStatus.ZERO_DRAFT,
        DocumentStatus.UNDER_NEGOTIATION,
        DocumentStatus.SILENCE_PROCEDURE,
        DocumentStatus.FAILED,
    ],
)
def test_unpublished_documents_are_not_found(client, status):
    document = OutcomeDocumentFactory(status=status)
    assert client.get(detail_url(document)).status_code == 404
    assert client.get(compare_url(document)).status_code == 404
    listing = client.get(reverse("documents:list", args=[document.conference.slug]))
    assert document.title not in listing.content.decode()


def test_adopted_but_unpublished_document_is_not_found(client, published_document, officer):
    document = published_document()
    type(document).objects.filter(pk=document.pk).update(status=DocumentStatus.ADOPTED)
    assert client.get(detail_url(document)).status_code == 404


def test_documents_of_a_private_conference_are_not_found(client, published_document):
    document = published_document(conference=ConferenceFactory(is_public=False))
    assert client.get(detail_url(document)).status_code == 404
    assert client.get(reverse("documents:list", args=[document.conference.slug])).status_code == 404


def test_public_comparison_shows_issued_versions_only(client, published_document, officer):
    document = published_document(paragraphs=5)
    response = client.get(compare_url(document, "?old=0&new=1"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Zero draft compared with Rev.1" in html
    assert "1 paragraph changed." in html
    assert "Paragraph text 1<ins>, agreed</ins>." in html
    # A sequence that is not an issued version is as absent as a draft.
    assert client.get(compare_url(document, "?old=0&new=7")).status_code == 404


def query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_document_page_and_comparison_queries_do_not_grow_with_paragraphs(
    client, published_document, officer
):
    small, large = published_document(paragraphs=10), published_document(paragraphs=200)
    for document in (small, large):
        services.position_statement_add(
            document=document,
            kind=PositionKind.RESERVATION,
            delegations=DelegationFactory.create_batch(2, conference=document.conference),
            text="A reservation.",
        )
    assert query_count(client, detail_url(small)) == query_count(client, detail_url(large))
    assert query_count(client, compare_url(small)) == query_count(client, compare_url(large))
    lists = [reverse("documents:list", args=[d.conference.slug]) for d in (small, large)]
    assert query_count(client, lists[0]) == query_count(client, lists[1])


def test_recommendations_page_groups_by_theme_with_source(client):
    ashgabat = ConferenceFactory(title="High-Level Regional Conference, Ashgabat")
    dushanbe = ConferenceFactory()
    shown = [
        RecommendationFactory(code="R-2", theme="Legal frameworks", source_conference=ashgabat),
        RecommendationFactory(code="R-1", theme="Information sharing", source_conference=ashgabat),
        RecommendationFactory(code="R-3", theme="Legal frameworks", source_conference=ashgabat),
    ]
    RecommendationFactory(code="R-9", theme="Not presented", source_conference=ashgabat)
    services.recommendation_mark_presented(recommendations=shown, conference=dushanbe)
    response = client.get(reverse("documents:recommendations", args=[dushanbe.slug]))
    assert response.status_code == 200
    assert [(theme, [r.code for r in items]) for theme, items in response.context["themes"]] == [
        ("Information sharing", ["R-1"]),
        ("Legal frameworks", ["R-2", "R-3"]),
    ]
    html = response.content.decode()
    assert "Source: High-Level Regional Conference, Ashgabat (2019)." in html
    assert "R-9" not in html


def test_recommendations_page_queries_do_not_grow(client):
    counts = []
    for rows in (3, 30):
        conference = ConferenceFactory()
        services.recommendation_mark_presented(
            recommendations=RecommendationFactory.create_batch(rows), conference=conference
        )
        counts.append(
            query_count(client, reverse("documents:recommendations", args=[conference.slug]))
        )
    assert counts[0] == counts[1]
