"""Every staff page outside the admin applies the admin's second-factor rule (issue 21, item 1)."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.auth import sign_in
from tests.factories import ConferenceFactory, IdentityDocumentFactory, ParticipantFactory


def _patterns(resolvers, prefix=""):
    for entry in resolvers:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith(("admin/", "i18n/")):
                continue
            yield from _patterns(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


def _fill(route, values):
    path = route
    for name, value in values.items():
        for converter in ("slug", "str", "int", "path", ""):
            token = f"<{converter}:{name}>" if converter else f"<{name}>"
            path = path.replace(token, str(value))
    return "/" + path.lstrip("^").rstrip("$")


@pytest.fixture
def unverified(client, superuser):
    client.force_login(superuser)
    return client


def test_the_desk_and_its_photos_turn_away_a_session_without_the_second_factor(
    unverified, superuser
):
    conference = ConferenceFactory(slug="dushanbe-2027")
    participant = IdentityDocumentFactory(participant__conference=conference).participant
    urls = [
        reverse("desk:index"),
        reverse("desk:desk", args=[conference.slug]),
        reverse("desk:photo", args=[participant.pk]),
    ]
    for url in urls:
        response = unverified.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url

    verified = sign_in(Client(), superuser)
    assert verified.get(reverse("desk:desk", args=[conference.slug])).status_code == 200


def test_no_url_outside_the_admin_answers_an_unverified_session_more_than_the_public(
    unverified,
):
    """Walks the URL conf: a page that answers 200 to an unverified staff session must be
    public, answering 200 to an anonymous visitor too."""
    conference = ConferenceFactory(slug="dushanbe-2027", is_public=True)
    participant = ParticipantFactory(conference=conference)
    values = {"conference_slug": conference.slug, "pk": participant.pk, "token": "x" * 20}
    anonymous = Client()
    walked = 0
    for route in _patterns(get_resolver().url_patterns):
        url = _fill(route, values)
        if "<" in url:
            continue
        walked += 1
        if unverified.get(url).status_code == 200:
            assert anonymous.get(url).status_code == 200, url
    assert walked > 10
