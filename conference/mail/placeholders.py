"""Placeholders in organizer-edited texts: ``{delegation}``, replaced by plain substitution.

No template language: an organizer can name the values a kind of message offers, nothing more.
"""

import re
from collections.abc import Iterable, Mapping

from django.utils.translation import gettext as _

PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")


def unknown(text: str, allowed: Iterable[str]) -> list[str]:
    """The placeholders in ``text`` that are not ``allowed``, in order of appearance, once each."""
    allowed = set(allowed)
    found = dict.fromkeys(name for name in PLACEHOLDER.findall(text) if name not in allowed)
    return list(found)


def substitute(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each ``{name}`` replaced (a text ``unknown`` passed has only known ones)."""
    return PLACEHOLDER.sub(lambda match: str(values[match.group(1)]), text)


def errors(texts: Mapping[str, str], allowed: Iterable[str]) -> dict[str, str]:
    """A message per text (keyed like ``texts``) that names its unknown placeholders."""
    allowed = list(allowed)
    found = {}
    for name, text in texts.items():
        wrong = unknown(text or "", allowed)
        if wrong:
            found[name] = _("Unknown placeholder: %(names)s. Allowed: %(allowed)s.") % {
                "names": ", ".join(f"{{{item}}}" for item in wrong),
                "allowed": ", ".join(f"{{{item}}}" for item in allowed),
            }
    return found
