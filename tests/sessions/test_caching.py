"""Public pages are cached per published version, language and path; changes show at once."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from conference.models import Conference
from conference.services import organization_save
from participants.accreditation.services import participant_edit
from participants.models import Delegation
from sessions.models import Statement
from sessions.services import agenda_item_save, statement_move
from tests.factories import ConferenceFactory, UserFactory
from tests.sessions.conftest import build_agenda

pytestmark = pytest.mark.django_db


def test_second_request_is_served_from_the_cache(client, django_assert_num_queries):
    conference, _ = build_agenda(scale=1)
    url = reverse("agenda:agenda", args=[conference.slug])
    client.get(url)
    # Only the conference itself is read to build the key.
    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200


def test_a_change_through_a_service_shows_on_the_next_request(client):
    conference, sessions = build_agenda(scale=1)
    session = sessions[0]
    agenda_url = reverse("agenda:agenda", args=[conference.slug])
    session_url = reverse("agenda:session", args=[conference.slug, session.pk])
    json_url = reverse("agenda:agenda_json", args=[conference.slug])
    old_etag = client.get(agenda_url)["ETag"]
    client.get(session_url)
    client.get(json_url)

    session.title = "Renamed plenary"
    agenda_item_save(item=session)

    fresh = client.get(agenda_url, headers={"If-None-Match": old_etag})
    assert fresh.status_code == 200
    assert "Renamed plenary" in fresh.content.decode()
    assert "Renamed plenary" in client.get(session_url).content.decode()
    assert "Renamed plenary" in client.get(json_url).content.decode()


def test_a_manual_move_shows_on_the_next_request(client):
    conference, sessions = build_agenda(scale=1)
    session = sessions[0]
    first, second = session.statements.all()
    url = reverse("agenda:session", args=[conference.slug, session.pk])
    html = client.get(url).content.decode()
    assert html.index(first.speaker.full_name) < html.index(second.speaker.full_name)

    statement_move(statement=second, to_position=1, reason="Protocol request", by=None)

    html = client.get(url).content.decode()
    assert html.index(second.speaker.full_name) < html.index(first.speaker.full_name)


def test_a_speakers_title_change_outside_the_agenda_shows_too(client):
    # A name is identity data: changing it sends the speaker back to review, off the pages.
    conference, sessions = build_agenda(scale=1)
    url = reverse("agenda:speakers", args=[conference.slug])
    client.get(url)
    speaker = Statement.objects.filter(session=sessions[0]).first().speaker
    speaker.functional_title = "Deputy Minister (corrected)"
    participant_edit(participant=speaker, by=UserFactory(), changed_fields=["functional_title"])

    assert "Deputy Minister (corrected)" in client.get(url).content.decode()


def test_languages_and_query_strings_are_cached_apart(client):
    conference, sessions = build_agenda(scale=1)
    url = reverse("agenda:agenda", args=[conference.slug])
    english = client.get(url)
    client.cookies["django_language"] = "ru"
    russian = client.get(url)
    assert english["ETag"] != russian["ETag"]
    assert '<html lang="ru">' in russian.content.decode()
    filtered = client.get(url, {"day": "2019-05-17"})
    assert sessions[0].title not in filtered.content.decode()


def test_a_conference_made_private_is_gone_at_once(client):
    conference, _ = build_agenda(scale=1)
    url = reverse("agenda:agenda", args=[conference.slug])
    assert client.get(url).status_code == 200
    conference.is_public = False
    conference.save()
    assert client.get(url).status_code == 404


def test_non_public_pages_never_reach_the_cache(client):
    hidden = ConferenceFactory(is_public=False)
    assert client.get(reverse("agenda:agenda", args=[hidden.slug])).status_code == 404
    assert client.get(reverse("site:home", args=[hidden.slug])).status_code == 404
    assert cache._cache == {}


def test_cached_pages_carry_nothing_personal_and_the_language_switch_works(client):
    from django.test import Client

    conference, _ = build_agenda(scale=1)
    url = reverse("site:home", args=[conference.slug])
    first = client.get(url)
    assert "csrfmiddlewaretoken" not in first.content.decode()
    assert not first.cookies

    visitor = Client(enforce_csrf_checks=True)
    assert visitor.get(url).content == first.content
    switched = visitor.post(reverse("site:language"), {"language": "ru", "next": url})
    assert switched.status_code == 302
    assert switched["Location"] == url
    assert visitor.cookies["django_language"].value == "ru"
    assert '<html lang="ru">' in visitor.get(url).content.decode()


@pytest.fixture
def shared_cache(settings, tmp_path):
    """A cache every server process shares, as in production."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }


def test_with_a_shared_cache_a_hit_costs_no_query(
    client, shared_cache, django_assert_num_queries, django_capture_on_commit_callbacks
):
    conference, sessions = build_agenda(scale=1)
    url = reverse("agenda:session", args=[conference.slug, sessions[0].pk])
    client.get(url)
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200

    session = sessions[0]
    session.title = "Renamed in another worker"
    with django_capture_on_commit_callbacks(execute=True):
        agenda_item_save(item=session)

    assert "Renamed in another worker" in client.get(url).content.decode()


def test_with_a_shared_cache_a_private_conference_is_remembered_as_absent(
    client, shared_cache, django_assert_num_queries
):
    hidden = ConferenceFactory(is_public=False)
    url = reverse("agenda:agenda", args=[hidden.slug])
    assert client.get(url).status_code == 404
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 404


def test_saving_a_conference_read_before_another_change_never_reuses_a_version(client):
    conference, sessions = build_agenda(scale=1)
    read_earlier = Conference.objects.get(pk=conference.pk)
    agenda_item_save(item=sessions[0])  # another organizer's change, after the read
    url = reverse("site:home", args=[conference.slug])
    assert "Renamed conference" not in client.get(url).content.decode()

    read_earlier.title = "Renamed conference"
    read_earlier.save()

    assert "Renamed conference" in client.get(url).content.decode()
    read_earlier.full_clean()  # the instance stays usable after the save


def test_an_organization_change_bumps_only_the_conferences_showing_it(
    django_assert_num_queries,
):
    showing, _ = build_agenda(scale=1)
    elsewhere = ConferenceFactory()
    organization = Delegation.objects.get(conference=showing, organization__isnull=False)
    organization = organization.organization
    versions = dict(Conference.objects.values_list("pk", "published_version"))

    organization.name = "Renamed Regional Organization"
    # The save, the conferences showing it and one bump for them all, whatever their number.
    with django_assert_num_queries(6):
        organization_save(organization=organization)

    after = dict(Conference.objects.values_list("pk", "published_version"))
    assert after[showing.pk] == versions[showing.pk] + 1
    assert after[elsewhere.pk] == versions[elsewhere.pk]


def test_a_parameter_the_page_does_not_read_is_served_from_the_cached_page(
    client, django_assert_num_queries
):
    conference, _ = build_agenda(scale=1)
    url = reverse("agenda:agenda", args=[conference.slug])
    first = client.get(url)
    # Only the conference is read to build the key: the page itself comes from the cache.
    with django_assert_num_queries(1):
        probed = client.get(url, {"x": "1", "utm_source": "newsletter"})
    assert probed.status_code == 200
    assert probed["ETag"] == first["ETag"]
    assert probed.content == first.content


def test_the_agenda_filters_still_key_the_cache(client):
    conference, sessions = build_agenda(scale=1)
    url = reverse("agenda:agenda", args=[conference.slug])
    whole = client.get(url)
    filtered = client.get(url, {"day": "2019-05-17", "x": "1"})
    assert filtered["ETag"] != whole["ETag"]
    assert filtered["ETag"] == client.get(url, {"day": "2019-05-17"})["ETag"]
