"""Live floor updates: after a console action commits, every projector of the session hears it.

Services call :func:`floor_publish` inside their transaction; once it commits, the session is
handed to this process's publisher thread, so no screen ever shows a change that was rolled
back and the console's answer waits neither for the state's read nor for Redis. One group per
session and language (``floor.<session>.<lang>``): each message is the whole state in that
language, read when it is sent, with the server's clock, so a screen needs nothing else to
show it, and changes that wait together go out as one message.

Apps above sessions add sections to what the projector shows (documents: the paragraph under
negotiation) with :func:`projector_section_register`; the message carries each one's value
under ``sections``, and the section's own script draws it.

The channel layer (Redis pub/sub, settings.CHANNEL_LAYERS) may be down: the write has already
committed, the failure is logged and not raised, and the projectors notice by polling
floor.json until their WebSocket comes back.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass

from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

# A Redis that hangs must not hold the console's answer for long.
PUBLISH_TIMEOUT = 1.0


@dataclass(frozen=True)
class ProjectorSection:
    # build(session=…) -> {language code: JSON-ready value}, or None when nothing to show.
    build: Callable[..., dict | None]
    # The static paths of the script that draws the section and of its stylesheet.
    script: str
    stylesheet: str


_sections: dict[str, ProjectorSection] = {}


def projector_section_register(
    name: str, build: Callable[..., dict | None], *, script: str, stylesheet: str
) -> None:
    """Add (or replace) the projector's section ``name``; an app's ready() calls it."""
    _sections[name] = ProjectorSection(build, script, stylesheet)


def projector_sections() -> list[ProjectorSection]:
    return list(_sections.values())


def projector_section_values(*, session) -> dict[str, dict | None]:
    """Every section's values in each language: the one read shared by every language."""
    return {name: section.build(session=session) for name, section in _sections.items()}


def floor_group(session_id: int, language: str) -> str:
    return f"floor.{session_id}.{language}"


def floor_state(*, session, language: str, rows=None, sections=None) -> dict:
    """What a projector of ``session`` in ``language`` shows: the floor and the sections.

    ``rows`` (selectors.floor_rows) and ``sections`` (projector_section_values) are the reads
    shared by every language's message.
    """
    from .selectors import floor_rows, session_floor_state

    statements, point = rows if rows is not None else floor_rows(session=session)
    if sections is None:
        sections = projector_section_values(session=session)
    with translation.override(language):
        state = session_floor_state(session=session, statements=statements, point=point)
    state["sections"] = {name: (values or {}).get(language) for name, values in sections.items()}
    return state


def floor_message(*, session, language: str, rows=None, sections=None) -> dict:
    """The state every viewer of ``session`` in ``language`` receives, stamped with the time."""
    state = floor_state(session=session, language=language, rows=rows, sections=sections)
    state["now"] = timezone.now().isoformat()
    return state


def floor_publish(*, session_id: int) -> None:
    """Tell the session's projectors once the current transaction commits."""
    transaction.on_commit(lambda: _hand_over(session_id))


def _hand_over(session_id: int) -> None:
    backend = settings.CHANNEL_LAYERS.get("default", {}).get("BACKEND", "")
    if backend.endswith(".InMemoryChannelLayer"):
        # CHANNEL_LAYER_URL=memory: its queues live on the server's own event loop.
        _send(session_id, async_to_sync(_group_send))
    else:
        _publisher.submit(session_id)


def floor_publish_wait(*, timeout: float) -> bool:
    """Wait until every update handed over so far has gone out; False if ``timeout`` ran out."""
    return _publisher.wait(timeout)


class _Publisher:
    """The thread that sends this process's floor updates, session by session.

    It keeps one event loop, so the channel layer keeps its Redis connection, and closes its
    database connection after each round, so it holds none while idle. A forked worker starts
    a thread of its own.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._waiting: dict[int, None] = {}  # session ids in the order handed over
        self._busy = False
        self._thread: threading.Thread | None = None
        self._pid = 0

    def submit(self, session_id: int) -> None:
        with self._condition:
            self._waiting[session_id] = None
            if self._pid != os.getpid() or not (self._thread and self._thread.is_alive()):
                self._pid = os.getpid()
                self._thread = threading.Thread(
                    target=self._run, name="floor-publisher", daemon=True
                )
                self._thread.start()
            self._condition.notify_all()

    def wait(self, timeout: float) -> bool:
        with self._condition:
            return self._condition.wait_for(
                lambda: not self._waiting and not self._busy, timeout=timeout
            )

    def _run(self) -> None:
        loop = asyncio.new_event_loop()

        def send(layer, messages) -> None:
            loop.run_until_complete(_group_send(layer, messages))

        while True:
            with self._condition:
                self._condition.wait_for(lambda: self._waiting)
                session_ids = list(self._waiting)
                self._waiting.clear()
                self._busy = True
            try:
                for session_id in session_ids:
                    _send(session_id, send)
            finally:
                connections.close_all()
                with self._condition:
                    self._busy = False
                    self._condition.notify_all()


_publisher = _Publisher()
# A worker that stops right after an action still sends it.
atexit.register(_publisher.wait, PUBLISH_TIMEOUT)


def _send(session_id: int, send: Callable[[object, list[tuple[str, dict]]], None]) -> None:
    from channels.layers import get_channel_layer

    from .models import Session
    from .selectors import floor_rows

    try:
        layer = get_channel_layer()
        if layer is None:
            return
        session = Session.objects.select_related("conference").get(pk=session_id)
        if not (session.is_public and session.conference.is_public):
            return  # projectors show public sessions only
        rows = floor_rows(session=session)
        sections = projector_section_values(session=session)
        messages = [
            (
                floor_group(session_id, code),
                {
                    "type": "floor.state",
                    "state": floor_message(
                        session=session, language=code, rows=rows, sections=sections
                    ),
                },
            )
            for code, _name in settings.LANGUAGES
        ]
        send(layer, messages)
    except Exception:  # the console's write is committed; projectors fall back to polling
        logger.warning("Floor update of session %s not published", session_id, exc_info=True)


async def _group_send(layer, messages: list[tuple[str, dict]]) -> None:
    await asyncio.wait_for(
        asyncio.gather(*(layer.group_send(group, message) for group, message in messages)),
        timeout=PUBLISH_TIMEOUT,
    )
