"""The demo Dushanbe Declaration and the Ashgabat recommendations, as the public sees them."""

import datetime as dt

import pytest
from django.urls import reverse

from documents.diff import ADDED, CHANGED, compare_versions
from documents.enums import (
    AdoptionMethod,
    AmendmentStatus,
    DocumentStatus,
    ParagraphStatus,
    PositionKind,
    SilenceOutcome,
)
from documents.models import Bracket, OutcomeDocument

pytestmark = pytest.mark.django_db
DUSHANBE = "dushanbe-2019"


@pytest.fixture
def declaration(demo_db, db):
    return OutcomeDocument.objects.get(conference__slug=DUSHANBE, slug="dushanbe-declaration")


def test_demo_declaration_history(declaration):
    zero, rev1 = declaration.versions.filter(sequence__in=[0, 1])
    assert (zero.label, rev1.label) == ("Zero draft", "Rev.1")
    # Bracketed spans held by named delegations, as negotiators record them.
    held = [
        (b.paragraph.number, b.words(), sorted(d.country.code for d in b.holders.all()))
        for b in Bracket.objects.filter(paragraph__version=zero)
        .select_related("paragraph")
        .prefetch_related("holders")
        .order_by("paragraph__position", "start")
    ]
    assert held == [
        ("d", "and cultural artifacts", ["FR", "IT"]),
        ("e", zero.paragraphs.get(number="e").text_en.rstrip(","), ["TM"]),
        ("3", "in particular along the border with Afghanistan", ["AF"]),
        ("4", "and in countering the abuse of the Internet for terrorist purposes", ["CN", "RU"]),
        ("6", "global", ["US"]),
        ("6", "leading to a United Nations summit in 2020", ["DE", "GB"]),
    ]
    assert zero.paragraphs.filter(brackets__isnull=False).distinct().count() == 5
    final = declaration.final_version
    assert not Bracket.objects.filter(paragraph__version=final).exists()
    assert set(final.paragraphs.values_list("status", flat=True)) == {ParagraphStatus.AGREED}
    amendments = {
        a.status: [d.country.code for d in a.proposed_by.all()]
        for a in declaration.amendments.prefetch_related("proposed_by")
    }
    assert amendments == {
        AmendmentStatus.ACCEPTED: ["KZ"],
        AmendmentStatus.MERGED: ["UZ"],
        AmendmentStatus.REJECTED: ["KG"],
    }
    assert (declaration.status, declaration.adoption_method, declaration.adopted_on) == (
        DocumentStatus.PUBLISHED,
        AdoptionMethod.SILENCE_PROCEDURE,
        dt.date(2019, 5, 17),
    )
    # A silence procedure broken once (Turkmenistan), then one that adopted the text.
    assert list(
        declaration.silence_procedures.order_by("started_at").values_list("outcome", flat=True)
    ) == [SilenceOutcome.BROKEN, SilenceOutcome.ADOPTED]
    assert [s.kind for s in declaration.position_statements.all()] == [PositionKind.INTERPRETATIVE]
    assert [b.delegation.country.code for b in declaration.silence_breaks.all()] == ["TM"]


def test_zero_draft_and_rev1_differ_in_exactly_the_changed_paragraphs(declaration):
    zero, rev1 = declaration.versions.filter(sequence__in=[0, 1])
    changes = [(c.status, c.paragraph.number) for c in compare_versions(zero, rev1) if c.is_change]
    # Preambular (d) and (e) and operative 4 and 7 were edited; operative 2 took
    # Kazakhstan's accepted amendment; operative 5 is new in Rev.1.
    assert changes == [
        (CHANGED, "d"),
        (CHANGED, "e"),
        (CHANGED, "2"),
        (CHANGED, "4"),
        (ADDED, "5"),
        (CHANGED, "7"),
    ]
    accepted = declaration.amendments.get(status=AmendmentStatus.ACCEPTED)
    assert accepted.resulting_paragraph.version == rev1
    assert accepted.resulting_paragraph.number == "2"


def test_public_comparison_of_the_demo(client, declaration):
    url = reverse("documents:compare", args=[DUSHANBE, declaration.slug])
    response = client.get(url, {"old": 0, "new": 1})
    assert response.status_code == 200
    assert response.context["changed_count"] == 6
    assert "Taking note<ins> with appreciation</ins> of" in response.content.decode()


def test_demo_drafts_are_not_public(client, declaration):
    page = client.get(reverse("documents:detail", args=[DUSHANBE, declaration.slug]))
    assert page.status_code == 200
    html = page.content.decode()
    # Neither the silence break nor the amendments that did not become text are shown.
    assert "breaks silence" not in html
    assert "Encourage co-operation between Government agencies and financial" not in html
    assert "regional expert working group" not in html
    assert "status of permanent neutrality" in html  # the interpretative statement
    summary = reverse("documents:detail", args=[DUSHANBE, "chairs-summary"])
    assert client.get(summary).status_code == 404
    listing = client.get(reverse("documents:list", args=[DUSHANBE])).content.decode()
    assert "Dushanbe Declaration" in listing
    assert "Chair&#x27;s summary" not in listing and "Chair's summary" not in listing


def test_dushanbe_recommendations_page_lists_the_ashgabat_list(client, demo_db, db):
    response = client.get(reverse("documents:recommendations", args=[DUSHANBE]))
    assert response.status_code == 200
    listed = [r for _theme, items in response.context["themes"] for r in items]
    assert len(listed) == 11
    assert {r.source_conference.slug for r in listed} == {"ashgabat-2019"}
    assert "ASB-1.1" in response.content.decode()


def test_adopted_text_punctuated_as_a_declaration(declaration):
    texts = [p.text for p in declaration.final_version.paragraphs.order_by("position")]
    preambular = [p.text for p in declaration.final_version.paragraphs.filter(kind="preambular")]
    assert all(text.endswith(",") for text in preambular)
    # Operative paragraphs run on with semicolons; the last one closes the text.
    assert all(text.endswith(";") for text in texts[len(preambular) : -1])
    assert texts[-1].endswith("issues.")
