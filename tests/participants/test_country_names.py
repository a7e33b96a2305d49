"""Official (UN) country names in English and Russian, organizations in both languages, and
the Russian-alphabet order of precedence."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from conference.enums import PrecedenceAlphabet
from participants.accreditation.selectors import delegations_in_precedence
from participants.models import Delegation
from tests.factories import ConferenceFactory, DelegationFactory

pytestmark = pytest.mark.django_db
DUSHANBE = "dushanbe-2019"


def delegations_page(client, language: str) -> str:
    cache.clear()
    client.cookies["django_language"] = language
    response = client.get(reverse("delegations:list", args=[DUSHANBE]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_russian_delegations_page_writes_the_official_russian_names(demo_db, db, client):
    html = delegations_page(client, "ru")
    for name in ("Российская Федерация", "Кыргызстан", "Республика Корея", "ОБСЕ", "УНП ООН"):
        assert name in html
    for everyday in ("Россия", "Киргизия", "Южная Корея", "UNODC"):
        assert everyday not in html


def test_the_english_delegations_page_writes_the_un_names(demo_db, db, client):
    html = delegations_page(client, "en")
    for name in ("Russian Federation", "Republic of Korea", "Kyrgyzstan", "OSCE", "UNODC"):
        assert name in html
    assert "South Korea" not in html and ">Russia<" not in html


def test_the_stored_name_stays_the_english_sort_key_whoever_saves(demo_db, db):
    with translation.override("ru"):
        delegation = Delegation.objects.get(conference__slug=DUSHANBE, country="RU")
        delegation.save()
        osce = Delegation.objects.get(conference__slug=DUSHANBE, organization__acronym_en="OSCE")
        osce.save()
        assert (delegation.local_name, osce.local_name) == ("Российская Федерация", "ОБСЕ")
    delegation.refresh_from_db()
    osce.refresh_from_db()
    assert (delegation.name, osce.name) == ("Russian Federation", "OSCE")


def test_the_russian_alphabet_orders_a_russian_speaking_conference():
    conference = ConferenceFactory(precedence_alphabet=PrecedenceAlphabet.RUSSIAN)
    for code in ("FR", "DE", "AT", "BY"):
        DelegationFactory(conference=conference, country=code)

    # Австрия, Беларусь, Германия, Франция (English: Austria, Belarus, France, Germany).
    assert [d.name for d in delegations_in_precedence(conference=conference)] == [
        "Austria",
        "Belarus",
        "Germany",
        "France",
    ]


def test_a_russian_conference_may_start_its_alphabet_at_a_name_drawn_in_russian():
    conference = ConferenceFactory(
        precedence_alphabet=PrecedenceAlphabet.RUSSIAN, precedence_start="Германия"
    )
    for code in ("FR", "DE", "AT"):
        DelegationFactory(conference=conference, country=code)

    assert [d.name for d in delegations_in_precedence(conference=conference)] == [
        "Germany",
        "France",
        "Austria",
    ]
