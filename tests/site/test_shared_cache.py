"""Issue 14: two app servers share one Redis cache; a change made on one shows on the other.

Each server is its own settings instance (override_settings builds a new cache handler, with
its own Redis connection), as two gunicorn processes would be. Redis runs at 127.0.0.1:6379
on this project's machines and in CI; these tests use database 7 and a key prefix of their own.
"""

import uuid

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse

from conference.site.caching import _cache_is_shared
from tests.admin_forms import submit_change_form
from tests.sessions.conftest import build_agenda

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/7"


@pytest.fixture
def servers():
    """Two settings instances naming the same Redis, as two app servers do."""
    cache = {
        "default": {
            "BACKEND": "conference.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"plenary-test-{uuid.uuid4().hex}",
        }
    }
    yield override_settings(CACHES=cache), override_settings(CACHES=cache)
    with override_settings(CACHES=cache):
        caches["default"].clear()


def test_a_session_renamed_through_one_server_shows_on_the_other(
    servers, organizer, django_assert_num_queries, django_capture_on_commit_callbacks
):
    server_a, server_b = servers
    conference, sessions = build_agenda(scale=1)
    session = sessions[0]
    agenda = reverse("agenda:agenda", args=[conference.slug])
    visitor = Client()
    with server_b:
        assert _cache_is_shared()
        assert session.title in visitor.get(agenda).content.decode()
        # A shared cache keeps the conference's version too: a hit reads nothing.
        with django_assert_num_queries(0):
            assert visitor.get(agenda).status_code == 200

    # The request's transaction commits, and the server drops the version it kept in Redis.
    with server_a, django_capture_on_commit_callbacks(execute=True):
        submit_change_form(
            organizer,
            reverse("admin:agenda_session_change", args=[session.pk]),
            title_en="Renamed plenary",
        )

    with server_b:
        html = visitor.get(agenda).content.decode()
    assert "Renamed plenary" in html
    assert session.title not in html


def test_the_settings_read_redis_url(monkeypatch):
    import importlib

    import conference.settings as settings_module

    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    try:
        reloaded = importlib.reload(settings_module)
        assert reloaded.CACHES["default"] == {
            "BACKEND": "conference.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    finally:
        monkeypatch.delenv("REDIS_URL")
        importlib.reload(settings_module)
