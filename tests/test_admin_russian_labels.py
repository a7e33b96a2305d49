"""Issue 21, item 14: the Russian admin shows no Latin-only label, third-party apps included.

Walks the admin index and every app page in Russian: each app name, model name, the titles
and the column headers of a delegation's page must be Cyrillic. And the places that printed
a raw zone ("Asia/Dushanbe"), English working languages, "Пересмотр 2" or English zone and
country names on the desk now read in Russian.
"""

import re

import lxml.html
import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

from conference.languages import language_names_local
from participants.models import AccessZone
from tests.factories import ConferenceFactory, DelegationFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

LATIN = re.compile(r"[A-Za-z]")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
# Names that are names in every language.
KEPT = {"Plenary", "CSV", "PDF"}


def _latin_only(texts) -> list[str]:
    found = []
    for text in texts:
        text = " ".join(text.split())
        if not text or text in KEPT:
            continue
        if LATIN.search(text) and not CYRILLIC.search(text):
            found.append(text)
    return found


@pytest.fixture
def russian_organizer(organizer):
    organizer.cookies["django_language"] = "ru"
    return organizer


def _labels(html: str) -> list[str]:
    page = lxml.html.fromstring(html)
    return [
        *page.xpath("//title/text()"),
        *page.xpath('//div[@id="content"]//h1//text()'),
        *page.xpath('//div[@id="content-main"]//caption//text()'),
        *page.xpath('//div[@id="content-main"]//th[@scope="row"]//a/text()'),
        *page.xpath('//nav[@id="nav-sidebar"]//caption//text()'),
        *page.xpath('//nav[@id="nav-sidebar"]//th[@scope="row"]//a/text()'),
    ]


def test_the_russian_admin_index_has_no_latin_only_label(russian_organizer):
    html = russian_organizer.get(reverse("admin:index")).content.decode()
    assert "Администрирование конференций" in html
    assert _latin_only(_labels(html)) == []


APP_LABELS = sorted({model._meta.app_label for model in admin.site._registry})


@pytest.mark.parametrize("app_label", APP_LABELS)
def test_every_russian_app_page_has_no_latin_only_label(russian_organizer, app_label):
    response = russian_organizer.get(reverse("admin:app_list", args=[app_label]))
    assert response.status_code == 200
    assert _latin_only(_labels(response.content.decode())) == []


def test_the_delegation_page_heads_its_member_columns_in_russian(russian_organizer):
    delegation = DelegationFactory()
    ParticipantFactory(delegation=delegation)
    html = russian_organizer.get(
        reverse("admin:participants_delegation_change", args=[delegation.pk])
    ).content.decode()
    headers = lxml.html.fromstring(html).xpath("//fieldset//thead//th//text()")
    assert "Участник" in " ".join(headers)
    assert _latin_only(headers) == []


def test_the_time_zone_note_names_the_zone_in_russian(russian_organizer):
    conference = ConferenceFactory()
    html = russian_organizer.get(
        reverse("admin:conference_conference_change", args=[conference.pk])
    ).content.decode()
    assert "Душанбе (GMT+05:00)" in html
    assert "Asia/Dushanbe." not in html


def test_working_languages_read_in_the_active_language():
    with translation.override("ru"):
        assert language_names_local("English, Russian") == "английский, русский"
    with translation.override("en"):
        assert language_names_local("English, Russian") == "English, Russian"


def test_the_conference_home_names_its_working_languages_in_russian(client):
    conference = ConferenceFactory(working_languages="English, Russian")
    client.cookies["django_language"] = "ru"
    html = client.get(reverse("site:home", args=[conference.slug])).content.decode()
    assert "английский, русский" in html
    assert "English, Russian" not in html


def test_a_revision_keeps_its_symbol_in_russian():
    with translation.override("ru"):
        assert translation.gettext("Rev.%(number)s") % {"number": 2} == "Rev.2"


def test_the_desk_names_zones_and_delegations_in_russian(russian_organizer):
    conference = ConferenceFactory()
    AccessZone.objects.create(
        conference=conference, code="P", name_en="Plenary hall", name_ru="Зал пленарных заседаний"
    )
    DelegationFactory(conference=conference, country="KZ")
    html = russian_organizer.get(reverse("desk:desk", args=[conference.slug])).content.decode()
    assert "P — Зал пленарных заседаний" in html
    assert "Plenary hall" not in html
