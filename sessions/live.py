"""Live floor updates: after a console action commits, every projector of the session hears it.

Services call :func:`floor_publish` inside their transaction; the message goes out from
``transaction.on_commit``, so no screen ever shows a change that was rolled back. One group
per session and language (``floor.<session>.<lang>``): each message is the whole state in that
language, with the server's clock, so a screen needs nothing else to show it.

The channel layer (Redis pub/sub, settings.CHANNEL_LAYERS) may be down: the write has already
committed, the failure is logged and not raised, and the projectors notice by polling
floor.json until their WebSocket comes back.
"""

from __future__ import annotations

import asyncio
import logging

from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

# A Redis that hangs must not hold the console's answer for long.
PUBLISH_TIMEOUT = 1.0


def floor_group(session_id: int, language: str) -> str:
    return f"floor.{session_id}.{language}"


def floor_message(*, session, language: str, rows=None) -> dict:
    """The state every viewer of ``session`` in ``language`` receives, stamped with the time.

    ``rows`` (selectors.floor_rows) is the one read shared by every language's message.
    """
    from .selectors import floor_rows, session_floor_state

    statements, point = rows if rows is not None else floor_rows(session=session)
    with translation.override(language):
        state = session_floor_state(session=session, statements=statements, point=point)
    state["now"] = timezone.now().isoformat()
    return state


def floor_publish(*, session_id: int) -> None:
    """Tell the session's projectors once the current transaction commits."""
    transaction.on_commit(lambda: _send(session_id))


def _send(session_id: int) -> None:
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
        messages = [
            (
                floor_group(session_id, code),
                {
                    "type": "floor.state",
                    "state": floor_message(session=session, language=code, rows=rows),
                },
            )
            for code, _name in settings.LANGUAGES
        ]
        async_to_sync(_group_send)(layer, messages)
    except Exception:  # the console's write is committed; projectors fall back to polling
        logger.warning("Floor update of session %s not published", session_id, exc_info=True)


async def _group_send(layer, messages: list[tuple[str, dict]]) -> None:
    await asyncio.wait_for(
        asyncio.gather(*(layer.group_send(group, message) for group, message in messages)),
        timeout=PUBLISH_TIMEOUT,
    )
