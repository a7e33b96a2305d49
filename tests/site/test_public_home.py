"""The public list of conferences and a conference's home page."""

import lxml.html
import pytest
from django.core.cache import cache
from django.urls import reverse

from conference.enums import PartnerRole
from conference.models import ConferencePartner
from tests.factories import ConferenceFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def test_index_lists_public_conferences_only(client, django_assert_max_num_queries):
    shown = ConferenceFactory(title="Regional Conference on Border Security")
    hidden = ConferenceFactory(title="Closed Preparatory Meeting", is_public=False)

    with django_assert_max_num_queries(2):
        html = client.get(reverse("site:index")).content.decode()

    assert shown.title in html
    assert hidden.title not in html
    assert f'href="/{shown.slug}/"' in html


def test_index_shows_a_new_conference_at_once(client):
    client.get(reverse("site:index"))
    later = ConferenceFactory(title="Conference Published Later")
    assert later.title in client.get(reverse("site:index")).content.decode()


def test_home_page_shows_the_conference(client):
    conference = ConferenceFactory(
        title="High-Level Conference on Countering Terrorist Financing",
        theme="To strengthen regional co-operation.",
        series="Dushanbe Process",
        venue_name="Kokhi Somon",
        venue_address="122 Rudaki Avenue, Dushanbe",
    )
    ConferencePartner.objects.create(conference=conference, country="TJ", role=PartnerRole.HOST)
    ConferencePartner.objects.create(
        conference=conference,
        organization=OrganizationFactory(name="Example Office", acronym=""),
        role=PartnerRole.SUPPORTER,
    )

    response = client.get(reverse("site:home", args=[conference.slug]))

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<h1 class="mb-3">{conference.title}</h1>' in html
    assert "16 May 2019 – 17 May 2019" in html
    assert "Kokhi Somon, 122 Rudaki Avenue, Dushanbe, Tajikistan" in html
    assert "To strengthen regional co-operation." in html
    assert "<strong>Tajikistan</strong> — Host" in html
    assert "Example Office — Supporter" in html
    for name in ("agenda:agenda", "agenda:speakers", "agenda:agenda_ics", "agenda:agenda_print"):
        assert reverse(name, args=[conference.slug]) in html
    assert reverse("delegations:list", args=[conference.slug]) in html


def test_home_page_in_russian(client):
    conference = ConferenceFactory()
    client.cookies["django_language"] = "ru"
    html = client.get(reverse("site:home", args=[conference.slug])).content.decode()
    assert "16 мая 2019 – 17 мая 2019" in html
    assert "Таджикистан" in html
    assert "Делегации-участницы" in html


def test_private_conference_home_is_404(client):
    conference = ConferenceFactory(is_public=False)
    assert client.get(reverse("site:home", args=[conference.slug])).status_code == 404
    assert client.get("/no-such-conference/").status_code == 404


@pytest.mark.parametrize(
    "name, label",
    [
        ("site:home", "Overview"),
        ("agenda:agenda", "Agenda"),
        ("agenda:speakers", "Speakers"),
        ("delegations:list", "Delegations"),
        ("documents:list", "Documents"),
        ("documents:recommendations", "Recommendations"),
    ],
)
def test_the_conference_menu_marks_the_page_it_is_on_and_no_other(client, name, label):
    conference = ConferenceFactory(is_public=True)
    html = client.get(reverse(name, args=[conference.slug])).content.decode()
    nav = lxml.html.fromstring(html).xpath(
        "//*[contains(@class, 'conference-nav')]//a[contains(concat(' ', @class, ' '), ' active ')]"
    )
    assert [link.text_content() for link in nav] == [label]
