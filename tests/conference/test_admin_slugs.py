"""Slugs the admin makes from a title end with a whole word."""

import json

import lxml.html
import pytest
from django.urls import reverse

from conference.admin_mixins import slug_cut
from conference.models import Conference
from documents.models import OutcomeDocument
from tests.factories import ConferenceFactory

pytestmark = pytest.mark.django_db

# What the prepopulating script makes of a long title: 95 characters.
LONG_SLUG = (
    "regional-high-level-conference-on-countering-terrorism-and-its-financing-through-illicit-drugs"
)
CUT = "regional-high-level-conference-on-countering-terrorism-and-its-financing-through"


@pytest.mark.parametrize(
    ("slug", "cut"),
    [
        ("short-title", "short-title"),
        (LONG_SLUG, CUT),
        ("a" * 90, "a" * 80),
        ("x" * 80 + "-more", "x" * 80),
    ],
    ids=["fits", "at-a-word", "one-long-word", "word-ends-at-the-limit"],
)
def test_slug_cut(slug, cut):
    assert slug_cut(slug, 80) == cut


def _add_form_data(client, url: str, **values) -> dict:
    page = lxml.html.fromstring(client.get(url).content)
    form = next(f for f in page.forms if f.get("id", "").endswith("_form"))
    return {**dict(form.form_values()), **values}


def test_a_long_conference_slug_is_cut_at_a_word(organizer):
    url = reverse("admin:conference_conference_add")
    data = _add_form_data(
        organizer,
        url,
        title_en="Regional Conference",
        short_title_en="Regional Conference",
        slug=LONG_SLUG,
        city_en="Dushanbe",
        country="TJ",
        start_date="2027-03-17",
        end_date="2027-03-18",
        time_zone="Asia/Dushanbe",
    )
    response = organizer.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Conference.objects.get().slug == CUT


def test_a_long_document_slug_is_cut_at_a_word(organizer):
    conference = ConferenceFactory()
    url = reverse("admin:documents_outcomedocument_add")
    data = _add_form_data(
        organizer,
        url,
        conference=str(conference.pk),
        kind="declaration",
        title_en="Declaration",
        slug=LONG_SLUG,
    )
    response = organizer.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert OutcomeDocument.objects.get().slug == CUT


def test_the_prepopulating_script_may_write_more_than_the_slug_keeps(organizer):
    page = organizer.get(reverse("admin:conference_conference_add")).content.decode()
    (script,) = lxml.html.fromstring(page).xpath(
        '//script[@id="django-admin-prepopulated-fields-constants"]'
    )
    (slug,) = json.loads(script.get("data-prepopulated-fields"))
    assert (slug["name"], slug["maxLength"]) == ("slug", 320)
