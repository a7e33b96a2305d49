"""The projectors' WebSocket: read-only, one group per session and language.

A viewer connects to ``/ws/<conference>/sessions/<id>/floor/?lang=ru``, receives the current
state at once and then every change the console makes (sessions/live.py). Anything it sends
is ignored. Only public sessions of public conferences are served, as on floor.json.
"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import timezone

from .live import floor_group, floor_message

NOT_FOUND = 4404
# The last state each group of this process received or read, and when. A viewer connecting
# within this many seconds gets it with a fresh clock instead of a database read: a room's
# projectors and a few hundred phones open at once (and reconnect at once after a restart).
REUSE_SECONDS = 10.0
_latest: dict[str, tuple[float, dict]] = {}


def _remember(group: str, state: dict) -> None:
    _latest[group] = (time.monotonic(), state)


def _recent(group: str) -> dict | None:
    found = _latest.get(group)
    if found is None or time.monotonic() - found[0] > REUSE_SECONDS:
        return None
    return {**found[1], "now": timezone.now().isoformat()}


def _language(scope) -> str:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    wanted = (query.get("lang") or [""])[0]
    codes = {code for code, _name in settings.LANGUAGES}
    return wanted if wanted in codes else settings.LANGUAGE_CODE


def _read_public_state(conference_slug: str, session_id: int, language: str) -> dict | None:
    from .models import Session

    session = (
        Session.objects.public()
        .filter(conference__slug=conference_slug, pk=session_id)
        .select_related("conference")
        .first()
    )
    return None if session is None else floor_message(session=session, language=language)


_public_state = database_sync_to_async(_read_public_state)
_reading: dict[str, asyncio.Future] = {}


async def _state_for(conference_slug: str, session_id: int, language: str, key: str):
    """The state to greet a viewer with: recent, else one read shared by all who wait for it."""
    state = _recent(key)
    if state is not None:
        return state
    pending = _reading.get(key)
    if pending is None:
        pending = asyncio.ensure_future(_public_state(conference_slug, session_id, language))
        _reading[key] = pending
        pending.add_done_callback(lambda _done: _reading.pop(key, None))
    state = await asyncio.shield(pending)
    if state is not None:
        _remember(key, state)
    return state


class FloorConsumer(AsyncJsonWebsocketConsumer):
    group: str | None = None
    key = ""

    async def connect(self):
        kwargs = self.scope["url_route"]["kwargs"]
        language = _language(self.scope)
        group = floor_group(int(kwargs["pk"]), language)
        key = f"{kwargs['conference_slug']}:{group}"
        state = await _state_for(kwargs["conference_slug"], int(kwargs["pk"]), language, key)
        if state is None:
            await self.close(code=NOT_FOUND)
            return
        self.group, self.key = group, key
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json(state)

    async def disconnect(self, code):
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        """Viewers only listen."""

    async def floor_state(self, event):
        _remember(self.key, event["state"])
        await self.send_json(event["state"])
