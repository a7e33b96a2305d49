"""The setup checklist of a conference, and the pasted lists its bulk-add pages read.

A new conference needs rooms, badge categories, zones, delegations with focal points and
sessions before its first nomination link goes out, and each of them lives in an app above
this one. So each app registers its steps here (``register_step``, from its admin module) and
``conference.selectors.conference_setup`` counts them all in one query.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Model, Q
from django.utils.functional import Promise


@dataclass(frozen=True)
class SetupStep:
    """One line of the checklist: the conference's rows of ``model`` that match ``rows``.

    A step with ``of`` is done when every row of that other step is counted here (every
    delegation has a focal point e-mail); any other step when it has at least one row.
    With ``bulk_add`` the model's admin has a bulk-add page (conference.admin_setup).
    """

    key: str
    label: str | Promise
    order: int
    model: type[Model]
    rows: Q = field(default_factory=Q)
    of: str = ""
    addable: bool = True  # False: the rows are edited on the list, not added
    bulk_add: bool = False


_STEPS: dict[str, SetupStep] = {}


def register_step(step: SetupStep) -> SetupStep:
    _STEPS[step.key] = step
    return step


def setup_steps() -> list[SetupStep]:
    return sorted(_STEPS.values(), key=lambda step: step.order)


@dataclass(frozen=True)
class SetupRow:
    """A step as read for one conference."""

    step: SetupStep
    count: int
    total: int | None  # the count of the ``of`` step, when the step has one

    @property
    def done(self) -> bool:
        if self.total is None:
            return self.count > 0
        return self.total > 0 and self.count >= self.total


@dataclass(frozen=True)
class MailSetup:
    sender: str  # DEFAULT_FROM_EMAIL
    undelivered: str  # "console", "file" or "dummy" when the server delivers nothing, else ""

    @property
    def done(self) -> bool:
        # The settings' placeholder sender is on no real domain.
        domain = self.sender.rpartition("@")[2].strip("> ").lower()
        return not self.undelivered and not (domain == "localhost" or domain.endswith(".localhost"))


# Bulk add ----------------------------------------------------------------------------------------

MAX_PASTED_LINES = 500


@dataclass(frozen=True)
class LineRefusal:
    number: int
    text: str
    message: str


class BulkAddRefused(Exception):
    """Some pasted lines cannot be added; nothing was written."""

    def __init__(self, refusals: list[LineRefusal]):
        super().__init__("; ".join(f"{r.number}: {r.message}" for r in refusals))
        self.refusals = refusals


def pasted_lines(text: str) -> list[tuple[int, str]]:
    """The non-empty lines of a pasted list with their line numbers, spaces trimmed."""
    return [
        (number, " ".join(line.split()))
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]


def duplicate_refusals(
    lines: Iterable[tuple[int, str, str]],
    *,
    existing: set[str],
    already_there: str,
    repeated: str,
) -> list[LineRefusal]:
    """Refusals for lines whose key the conference already has or an earlier line gave.

    ``lines`` are (number, text, key); the messages take ``%(name)s``, and ``repeated``
    also ``%(line)d``, the earlier line.
    """
    refusals, seen = [], {}
    for number, text, key in lines:
        if key in existing:
            message = already_there % {"name": text}
        elif key in seen:
            message = repeated % {"name": text, "line": seen[key]}
        else:
            seen[key] = number
            continue
        refusals.append(LineRefusal(number, text, message))
    return refusals
