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
            assert visitor.get(agenda).status_code == 200  # renders and stores it again
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


def test_the_page_is_rendered_uncached_each_time_redis_is_down():
    conference, sessions = build_agenda(scale=1)
    agenda = reverse("agenda:agenda", args=[conference.slug])
    visitor = Client()
    with _settings(_free_port()):
        first = visitor.get(agenda)
        with CaptureQueriesContext(connection) as second:
            assert visitor.get(agenda).content == first.content
    # The conference's state, the conference and the agenda itself, read again.
    assert len(second.captured_queries) > 2


def test_the_nomination_portal_counts_no_guess_while_redis_is_down(client, settings):
    settings.PORTAL_UNKNOWN_TOKEN_LIMIT = 2
    url = reverse("participants:portal", kwargs={"token": "no-such-token"})
    with _settings(_free_port()):
        # Without its counter the throttle stays open: a 404 each time, never a 500 or a 429.
        assert [client.get(url).status_code for _ in range(3)] == [404, 404, 404]
