"""Live floor updates: after a console action commits, every projector of the session hears it.

Services call :func:`floor_publish` inside their transaction; the message goes out from
``transaction.on_commit``, so no screen ever shows a change that was rolled back. One group
per session and language (``floor.<session>.<lang>``): each message is the whole state in that
language, with the server's clock, so a screen needs nothing else to show it.

Apps above sessions add sections to what the projector shows (documents: the paragraph under
negotiation) with :func:`projector_section_register`; the message carries each one's value
under ``sections``, and the section's own script draws it.

The channel layer (Redis pub/sub, settings.CHANNEL_LAYERS) may be down: the write has already
committed, the failure is logged and not raised, and the projectors notice by polling
floor.json until their WebSocket comes back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import transaction
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
        async_to_sync(_group_send)(layer, messages)
    except Exception:  # the console's write is committed; projectors fall back to polling
        logger.warning("Floor update of session %s not published", session_id, exc_info=True)


async def _group_send(layer, messages: list[tuple[str, dict]]) -> None:
    await asyncio.wait_for(
        asyncio.gather(*(layer.group_send(group, message) for group, message in messages)),
        timeout=PUBLISH_TIMEOUT,
    )
