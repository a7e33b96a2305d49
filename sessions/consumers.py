"""The projectors' WebSocket: read-only, one group per session and language.

A viewer connects to ``/ws/<conference>/sessions/<id>/floor/?lang=ru``, receives the current
state at once and then every change the console makes (sessions/live.py). Anything it sends
is ignored. Only public sessions of public conferences are served, as on floor.json.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from .live import floor_group, floor_message

NOT_FOUND = 4404


def _language(scope) -> str:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    wanted = (query.get("lang") or [""])[0]
    codes = {code for code, _name in settings.LANGUAGES}
    return wanted if wanted in codes else settings.LANGUAGE_CODE


@database_sync_to_async
def _public_state(conference_slug: str, session_id: int, language: str) -> dict | None:
    from .models import Session

    session = (
        Session.objects.public()
        .filter(conference__slug=conference_slug, pk=session_id)
        .select_related("conference")
        .first()
    )
    return None if session is None else floor_message(session=session, language=language)


class FloorConsumer(AsyncJsonWebsocketConsumer):
    group: str | None = None

    async def connect(self):
        kwargs = self.scope["url_route"]["kwargs"]
        language = _language(self.scope)
        state = await _public_state(kwargs["conference_slug"], int(kwargs["pk"]), language)
        if state is None:
            await self.close(code=NOT_FOUND)
            return
        self.group = floor_group(int(kwargs["pk"]), language)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json(state)

    async def disconnect(self, code):
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        """Viewers only listen."""

    async def floor_state(self, event):
        await self.send_json(event["state"])
