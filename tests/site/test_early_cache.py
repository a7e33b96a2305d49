"""Issue 26 item 4: a cached public page is answered before the session, authentication,
CSRF, second-factor and lockout middleware, byte for byte and header for header as the full
stack answers it; a request with a session cookie, a POST and an uncached page go the full way.
"""

import gzip

import pytest
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tests.sessions.conftest import build_agenda

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_path_calls(monkeypatch):
    """How many requests reached the session middleware (the full stack)."""
    calls = []
    original = SessionMiddleware.process_request

    def spy(self, request):
        calls.append(request.path)
        return original(self, request)

    monkeypatch.setattr(SessionMiddleware, "process_request", spy)
    return calls


@pytest.fixture
def agenda():
    conference, sessions = build_agenda(scale=1)
    speaker = sessions[0].statements.first().speaker
    slug = conference.slug
    return {
        "index": reverse("site:index"),
        "home": reverse("site:home", args=[slug]),
        "agenda": reverse("agenda:agenda", args=[slug]),
        "session": reverse("agenda:session", args=[slug, sessions[0].pk]),
        "speaker": reverse("agenda:speaker", args=[slug, speaker.pk]),
        "speakers": reverse("agenda:speakers", args=[slug]),
        "ical": reverse("agenda:agenda_ics", args=[slug]),
        "json": reverse("agenda:agenda_json", args=[slug]),
        "xml": reverse("agenda:schedule_xml", args=[slug]),
    }


@pytest.fixture
def signed_in():
    """A visitor with a session (a staff member reading the public site): the full stack."""
    client = Client()
    client.force_login(UserFactory(username="reader"))
    return client


def _headers(response) -> dict[str, str]:
    return dict(response.headers.items())


def test_the_middleware_stands_right_after_whitenoise():
    middleware = settings.MIDDLEWARE
    early = middleware.index("conference.site.early.CachedPublicPageMiddleware")
    assert middleware[early - 1] == "whitenoise.middleware.WhiteNoiseMiddleware"
    assert early < middleware.index("django.contrib.sessions.middleware.SessionMiddleware")


@pytest.mark.parametrize(
    "name", ["index", "home", "agenda", "session", "speaker", "speakers", "ical", "json", "xml"]
)
@pytest.mark.parametrize("first", ["full", "early"])
def test_the_early_answer_is_the_full_answer(name, first, agenda, signed_in, full_path_calls):
    """Either way round: the page cached by one path is served identically by the other."""
    anonymous = Client()
    url = agenda[name]
    if first == "full":
        full = signed_in.get(url)
        assert full_path_calls == [url]  # rendered through the full stack
        early = anonymous.get(url)
        assert full_path_calls == [url]  # answered before the session middleware
    else:
        anonymous.get(url)  # not cached yet: rendered through the full stack
        assert full_path_calls == [url]
        early = anonymous.get(url)
        assert full_path_calls == [url]
        full = signed_in.get(url)
        assert full_path_calls == [url, url]
    assert early.status_code == full.status_code == 200
    assert early.content == full.content
    assert _headers(early) == _headers(full)


def test_the_headers_are_the_security_headers_of_every_page(agenda, full_path_calls):
    client = Client()
    client.get(agenda["agenda"])
    response = client.get(agenda["agenda"])
    assert full_path_calls == [agenda["agenda"]]
    headers = _headers(response)
    # django-csp writes the directives in no fixed order; no nonce (the page has no inline code).
    assert sorted(headers["Content-Security-Policy"].split("; ")) == [
        "base-uri 'self'",
        "default-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "img-src 'self' data:",
        "object-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
    ]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Permissions-Policy"] == (
        "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
    )
    assert headers["Vary"] == "Cookie, Accept-Language"
    assert headers["Content-Language"] == "en"
    assert headers["Content-Length"] == str(len(response.content))
    assert headers["Cache-Control"] == "max-age=0, must-revalidate"


def test_a_session_cookie_a_post_and_another_view_take_the_full_path(
    agenda, signed_in, full_path_calls
):
    url = agenda["agenda"]
    Client().get(url)
    assert full_path_calls == [url]
    signed_in.get(url)
    Client().post(url)
    Client().get("/admin/login/")
    assert full_path_calls == [url, url, url, "/admin/login/"]


def test_russian_is_answered_early_in_russian(agenda, full_path_calls):
    url = agenda["agenda"]
    russian = Client(headers={"accept-language": "ru"})
    first = russian.get(url)
    second = russian.get(url)
    assert full_path_calls == [url]
    assert second.content == first.content
    assert second["Content-Language"] == "ru"
    assert 'lang="ru"' in second.content.decode()
    english = Client().get(url)
    assert english["Content-Language"] == "en"
    assert english.content != second.content


def test_a_revalidation_gets_a_304_from_the_early_path(agenda, full_path_calls):
    url = agenda["ical"]
    client = Client()
    etag = client.get(url)["ETag"]
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert full_path_calls == [url]


@pytest.mark.parametrize("name", ["ical", "json", "xml"])
def test_feeds_are_gzipped_for_clients_that_accept_it(name, agenda, full_path_calls):
    url = agenda[name]
    plain = Client().get(url)
    zipped = Client(headers={"accept-encoding": "gzip, deflate"}).get(url)
    assert full_path_calls == [url]
    assert zipped["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain
    assert gzip.decompress(zipped.content) == plain.content
    assert zipped["Vary"] == plain["Vary"] == "Cookie, Accept-Encoding, Accept-Language"
    assert zipped["ETag"] == plain["ETag"][:-1] + '-gzip"'
    assert zipped["Content-Length"] == str(len(zipped.content))
    again = Client(headers={"accept-encoding": "gzip"}).get(
        url, headers={"if-none-match": zipped["ETag"]}
    )
    assert again.status_code == 304


def test_html_pages_are_not_gzipped(agenda):
    response = Client(headers={"accept-encoding": "gzip"}).get(agenda["agenda"])
    assert "Content-Encoding" not in response


def test_the_language_switcher_keeps_no_foreign_query_in_a_cached_page(agenda, full_path_calls):
    """The first visitor's query string was baked into the switcher's ``next`` of the cached
    page, so every later visitor switching language was sent to that visitor's address."""
    url = agenda["agenda"]
    first = Client().get(url + "?utm_source=mail&day=2019-05-16")
    assert 'name="next" type="hidden" value="' + url + '?day=2019-05-16"' in first.content.decode()
    later = Client().get(url + "?day=2019-05-16&tracking=1")
    assert full_path_calls == [url]
    assert later.content == first.content
    plain = Client().get(url).content.decode()
    assert f'name="next" type="hidden" value="{url}"' in plain
    assert "utm_source" not in plain


def test_an_unknown_conference_is_still_a_404(full_path_calls):
    response = Client().get("/no-such-conference/agenda/")
    assert response.status_code == 404
    assert full_path_calls == ["/no-such-conference/agenda/"]


def test_a_page_that_used_the_csp_nonce_is_never_cached(rf):
    """Its body holds a nonce only its own response's header allows."""
    from csp.middleware import CSPMiddleware
    from django.core.cache import cache
    from django.http import HttpResponse

    from conference.site.caching import _serve

    def view(request):
        body = f'<script nonce="{request.csp_nonce}">1</script>'
        return _serve(request, "nonce-test", lambda: HttpResponse(body))

    responses = [CSPMiddleware(view)(rf.get("/page/")) for _ in range(2)]
    nonces = [r.content.decode().split('"')[1] for r in responses]
    assert nonces[0] != nonces[1]
    for response, nonce in zip(responses, nonces, strict=True):
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    assert "ETag" not in responses[1]
    assert not [key for key in cache._cache if "nonce-test" in key]
