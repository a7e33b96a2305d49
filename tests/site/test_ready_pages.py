"""Issue 26 item 4: the WSGI layer's ready copies of cached public pages.

A repeated anonymous request for a cached public page is answered by conference.site.ready
without entering Django, byte for byte and header for header as the early path answered it;
a change anywhere retires every process's copies at once (announced on a Redis channel); and
without a channel to listen on there are no copies at all. Each ReadyPages here is one server
process; the cache is the shared Redis (database 7, a key prefix of the test's own).
"""

import asyncio
import gzip
import select
import sys
import uuid
from io import BytesIO

import pytest
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from django.urls import reverse

from conference import cache as cache_module
from conference.cache import RETRY_SECONDS
from conference.services import conference_delete, conference_save
from conference.site.caching import CHANNEL, STATE_SECONDS
from conference.site.ready import ReadyPages
from tests.factories import ConferenceFactory
from tests.sessions.conftest import build_agenda
from tests.site.test_cache_outage import OwnRedis

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/7"
PAGES = ["index", "home", "agenda", "session", "speaker", "speakers", "ical", "json", "xml"]


def _redis_cache(location: str = REDIS_URL) -> dict:
    return {
        "default": {
            "BACKEND": "conference.cache.ResilientRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": f"plenary-test-{uuid.uuid4().hex}",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: a request's end must not close the test's transaction's
    connection (close_old_connections closes one outside autocommit)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def shared_cache():
    cache = _redis_cache()
    with override_settings(CACHES=cache):
        yield
        caches["default"].clear()


class Clock:
    """The time the process reads, moved on by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Server:
    """One server process: the ready copies in front of Django's handler, and the requests
    that reached Django."""

    def __init__(self, **options) -> None:
        self.clock = Clock()
        self.django_calls: list[str] = []
        handler = WSGIHandler()

        def django(environ, start_response):
            self.django_calls.append(environ["PATH_INFO"])
            return handler(environ, start_response)

        self.application = ReadyPages(django, clock=self.clock, **options)

    def get(self, path: str, *, method: str = "GET", **headers) -> tuple[str, list, bytes]:
        environ = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "testserver",
            "wsgi.url_scheme": "http",
            "wsgi.input": BytesIO(),
            "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            **{f"HTTP_{name.upper()}": value for name, value in headers.items()},
        }
        answer = []

        def start_response(status, header_list, exc_info=None):
            answer[:] = [status, header_list]

        result = self.application(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return answer[0], answer[1], body


@pytest.fixture
def agenda():
    conference, sessions = build_agenda(scale=1)
    speaker = sessions[0].statements.first().speaker
    slug = conference.slug
    return {
        "conference": conference,
        "session_object": sessions[0],
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


def _headers(answer: tuple[str, list, bytes]) -> dict[str, str]:
    return dict(answer[1])


def test_gunicorn_serves_the_ready_copies_in_front_of_django():
    from conference import wsgi

    assert isinstance(wsgi.application, ReadyPages)
    assert wsgi.application.application is wsgi.django_application
    assert isinstance(wsgi.django_application, WSGIHandler)


@pytest.mark.parametrize("name", PAGES)
def test_the_copy_is_the_early_answer_byte_for_byte(name, agenda, shared_cache):
    server = Server()
    url = agenda[name]
    rendered = server.get(url)  # rendered through the full stack, and cached
    early = server.get(url)  # answered by the early middleware, and copied
    assert server.django_calls == [url, url]
    copies = [server.get(url) for _ in range(3)]
    assert server.django_calls == [url, url]
    assert early[0] == "200 OK"
    assert early[2] == rendered[2]
    for copy in copies:
        assert copy == early  # status line, header list in its order, body
    headers = _headers(early)
    assert headers["X-Frame-Options"] == "DENY"
    assert "nonce" not in headers["Content-Security-Policy"]
    assert headers["Content-Length"] == str(len(early[2]))


def test_each_variant_of_a_page_has_a_copy_of_its_own(agenda, shared_cache):
    server = Server()
    url = agenda["json"]
    variants = [
        {},
        {"accept_language": "ru"},
        {"cookie": "django_language=ru; other=1"},
        {"accept_encoding": "gzip, deflate"},
    ]
    early = {}
    for number, headers in enumerate(variants):
        server.get(url, **headers)
        early[number] = server.get(url, **headers)
    calls = list(server.django_calls)
    for number, headers in enumerate(variants):
        assert server.get(url, **headers) == early[number]
    assert server.django_calls == calls  # every variant from its copy
    assert _headers(early[1])["Content-Language"] == "ru"
    assert _headers(early[2])["Content-Language"] == "ru"
    assert _headers(early[0])["Content-Language"] == "en"
    assert early[1][2] != early[0][2]
    assert _headers(early[3])["Content-Encoding"] == "gzip"
    assert gzip.decompress(early[3][2]) == early[0][2]

    # A revalidation's 304 is the early path's too, and then a copy.
    etag = _headers(early[0])["ETag"]
    not_modified = server.get(url, if_none_match=etag)
    assert not_modified[0] == "304 Not Modified"
    assert not_modified[2] == b""
    calls = list(server.django_calls)
    assert server.get(url, if_none_match=etag) == not_modified
    assert server.django_calls == calls


def test_a_session_cookie_a_post_and_other_pages_always_reach_django(agenda, shared_cache):
    server = Server()
    url = agenda["agenda"]
    server.get(url)
    server.get(url)
    server.get(url, cookie="sessionid=abc")
    server.get(url, cookie="sessionid=abc")
    server.get(url, method="POST")
    server.get(url, method="POST")
    assert server.get("/no-such-conference/agenda/")[0] == "404 Not Found"
    server.get("/no-such-conference/agenda/")
    server.get("/admin/login/")
    server.get("/admin/login/")
    assert (
        server.django_calls
        == [url] * 6 + ["/no-such-conference/agenda/"] * 2 + ["/admin/login/"] * 2
    )


def test_a_change_on_another_server_retires_the_copy_at_once(
    agenda, shared_cache, django_capture_on_commit_callbacks
):
    reader, writer = Server(), Server()
    url = agenda["home"]
    for _ in range(3):
        before = reader.get(url)
    assert reader.django_calls == [url, url]
    conference = agenda["conference"]
    conference.title_en = "Renamed conference"
    with django_capture_on_commit_callbacks(execute=True):
        conference_save(conference=conference)
    # The announcement is on its way to the reader's own connection; a poll sees it arrive.
    select.select([reader.application.listener.pubsub.connection._sock], [], [], 1.0)
    after = reader.get(url)
    assert reader.django_calls == [url, url, url]
    assert "Renamed conference" in after[2].decode()
    assert "Renamed conference" not in before[2].decode()
    assert writer.django_calls == []


@pytest.mark.parametrize("change", ["created", "deleted"])
def test_a_conference_created_or_deleted_retires_the_index(
    change, agenda, shared_cache, django_capture_on_commit_callbacks
):
    other = ConferenceFactory.build(title="Another conference")
    if change == "deleted":
        other.save()
    server = Server()
    url = agenda["index"]
    for _ in range(3):
        before = server.get(url)[2].decode()
    with django_capture_on_commit_callbacks(execute=True):
        if change == "created":
            conference_save(conference=other)
        else:
            conference_delete(conference=other)
    select.select([server.application.listener.pubsub.connection._sock], [], [], 1.0)
    after = server.get(url)[2].decode()
    assert server.django_calls == [url, url, url]
    assert ("Another conference" in before) is (change == "deleted")
    assert ("Another conference" in after) is (change == "created")


def test_an_answer_during_which_a_change_came_is_not_kept(agenda, shared_cache):
    server = Server()
    url = agenda["agenda"]
    server.get(url)
    django = server.application.application

    def django_then_a_change(environ, start_response):
        result = django(environ, start_response)
        caches["default"].publish(CHANNEL, "elsewhere")
        select.select([server.application.listener.pubsub.connection._sock], [], [], 1.0)
        return result

    server.application.application = django_then_a_change
    server.get(url)  # early, but a change was announced meanwhile
    server.application.application = django
    server.get(url)
    assert server.django_calls == [url, url, url]
    server.get(url)
    assert server.django_calls == [url, url, url]


def test_a_copy_lives_no_longer_than_the_conference_state(agenda, shared_cache):
    server = Server()
    url = agenda["agenda"]
    for _ in range(3):
        server.get(url)
    server.clock.now += STATE_SECONDS - 0.1
    server.get(url)
    assert server.django_calls == [url, url]
    server.clock.now += 0.2
    server.get(url)
    assert server.django_calls == [url, url, url]


def test_copies_stay_within_the_byte_budget(agenda, shared_cache):
    measure = Server()
    for _ in range(2):
        measure.get(agenda["agenda"])
    (copy,) = measure.application.copies.values()
    assert measure.application.size == copy.size

    # Room for one copy: the next one starts the table over. (The agenda is in the shared
    # cache already, so its first request is answered early and copied.)
    server = Server(budget=copy.size)
    for name in ("agenda", "session"):
        for _ in range(3):
            server.get(agenda[name])
    assert server.django_calls == [agenda["agenda"]] + [agenda["session"]] * 2
    assert len(server.application.copies) == 1
    server.get(agenda["agenda"])
    assert server.django_calls[-1] == agenda["agenda"]

    # A page larger than the whole budget is never kept.
    small = Server(budget=copy.size - 1)
    for _ in range(2):
        small.get(agenda["agenda"])
    assert small.django_calls == [agenda["agenda"]] * 2
    assert small.application.copies == {}


def test_without_a_shared_redis_cache_there_are_no_copies(agenda):
    server = Server()  # the tests' local-memory cache: no channel to hear changes on
    url = agenda["agenda"]
    for _ in range(3):
        assert server.get(url)[0] == "200 OK"
    assert server.django_calls == [url] * 3
    assert server.application.copies == {}


def test_while_redis_is_away_every_request_reaches_django(agenda, monkeypatch):
    # The cache itself retries Redis on every call, so the test need not wait out its pause.
    monkeypatch.setattr(cache_module, "RETRY_SECONDS", 0.0)
    cache_module._down_until.clear()
    redis = OwnRedis()
    redis.start()
    try:
        with override_settings(CACHES=_redis_cache(f"redis://127.0.0.1:{redis.port}/0")):
            server = Server()
            url = agenda["agenda"]
            for _ in range(3):
                first = server.get(url)
            assert server.django_calls == [url, url]
            redis.stop()
            answers = [server.get(url) for _ in range(2)]  # from the process's own pages
            assert server.django_calls == [url] * 4
            assert [answer[2] for answer in answers] == [first[2]] * 2
            assert server.application.listener.pubsub is None

            # Back: the process subscribes again after its pause, with no copy from before.
            redis.start()
            server.get(url)
            assert server.django_calls == [url] * 5
            assert server.application.listener.pubsub is None
            server.clock.now += RETRY_SECONDS
            for _ in range(3):
                assert server.get(url)[2] == first[2]
            assert server.django_calls == [url] * 6
            assert server.application.listener.pubsub is not None
    finally:
        redis.stop()
        cache_module._down_until.clear()


def test_the_asgi_application_still_answers_from_the_early_path(agenda, shared_cache):
    """daphne serves conference.asgi: no ready copies there, the early middleware's answer."""
    from asgiref.sync import async_to_sync

    from conference.asgi import application

    url = agenda["agenda"]
    server = Server()
    server.get(url)
    early = server.get(url)
    sent = []

    requests = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive():
        if requests:
            return requests.pop()
        await asyncio.Event().wait()  # the client stays connected

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": url,
        "raw_path": url.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
    }
    async_to_sync(application)(scope, receive, send)
    start, *bodies = sent
    assert start["status"] == 200
    assert b"".join(body["body"] for body in bodies) == early[2]
    headers = [(name.decode(), value.decode()) for name, value in start["headers"]]
    assert headers == early[1]
    assert server.django_calls == [url, url]
