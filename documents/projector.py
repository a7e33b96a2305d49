"""The paragraph under negotiation as a section of the room's projector (sessions/live.py).

The facilitator picks it (services.document_pick_paragraph); every floor message of the
session then carries it in the message's language: the paragraph cut into plain and bracketed
runs with their holders and options, its status and the proposals on it, and the words the
screen labels them with. static/documents/projector.js draws it.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from . import selectors

NAME = "paragraph"


def _in_language(value, language: str):
    """The payload with each {"en": …, "ru": …} pair replaced by its ``language`` value."""
    if isinstance(value, dict):
        if value.keys() == {code for code, _name in settings.LANGUAGES}:
            return value[language]
        return {key: _in_language(item, language) for key, item in value.items()}
    if isinstance(value, list):
        return [_in_language(item, language) for item in value]
    return value


def _labels() -> dict[str, str]:
    return {
        "preambular": _("Preambular paragraph"),
        "operative": _("Operative paragraph"),
        "option": _("Option %(number)s:"),
        "proposals": _("Proposals"),
        "no_proposals": _("No proposal on this paragraph."),
        "to_confirm": _("to be confirmed by"),
    }


def paragraph_section(*, session) -> dict[str, dict] | None:
    """The paragraph on the screen of ``session`` in each language, or None."""
    paragraph = selectors.screen_paragraph(session=session)
    if paragraph is None:
        return None
    payload = selectors.paragraph_payload(paragraph=paragraph)
    values = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            values[code] = {**_in_language(payload, code), "labels": _labels()}
    return values
