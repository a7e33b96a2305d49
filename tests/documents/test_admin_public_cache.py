"""Outcome documents and recommendations changed through the admin's own forms show on the
next public request, though the change forms do not go through a service."""

import pytest
from django.urls import reverse

from conference.models import Conference
from tests.admin_forms import public_page, submit_change_form
from tests.factories import ConferenceFactory, RecommendationFactory

pytestmark = pytest.mark.django_db


def test_a_published_document_retitled_in_the_admin_shows(organizer, published_document):
    document = published_document()
    slug = document.conference.slug
    assert document.title in public_page(organizer, "documents:detail", slug, document.slug)

    submit_change_form(
        organizer,
        reverse("admin:documents_outcomedocument_change", args=[document.pk]),
        title_en="Dushanbe Declaration (corrected)",
    )

    assert "Dushanbe Declaration (corrected)" in public_page(
        organizer, "documents:detail", slug, document.slug
    )
    assert "Dushanbe Declaration (corrected)" in public_page(organizer, "documents:list", slug)


def test_a_recommendation_edited_in_the_admin_shows(organizer):
    conference = ConferenceFactory()
    recommendation = RecommendationFactory()
    recommendation.presented_at.add(conference)
    assert recommendation.code in public_page(
        organizer, "documents:recommendations", conference.slug
    )

    submit_change_form(
        organizer,
        reverse("admin:documents_recommendation_change", args=[recommendation.pk]),
        text_en="Establish a regional financial intelligence exchange.",
    )

    html = public_page(organizer, "documents:recommendations", conference.slug)
    assert "Establish a regional financial intelligence exchange." in html


def test_a_recommendation_newly_presented_through_the_admin_form_shows(organizer):
    conference = ConferenceFactory()
    recommendation = RecommendationFactory(code="ASH-7")
    assert "ASH-7" not in public_page(organizer, "documents:recommendations", conference.slug)

    submit_change_form(
        organizer,
        reverse("admin:documents_recommendation_change", args=[recommendation.pk]),
        presented_at=[str(conference.pk)],
    )

    assert "ASH-7" in public_page(organizer, "documents:recommendations", conference.slug)
    assert Conference.objects.get(pk=conference.pk).presented_recommendations.count() == 1
