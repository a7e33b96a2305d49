"""Live updates over the real Redis channel layer: a console action reaches a connected
projector, floor.json says the same, and a Redis that is down never stops the console."""

import logging
import re
import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conference.asgi import application
from sessions.live import floor_publish_wait
from sessions.models import FloorEvent, Statement
from sessions.services import (
    point_of_order_raise,
    speakers_list_next,
    statement_floor_pause,
)
from tests.factories import SessionFactory, StatementFactory

REDIS = "redis://127.0.0.1:6379/0"
ORIGIN = [(b"origin", b"http://127.0.0.1")]
TIMEOUT = 10  # seconds: a loaded CI machine, not a target


def _layer(address: str) -> dict:
    return {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            # A prefix of its own: other test runs share this Redis.
            "CONFIG": {
                "hosts": [{"address": address, "socket_connect_timeout": 0.5}],
                "prefix": f"test-{uuid.uuid4().hex[:8]}",
            },
        }
    }


@pytest.fixture
def live(transactional_db, settings):
    settings.CHANNEL_LAYERS = _layer(REDIS)
    session = SessionFactory(conference__is_public=True)
    statements = [StatementFactory(session=session, order=i) for i in (1, 2, 3)]
    return session, statements


def _path(session, lang="en"):
    return f"/ws/{session.conference.slug}/sessions/{session.pk}/floor/?lang={lang}"


def _without_clock(state: dict) -> dict:
    return {key: value for key, value in state.items() if key != "now"}


def test_a_console_action_reaches_a_connected_projector(live, client):
    session, statements = live
    received = {}

    async def scenario():
        english = WebsocketCommunicator(application, _path(session), headers=ORIGIN)
        russian = WebsocketCommunicator(application, _path(session, "ru"), headers=ORIGIN)
        assert (await english.connect())[0] and (await russian.connect())[0]
        received["initial"] = await english.receive_json_from(timeout=TIMEOUT)
        await russian.receive_json_from(timeout=TIMEOUT)
        await database_sync_to_async(speakers_list_next)(
            session=session, seen_current_id=None, by=None
        )
        received["started"] = await english.receive_json_from(timeout=TIMEOUT)
        received["started_ru"] = await russian.receive_json_from(timeout=TIMEOUT)
        await database_sync_to_async(statement_floor_pause)(statement=statements[0], by=None)
        received["paused"] = await english.receive_json_from(timeout=TIMEOUT)
        # Viewers only listen: what they send changes nothing and gets no answer.
        await english.send_json_to({"action": "next"})
        assert await english.receive_nothing(timeout=0.3)
        await english.disconnect()
        await russian.disconnect()

    async_to_sync(scenario)()
    assert received["initial"]["current"] is None
    started = received["started"]
    assert started["current"]["id"] == statements[0].pk
    assert [entry["id"] for entry in started["next"]] == [statements[1].pk, statements[2].pk]
    assert started["now"] >= started["current"]["started_at"]
    assert received["started_ru"]["current"]["id"] == statements[0].pk
    assert received["paused"]["current"]["paused_at"] is not None
    assert FloorEvent.objects.count() == 2
    # The polling fallback says exactly what the WebSocket said.
    url = reverse("agenda:session_floor", args=[session.conference.slug, session.pk])
    assert client.get(url).json() == _without_clock(received["paused"])


def test_a_point_of_order_reaches_the_projector(live):
    session, statements = live
    received = []

    async def scenario():
        viewer = WebsocketCommunicator(application, _path(session), headers=ORIGIN)
        assert (await viewer.connect())[0]
        await viewer.receive_json_from(timeout=TIMEOUT)
        first = await database_sync_to_async(speakers_list_next)(
            session=session, seen_current_id=None, by=None
        )
        await viewer.receive_json_from(timeout=TIMEOUT)
        await database_sync_to_async(point_of_order_raise)(
            session=session, seen_current_id=first.pk, delegation=None, by=None
        )
        received.append(await viewer.receive_json_from(timeout=TIMEOUT))
        await viewer.disconnect()

    async_to_sync(scenario)()
    assert received[0]["point_of_order"]["delegation"] == ""
    assert received[0]["current"]["paused_at"] is not None


def test_a_private_session_or_another_conference_is_refused(live):
    session, _statements = live
    session.is_public = False
    session.save()
    other = SessionFactory(conference__is_public=True)

    async def scenario():
        for path in (
            _path(session),
            f"/ws/{other.conference.slug}/sessions/{session.pk}/floor/",
        ):
            viewer = WebsocketCommunicator(application, path, headers=ORIGIN)
            connected, code = await viewer.connect()
            assert (connected, code) == (False, 4404)
        foreign = WebsocketCommunicator(
            application, _path(other), headers=[(b"origin", b"https://evil.example")]
        )
        assert (await foreign.connect())[0] is False

    async_to_sync(scenario)()


def test_with_redis_down_the_console_still_writes_and_logs(transactional_db, settings, caplog):
    settings.CHANNEL_LAYERS = _layer("redis://127.0.0.1:1/0")  # nothing listens there
    session = SessionFactory(conference__is_public=True)
    first = StatementFactory(session=session)
    with caplog.at_level(logging.WARNING, logger="sessions.live"):
        started = speakers_list_next(session=session, seen_current_id=None, by=None)
        assert floor_publish_wait(timeout=TIMEOUT)
    assert started.pk == first.pk
    assert Statement.objects.get(pk=first.pk).started_at is not None
    assert FloorEvent.objects.count() == 1
    assert [r.getMessage() for r in caplog.records] == [
        f"Floor update of session {session.pk} not published"
    ]


def test_the_console_does_not_wait_for_the_projectors(live):
    """The state is read and sent from the publisher's thread once the action has committed:
    the action's own connection runs the service's queries only."""
    session, statements = live
    with CaptureQueriesContext(connection) as queries:
        speakers_list_next(session=session, seen_current_id=None, by=None)
    assert floor_publish_wait(timeout=TIMEOUT)
    tables = [re.search(r'FROM "(\w+)"', q["sql"]) for q in queries.captured_queries]
    assert [t.group(1) for t in tables if t] == [
        "agenda_statement",
        "agenda_pointoforder",
        "conference_conference",
    ]
    assert len(queries) == 8  # with BEGIN and COMMIT
