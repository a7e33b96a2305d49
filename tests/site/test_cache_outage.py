"""Issue 14: Redis going away slows the public site down to the database, never to a 500.

These tests start a redis-server of their own on a free port and kill it, so the shared Redis
is never touched; then they start it again on the same port and the pages are cached again.
"""

import logging
import shutil
import socket
import subprocess
import time
import uuid

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conference import cache as cache_module
from conference.site.caching import CACHE_SECONDS, CachedPage, _LocalPages
from conference.site.publishing import public_pages_invalidate
from tests.sessions.conftest import build_agenda

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    """A redis-server of the test's own, without persistence."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@pytest.fixture
def redis_server():
    server = OwnRedis()
    server.start()
    yield server
    server.stop()


def _settings(port: int):
    return override_settings(
        CACHES={
            "default": {
                "BACKEND": "conference.cache.ResilientRedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/0",
                "KEY_PREFIX": f"plenary-test-{uuid.uuid4().hex}",
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        }
    )


@pytest.fixture(autouse=True)
def no_outage_left(monkeypatch):
    # Retry Redis on every call, so a test need not wait out RETRY_SECONDS.
    monkeypatch.setattr(cache_module, "RETRY_SECONDS", 0.0)
    cache_module._down_until.clear()
    yield
    cache_module._down_until.clear()


def test_the_agenda_is_served_from_the_database_while_redis_is_down_and_cached_after(
    redis_server, django_assert_num_queries, caplog
):
    conference, sessions = build_agenda(scale=1)
    agenda = reverse("agenda:agenda", args=[conference.slug])
    visitor = Client()
    with _settings(redis_server.port):
        assert visitor.get(agenda).status_code == 200
        with django_assert_num_queries(0):  # a hit: the page and the version from Redis
            assert visitor.get(agenda).status_code == 200

        redis_server.stop()
        with caplog.at_level(logging.WARNING, logger="conference.cache"):
            for _ in range(3):
                response = visitor.get(agenda)
                assert response.status_code == 200
                assert sessions[0].title in response.content.decode()
        outage = [r.getMessage() for r in caplog.records if r.name == "conference.cache"]
        assert len(outage) == 1
        assert outage[0].startswith(f"Cache at redis://127.0.0.1:{redis_server.port}/0 unreachable")

        with caplog.at_level(logging.WARNING, logger="conference.cache"):
            caplog.clear()
            redis_server.start()
            assert visitor.get(agenda).status_code == 200  # the version, read and kept again
            with django_assert_num_queries(0):
                assert sessions[0].title in visitor.get(agenda).content.decode()
        assert [r.getMessage() for r in caplog.records] == [
            f"Cache at redis://127.0.0.1:{redis_server.port}/0 reachable again"
        ]
        caches["default"].clear()


def test_a_closed_port_answers_as_an_empty_cache():
    with _settings(_free_port()):
        cache = caches["default"]
        assert cache.get("page") is None
        assert cache.get("page", "default") == "default"
        assert cache.add("page", 1) is False
        assert cache.set("page", 1) is None
        assert cache.delete("page") is False
        assert cache.get_many(["a", "b"]) == {}
        assert cache.has_key("page") is False
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert cache.get_or_set("page", 3) == 3
        with pytest.raises(ValueError):
            cache.incr("page")


def test_while_redis_is_down_the_version_is_read_from_the_database(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    conference, sessions = build_agenda(scale=1)
    agenda = reverse("agenda:agenda", args=[conference.slug])
    visitor = Client()
    with _settings(_free_port()):
        first = visitor.get(agenda)
        # The page itself is this process's copy: a key names one version forever.
        with django_assert_num_queries(1):
            assert visitor.get(agenda).content == first.content
        with django_capture_on_commit_callbacks(execute=True):
            public_pages_invalidate(conference_ids=[conference.pk])
        with CaptureQueriesContext(connection) as rendered:
            assert visitor.get(agenda).status_code == 200
    assert len(rendered.captured_queries) > 2  # a new version: rendered again


def test_the_nomination_portal_counts_no_guess_while_redis_is_down(client, settings):
    settings.PORTAL_UNKNOWN_TOKEN_LIMIT = 2
    url = reverse("participants:portal", kwargs={"token": "no-such-token"})
    with _settings(_free_port()):
        # Without its counter the throttle stays open: a 404 each time, never a 500 or a 429.
        assert [client.get(url).status_code for _ in range(3)] == [404, 404, 404]


def test_the_local_copies_keep_to_their_byte_budget_and_the_shared_lifetime():
    pages = _LocalPages(budget=10)
    now = time.time()
    for name in "abc":
        pages.put(name, CachedPage(b"1234", {}, now))
    assert pages.get("a") is None  # 12 bytes: the least recently used went
    assert pages.get("b") is not None
    pages.put("d", CachedPage(b"1234", {}, now))
    assert [pages.get(name) is not None for name in "bcd"] == [True, False, True]
    assert pages.size == 8
    pages.put("old", CachedPage(b"", {}, now - CACHE_SECONDS - 1))
    assert pages.get("old") is None
