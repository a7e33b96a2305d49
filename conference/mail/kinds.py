"""The kinds of message the apps send, each with its placeholders and default texts.

An app registers its kinds when it loads (``register``); the mail app itself knows none, so it
imports no app. The defaults seed ``MailTemplate`` rows that the organizers then edit.
"""

import dataclasses
from collections.abc import Mapping

from django.utils.functional import Promise


@dataclasses.dataclass(frozen=True)
class MailKind:
    key: str
    label: str | Promise
    # Placeholder name -> what it stands for, shown beside the template in the admin.
    placeholders: Mapping[str, str | Promise]
    # Language code -> default text; the seed writes ``subject_en``, ``subject_ru``…
    subject: Mapping[str, str]
    body: Mapping[str, str]


_KINDS: dict[str, MailKind] = {}


def register(kind: MailKind) -> MailKind:
    _KINDS[kind.key] = kind
    return kind


def get(key: str) -> MailKind:
    return _KINDS[key]


def known(key: str) -> bool:
    return key in _KINDS


def all_kinds() -> list[MailKind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.key)
