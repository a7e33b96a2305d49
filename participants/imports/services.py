"""Participant import from a delegation's spreadsheet, saved as CSV.

Two steps share one validator: :func:`participants_import_plan` is the dry run
the organizer previews, and :func:`participants_import` re-validates under row
locks and writes everything or nothing. Both run in task workers as one ImportJob
per upload: :func:`import_job_upload` keeps the file and queues its check
(:func:`import_job_validate`), :func:`import_job_confirm` queues the import
(:func:`import_job_run`). Validation is the portal's and the
admin's: the model's ``full_clean`` and the delegation limits in ``rules``.

Every step reads the file's rows JOB_BATCH at a time (``_Planning.batch``): the lookups are
made once, the people of each batch as it comes, and only the running totals (the delegations'
members, the e-mails seen) outlive a batch, so a step's memory stays flat as the file grows.
The check keeps the parsed rows as the job's batches (ImportJobBatch), which the import reads
back one at a time.
"""

import contextlib
import copy
import csv
import dataclasses
import datetime as dt
import functools
import gc
import io
import itertools
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_countries import countries
from kombu.exceptions import OperationalError

from conference.csvio import reader
from conference.csvio.base import restore
from conference.csvio.reader import header_keys
from conference.models import Conference
from participants.accreditation.rules import limit_errors
from participants.accreditation.services import (
    accreditation_mail_batch,
    participant_edited_by_organizer,
    participants_publish_changes,
)
from participants.counts import participant_counts_changed
from participants.enums import (
    IMPORT_JOB_UNCONFIRMED_STATUSES,
    INACTIVE_STATUSES,
    AccreditationStatus,
    DelegationRole,
    Gender,
    ImportJobStatus,
    PreferredLanguage,
)
from participants.models import (
    AccreditationEvent,
    BadgeCategory,
    Delegation,
    IdentityDocument,
    ImportJob,
    ImportJobBatch,
    Participant,
)

logger = logging.getLogger(__name__)

MAX_BYTES = 50 * 1024 * 1024
# Validation and writes cost a fixed number of queries per batch, so the row limit is only
# a guard against a runaway file; MAX_BYTES is the real bound of an upload.
MAX_ROWS = 100_000
# Rows per e-mail lookup and per bulk write: well under every backend's parameter limit.
BATCH = 1000
# Rows per step of a check or an import, and per stored batch of a job (ImportJobBatch): what
# a step holds in memory at once, whatever the file's size. Progress moves by this much.
JOB_BATCH = 2000

# Canonical column (the participants export's header) -> other accepted names.
# Headers match after lower-casing and dropping spaces, dots, hyphens and underscores.
COLUMNS: dict[str, tuple[str, ...]] = {
    "email": ("e-mail", "электронная почта", "эл. почта", "почта"),
    "honorific": ("обращение",),
    "given_names": ("given name", "first name", "first names", "имя"),
    "family_name": ("last name", "surname", "фамилия"),
    "passport_name": ("name in passport", "имя в паспорте", "фио в паспорте"),
    "functional_title": ("position", "job title", "должность"),
    "gender": ("sex", "пол"),
    "preferred_language": ("language", "язык"),
    "phone": ("telephone", "телефон"),
    "delegation": ("country", "делегация", "страна"),
    "nationality": ("citizenship", "гражданство"),
    "role": ("роль", "роль в делегации"),
    "badge_category": ("category", "категория", "категория бейджа"),
    "hospitality_requested": ("hospitality", "host paid", "за счёт принимающей стороны"),
    "arrival_at": ("arrival", "прибытие", "дата прибытия"),
    "arrival_flight": ("arrival flight", "рейс прибытия"),
    "departure_at": ("departure", "отъезд", "дата отъезда"),
    "departure_flight": ("departure flight", "рейс отъезда"),
    "hotel": ("гостиница", "отель"),
    "needs_airport_transfer": ("airport transfer", "трансфер"),
    "needs_visa_support": ("visa support", "визовая поддержка"),
    "dietary_needs": ("dietary needs", "питание"),
    "accessibility_needs": ("accessibility needs", "особые потребности"),
}
# Export columns that the organizer's workflow, not a spreadsheet, decides.
IGNORED_COLUMNS = ("status", "badge_number")
REQUIRED = ("email", "given_names", "family_name")
CHOICE_FIELDS = {
    "gender": Gender,
    "preferred_language": PreferredLanguage,
    "role": DelegationRole,
}
BOOLEAN_FIELDS = ("hospitality_requested", "needs_airport_transfer", "needs_visa_support")
DATETIME_FIELDS = ("arrival_at", "departure_at")
TRUE = {"yes", "y", "true", "1", "x", "да", "д"}
FALSE = {"no", "n", "false", "0", "нет", "н", ""}
# Which column a delegation-limit error belongs to.
RULE_COLUMNS = {NON_FIELD_ERRORS: "delegation"}
# Which column a database constraint's message belongs to.
CONSTRAINT_COLUMNS = {
    "one_head_per_delegation": "role",
    "participant_email_unique_per_conference": "email",
}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportPlan:
    created: list[Participant] = field(default_factory=list)
    updated: list[Participant] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    # The nationality column goes to the identity document, apart from the participant.
    nationalities: list[tuple[Participant, str]] = field(default_factory=list)
    # pk -> the participant as saved, for the updated ones: what the confirmation compares.
    saved: dict[int, Participant] = field(default_factory=dict)

    @property
    def row_count(self) -> int:
        return len(self.created) + len(self.updated) + len({e.row for e in self.errors})

    def extend(self, batch: "ImportPlan") -> None:
        """Add a later batch's plan to this one."""
        self.created += batch.created
        self.updated += batch.updated
        self.errors += batch.errors
        self.nationalities += batch.nationalities
        self.saved.update(batch.saved)


class ImportRejected(Exception):
    """Confirmation found errors (the data changed since the preview, or the database refused
    a batch); nothing was written. ``plan.errors`` names every row refused."""

    def __init__(self, plan: ImportPlan):
        super().__init__(f"{len(plan.errors)} error(s)")
        self.plan = plan


HEADER_KEYS = header_keys(COLUMNS)


def match_header(header: list[str], *, needs_delegation: bool) -> tuple[dict[str, int], list[str]]:
    """Canonical column -> index, and the columns that will be ignored."""
    return reader.match_header(
        header,
        keys=HEADER_KEYS,
        required=(*REQUIRED, "delegation") if needs_delegation else REQUIRED,
        silently_ignored=IGNORED_COLUMNS,
    )


def _names(label) -> set[str]:
    """A lazy label, lower-cased, in every language a file may use."""
    names = set()
    for language in ("en", "ru"):
        with translation.override(language):
            names.add(str(label).strip().lower())
    return names


def _country_names(code: str) -> set[str]:
    names = set()
    for language in ("en", "ru"):
        with translation.override(language):
            names.add(countries.name(code).lower())
    return names


def _choice_lookup(choices: type[models.Choices]) -> dict[str, str]:
    lookup = {}
    for value, label in zip(choices.values, choices.labels, strict=True):
        lookup[str(value).lower()] = value
        for name in _names(label):
            lookup[name] = value
    return lookup


def _delegation_lookup(conference: Conference) -> dict[str, Delegation]:
    lookup: dict[str, Delegation] = {}
    for delegation in conference.delegations.select_related("organization"):
        keys = {delegation.name.lower()}
        if delegation.country:
            keys.add(delegation.country.code.lower())
            keys |= _country_names(delegation.country.code)
        if delegation.organization:
            keys.add(delegation.organization.name.lower())
            if delegation.organization.acronym:
                keys.add(delegation.organization.acronym.lower())
        lookup.update(dict.fromkeys(keys, delegation))
    return lookup


@functools.lru_cache(maxsize=1024)
def _country_code(value: str) -> str:
    """The ISO code of a country named by code (KZ, KAZ) or English or Russian name; or ""."""
    return (
        countries.alpha2(value)
        or countries.by_name(value, language="en")
        or countries.by_name(value, language="ru")
    )


def _is_known_country(value: str) -> bool:
    return bool(_country_code(value))


def _constraint_column(message: str) -> str:
    for constraint in Participant._meta.constraints:
        if str(constraint.violation_error_message) == message:
            return CONSTRAINT_COLUMNS.get(constraint.name, "")
    return ""


def _parse_datetime(value: str, conference: Conference) -> dt.datetime:
    text = value.strip().replace(" ", "T", 1)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        moment = dt.datetime.strptime(value.strip(), "%d.%m.%Y %H:%M")
    if moment.tzinfo is None:
        # A time without an offset is the conference's local time, as in the export.
        moment = moment.replace(tzinfo=conference.tz)
    return moment


# A parsed row: (row number, canonical column -> cell), or (row number, cell count) for a row
# with more cells than the header.
Row = tuple[int, dict[str, str] | int]


@dataclass(frozen=True)
class FileColumns:
    """A file's header matched to the canonical columns: what every batch of its rows shares."""

    titles: dict[str, str]
    ignored: list[str]
    header_length: int


def read_file(text: str, *, needs_delegation: bool) -> tuple[FileColumns, Iterator[Row]]:
    """The file's columns and its parsed rows, read one at a time.

    Raises ImportFileError when the header is unusable; the rows' iterator raises it when the
    file as a whole is (invalid CSV, no rows, too many).
    """
    header, records = reader.iter_rows(
        text, max_rows=MAX_ROWS, no_rows_message=_("The file has a header row but no participants.")
    )
    positions, ignored = match_header(header, needs_delegation=needs_delegation)
    columns = FileColumns(
        titles={name: header[index].strip() for name, index in positions.items()},
        ignored=ignored,
        header_length=len(header),
    )
    return columns, (
        _parsed_row(number, record, positions, len(header)) for number, record in records
    )


def _parsed_row(number: int, record: list[str], positions: dict[str, int], width: int) -> Row:
    filled = [index for index, cell in enumerate(record) if cell.strip()]
    if filled[-1] >= width:
        return number, filled[-1] + 1
    return number, {
        name: restore(record[index].strip()) if index < len(record) else ""
        for name, index in positions.items()
    }


def batches(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    rows = iter(rows)
    while batch := list(itertools.islice(rows, size)):
        yield batch


def batch_csv(columns: FileColumns, rows: list[Row]) -> str:
    """A batch of rows as a CSV of canonical columns, which ``batch_rows`` reads back."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["row", "cells", *columns.titles])
    for number, values in rows:
        if isinstance(values, int):
            writer.writerow([number, values])
        else:
            writer.writerow([number, "", *(values[name] for name in columns.titles)])
    return out.getvalue()


def batch_rows(text: str) -> list[Row]:
    records = csv.reader(io.StringIO(text, newline=""))
    names = next(records)[2:]
    return [
        (int(number), int(cells) if cells else dict(zip(names, values, strict=True)))
        for number, cells, *values in records
    ]


def _is_active_head(participant: Participant) -> bool:
    return participant.role == DelegationRole.HEAD and participant.status not in INACTIVE_STATUSES


def _member_order(participant: Participant, number: int) -> tuple:
    """Saved members come first in the model's order, then the file's rows in file order."""
    if participant.pk:
        return (0, participant.family_name, participant.given_names, participant.pk)
    return (1, number)


@dataclass
class _Membership:
    """Running totals of a delegation's active members, as the limits see them.

    The shared rules' "appears twice" check needs no total here: a row whose e-mail is
    registered updates that person, and a repeated e-mail in the file is refused first.
    """

    active: int = 0
    hosted: int = 0
    # member key -> (order, full name) of the active heads; the first in order is named.
    heads: dict = field(default_factory=dict)
    # The active heads in the database: what the one-head constraint sees.
    saved_heads: frozenset[int] = frozenset()

    def errors(self, delegation: Delegation) -> dict[str, list[str]]:
        return limit_errors(
            delegation=delegation,
            active=self.active,
            hosted=self.hosted,
            heads=len(self.heads),
            first_head=min(self.heads.values())[1] if self.heads else "",
        )

    def replaced(self, *, key, old: Participant | None, new: Participant, order) -> "_Membership":
        result = _Membership(self.active, self.hosted, dict(self.heads), self.saved_heads)
        for member, sign in ((old, -1), (new, 1)):
            if member is not None and member.status not in INACTIVE_STATUSES:
                result.active += sign
                result.hosted += sign * member.hospitality_requested
        result.heads.pop(key, None)
        if _is_active_head(new):
            result.heads[key] = (order, new.full_name)
        return result


class _Context:
    """Everything a plan reads, a fixed number of queries per batch of rows."""

    def __init__(self, conference: Conference, delegation: Delegation | None):
        self.conference = conference
        self.delegation = delegation
        self.delegations = _delegation_lookup(conference)
        self.categories: dict[str, BadgeCategory] = {}
        for category in BadgeCategory.objects.filter(conference=conference):
            self.categories[category.code.lower()] = category
            self.categories.setdefault(category.name.lower(), category)
        self.choices = {name: _choice_lookup(enum) for name, enum in CHOICE_FIELDS.items()}
        self.by_email: dict[str, Participant] = {}
        self.memberships = self._memberships()

    def load_people(self, emails: list[str]) -> None:
        """The registered people of a batch's e-mails: only they, not the whole conference."""
        self.by_email = {}
        people = Participant.objects.filter(conference=self.conference).select_related("delegation")
        for start in range(0, len(emails), BATCH):
            chunk = emails[start : start + BATCH]
            for member in people.alias(key=Lower("email")).filter(key__in=chunk):
                self.by_email[member.email.strip().lower()] = member

    def _memberships(self) -> dict[int, _Membership]:
        active = Participant.objects.filter(
            conference=self.conference, delegation__isnull=False
        ).exclude(status__in=INACTIVE_STATUSES)
        if self.delegation is not None:
            active = active.filter(delegation=self.delegation)
        memberships = {
            row["delegation_id"]: _Membership(active=row["active"], hosted=row["hosted"])
            for row in active.order_by()
            .values("delegation_id")
            .annotate(active=Count("pk"), hosted=Count("pk", filter=Q(hospitality_requested=True)))
        }
        for head in active.filter(role=DelegationRole.HEAD).only(
            "pk", "delegation_id", "given_names", "family_name"
        ):
            membership = memberships[head.delegation_id]
            membership.heads[head.pk] = (_member_order(head, 0), head.full_name)
            membership.saved_heads |= {head.pk}
        return memberships


def _set_fields(participant: Participant, values: dict[str, str], ctx: _Context) -> dict[str, str]:
    """Copy a row's cells onto the participant; column -> message for cells that are wrong."""
    errors = {}
    for name, value in values.items():
        if name in ("delegation", "nationality"):
            continue
        try:
            if name in CHOICE_FIELDS:
                if value:
                    setattr(participant, name, ctx.choices[name][value.lower()])
                elif name != "role":
                    setattr(participant, name, "")
            elif name in BOOLEAN_FIELDS:
                lowered = value.lower()
                if lowered not in TRUE | FALSE:
                    raise ValueError
                setattr(participant, name, lowered in TRUE)
            elif name in DATETIME_FIELDS:
                setattr(
                    participant, name, _parse_datetime(value, ctx.conference) if value else None
                )
            elif name == "badge_category":
                participant.badge_category = ctx.categories[value.lower()] if value else None
            else:
                setattr(participant, name, value)
        except KeyError:
            allowed = (
                sorted(ctx.categories) if name == "badge_category" else CHOICE_FIELDS[name].values
            )
            errors[name] = _("Unknown value “%(value)s”; use one of: %(allowed)s.") % {
                "value": value,
                "allowed": ", ".join(str(a) for a in allowed),
            }
        except ValueError:
            errors[name] = (
                _("“%(value)s” is not a date and time; write 2019-05-15T14:30 or 15.05.2019 14:30.")
                if name in DATETIME_FIELDS
                else _("“%(value)s” is not yes or no.")
            ) % {"value": value}
    return errors


def _row_delegation(value: str, ctx: _Context) -> Delegation:
    """The delegation a row belongs to; ValidationError with a message otherwise."""
    found = ctx.delegations.get(value.lower()) if value else None
    if ctx.delegation is not None:
        if value and found != ctx.delegation:
            raise ValidationError(
                _("This import is for %(delegation)s; the row names “%(value)s”.")
                % {"delegation": ctx.delegation, "value": value}
            )
        return ctx.delegation
    if found is not None:
        return found
    if not value:
        raise ValidationError(_("Name the delegation (country or organization)."))
    if _is_known_country(value):
        raise ValidationError(
            _("%(value)s has no delegation at this conference; add the delegation first.")
            % {"value": value}
        )
    raise ValidationError(
        _("Unknown country or organization “%(value)s”; use an ISO code such as KZ or the name.")
        % {"value": value}
    )


def _one_head_message() -> str:
    (constraint,) = (
        c for c in Participant._meta.constraints if c.name == "one_head_per_delegation"
    )
    return str(constraint.violation_error_message)


@contextlib.contextmanager
def _no_cyclic_gc():
    """A batch's rows build thousands of objects, and the cyclic collector's passes over them
    cost a third of a preview when the whole file was one plan. They hold no cycles to collect;
    reference counting frees them as before. The writes run with the collector on, so the
    garbage cycles of the ORM never pile up over a whole file."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _batch_emails(rows: list[Row]) -> list[str]:
    """A batch's e-mails, lower-cased: the people its plan loads."""
    return sorted({values["email"].lower() for _number, values in rows if isinstance(values, dict)})


# Foreign keys come from the plan's lookups, so they need no query per row.
LOOKED_UP = ["conference", "delegation", "badge_category"]


class _RowErrors(dict):
    """A row's errors, column -> message; a column shows the first message found for it."""

    def fail(self, column: str, message: str) -> None:
        self.setdefault(column, message)


@dataclass
class _Planning:
    """A file being planned, batch after batch, and what the rows so far have told it."""

    ctx: _Context
    columns: FileColumns
    one_head: str
    plan: ImportPlan = field(default_factory=ImportPlan)
    # e-mail -> the first row that gave it
    first_row_of: dict[str, int] = field(default_factory=dict)

    @classmethod
    def start(
        cls, conference: Conference, delegation: Delegation | None, columns: FileColumns
    ) -> "_Planning":
        return cls(
            ctx=_Context(conference, delegation), columns=columns, one_head=_one_head_message()
        )

    def batch(self, rows: list[Row]) -> ImportPlan:
        """The plan of the file's next rows, in file order, with every earlier row counted."""
        self.ctx.load_people(_batch_emails(rows))
        self.plan = ImportPlan(ignored_columns=self.columns.ignored)
        with _no_cyclic_gc():
            for number, values in rows:
                self.row(number, values)
        return self.plan

    def row(self, number: int, values: dict[str, str] | int) -> None:
        """One row's steps, in the order their messages take precedence."""
        if isinstance(values, int):
            self.plan.errors.append(_shifted_row_error(number, cells=values, columns=self.columns))
            return
        errors = _RowErrors()
        email = self._check_email(number, values, errors)
        target = _check_delegation(values, self.ctx, errors)
        existing = self.ctx.by_email.get(email)
        _check_registered_elsewhere(existing, target, values, errors)
        participant = _row_participant(existing, target, values, self.ctx, errors)
        nationality = _check_nationality(values, errors)
        _check_model(participant, errors)
        membership = self.ctx.memberships.setdefault(target.pk, _Membership()) if target else None
        _check_one_head(membership, participant, errors, message=self.one_head)
        if not errors and membership is not None:
            _check_limits(
                self.ctx,
                target=target,
                membership=membership,
                existing=existing,
                participant=participant,
                number=number,
                errors=errors,
            )
        self._add(number, errors, existing, participant, nationality)

    def _check_email(self, number: int, values: dict[str, str], errors: _RowErrors) -> str:
        """A valid address, on no earlier row of the file."""
        email = values["email"].lower()
        try:
            validate_email(email)
        except ValidationError:
            errors.fail(
                "email", _("“%(value)s” is not an e-mail address.") % {"value": values["email"]}
            )
        if email in self.first_row_of:
            errors.fail(
                "email", _("The same e-mail is on row %(row)d.") % {"row": self.first_row_of[email]}
            )
        self.first_row_of.setdefault(email, number)
        return email

    def _add(
        self,
        number: int,
        errors: _RowErrors,
        existing: Participant | None,
        participant: Participant,
        nationality: str,
    ) -> None:
        """The row's errors, or the participant it creates or updates."""
        plan = self.plan
        if errors:
            plan.errors += [
                RowError(number, self.columns.titles.get(column, column), message)
                for column, message in errors.items()
            ]
            return
        if existing is not None:
            plan.updated.append(participant)
            plan.saved[existing.pk] = existing
        else:
            plan.created.append(participant)
        if nationality:
            plan.nationalities.append((participant, _country_code(nationality)))


def _shifted_row_error(number: int, *, cells: int, columns: FileColumns) -> RowError:
    """A value holding an unquoted delimiter shifts every later cell one column to the right;
    importing that would put data silently in the wrong fields."""
    return RowError(
        number,
        _("column %(number)d") % {"number": columns.header_length + 1},
        _(
            "This row has %(cells)d cells but the header has %(columns)d columns. "
            "Put quotes around a value that contains the delimiter."
        )
        % {"cells": cells, "columns": columns.header_length},
    )


def _check_delegation(
    values: dict[str, str], ctx: _Context, errors: _RowErrors
) -> Delegation | None:
    """The delegation the row names (or the import's), None when it names none that fits."""
    try:
        return _row_delegation(values.get("delegation", ""), ctx)
    except ValidationError as error:
        errors.fail("delegation", error.messages[0])
        return None


def _check_registered_elsewhere(
    existing: Participant | None,
    target: Delegation | None,
    values: dict[str, str],
    errors: _RowErrors,
) -> None:
    """A registered e-mail updates that person, who stays in their delegation."""
    if existing is not None and target is not None and existing.delegation_id != target.pk:
        errors.fail(
            "delegation",
            _("%(email)s is already registered with %(delegation)s.")
            % {
                "email": values["email"],
                "delegation": existing.delegation or _("no delegation"),
            },
        )


def _row_participant(
    existing: Participant | None,
    target: Delegation | None,
    values: dict[str, str],
    ctx: _Context,
    errors: _RowErrors,
) -> Participant:
    """The person as the row would leave them: a copy of the registered one, or a new one."""
    participant = copy.copy(existing) if existing else Participant(conference=ctx.conference)
    if target is not None:
        participant.delegation = target
    for column, message in _set_fields(participant, values, ctx).items():
        errors.fail(column, message)
    return participant


def _check_nationality(values: dict[str, str], errors: _RowErrors) -> str:
    """The row's nationality as written, refused unless it names a country."""
    nationality = values.get("nationality", "")
    if nationality and not _country_code(nationality):
        errors.fail(
            "nationality",
            _(
                "Unknown nationality “%(value)s”; use an ISO code such as KZ or the "
                "country's name in English or Russian."
            )
            % {"value": nationality},
        )
    return nationality


def _check_model(participant: Participant, errors: _RowErrors) -> None:
    """The model's own validation, but for the fields already refused.

    The unique checks and constraints would run queries for every row; the plan's lookups
    answer them for the whole file.
    """
    try:
        participant.full_clean(
            exclude=[*(name for name in errors if name != "delegation"), *LOOKED_UP],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                column = _constraint_column(message) if name == NON_FIELD_ERRORS else name
                errors.fail(column, message)


def _check_one_head(
    membership: _Membership | None, participant: Participant, errors: _RowErrors, *, message: str
) -> None:
    """An active head while the database holds another: the one-head constraint's refusal."""
    if (
        membership is not None
        and _is_active_head(participant)
        and membership.saved_heads - {participant.pk}
    ):
        errors.fail(CONSTRAINT_COLUMNS["one_head_per_delegation"], message)


def _check_limits(
    ctx: _Context,
    *,
    target: Delegation,
    membership: _Membership,
    existing: Participant | None,
    participant: Participant,
    number: int,
    errors: _RowErrors,
) -> None:
    """The delegation's limits with this row counted; the running totals keep it if it fits.

    Only what this row breaks is said: a limit the delegation already exceeded is not its.
    """
    proposed = membership.replaced(
        key=participant.pk or ("row", number),
        old=existing,
        new=participant,
        order=_member_order(existing or participant, number),
    )
    before = membership.errors(target)
    for name, messages in proposed.errors(target).items():
        new = [m for m in messages if m not in before.get(name, [])]
        if new:
            errors.fail(RULE_COLUMNS.get(name, name), " ".join(new))
    if not errors:
        ctx.memberships[target.pk] = proposed


def participants_import_plan(
    *, conference: Conference, text: str, delegation: Delegation | None = None
) -> ImportPlan:
    """The dry run: what confirming would create and update, and every error by row and column.

    Raises ImportFileError when the file as a whole is unusable.
    """
    columns, rows = read_file(text, needs_delegation=delegation is None)
    planning = _Planning.start(conference, delegation, columns)
    whole = ImportPlan(ignored_columns=columns.ignored)
    for batch in batches(rows, JOB_BATCH):
        whole.extend(planning.batch(batch))
    return whole


def _changed_fields(before: Participant, after: Participant) -> set[str]:
    return {
        field.name
        for field in Participant._meta.concrete_fields
        if getattr(before, field.attname) != getattr(after, field.attname)
    }


def _write_nationalities(plan: ImportPlan) -> set[int]:
    """Store the nationality column; the pks of updated participants whose nationality changed."""
    documents: dict[int, IdentityDocument] = {}
    pks = [participant.pk for participant, _code in plan.nationalities if participant.pk]
    for start in range(0, len(pks), BATCH):
        for document in IdentityDocument.objects.filter(
            participant_id__in=pks[start : start + BATCH]
        ):
            documents[document.participant_id] = document
    added, edited, changed = [], [], set()
    for participant, code in plan.nationalities:
        document = documents.get(participant.pk)
        before = document.nationality.code if document else ""
        if participant.pk in plan.saved and before != code:
            changed.add(participant.pk)
        if document is None:
            added.append(IdentityDocument(participant=participant, nationality=code))
        elif before != code:
            document.nationality = code
            edited.append(document)
    IdentityDocument.objects.bulk_create(added, batch_size=BATCH)
    IdentityDocument.objects.bulk_update(edited, ["nationality"], batch_size=BATCH)
    return changed


@transaction.atomic
def participants_import(
    *, conference: Conference, by, text: str, delegation: Delegation | None = None
) -> ImportPlan:
    """Write the whole file or nothing, validating again with the delegations locked.

    The writes are bulk statements, a fixed number per batch of rows.
    """
    columns, rows = read_file(text, needs_delegation=delegation is None)
    whole = ImportPlan(ignored_columns=columns.ignored)
    _import_batches(
        conference=conference,
        delegation=delegation,
        by=by,
        columns=columns,
        rows=batches(rows, JOB_BATCH),
        on_batch=lambda _rows, plan: whole.extend(plan),
    )
    return whole


def _import_batches(
    *,
    conference: Conference,
    delegation: Delegation | None,
    by,
    columns: FileColumns,
    rows: Iterable[list[Row]],
    on_batch: Callable[[list[Row], ImportPlan], None],
) -> None:
    """Check and write batch after batch inside the caller's transaction, with the
    delegations locked; ``on_batch`` hears of each batch written.

    Each batch is checked against the database as it is now, with every earlier row of the
    file counted. After the first refused row nothing more is written, but every later batch
    is still checked, and ImportRejected names every row refused: the caller's transaction
    then takes back what the batches before wrote.
    """
    locked = Delegation.objects.select_for_update().filter(conference=conference)
    if delegation is not None:
        locked = locked.filter(pk=delegation.pk)
    list(locked.order_by("pk"))
    planning = _Planning.start(conference, delegation, columns)
    errors: list[RowError] = []
    # Members sent back to review by new identity data: one e-mail per delegation.
    with accreditation_mail_batch():
        for batch in rows:
            plan = planning.batch(batch)
            errors += plan.errors
            if errors:
                continue
            try:
                with transaction.atomic():
                    _write(plan, conference=conference, by=by)
            except IntegrityError:
                # A change the locks do not keep out (a registration in the portal) came in.
                errors += _refused_batch(batch, plan, planning)
                continue
            on_batch(batch, plan)
        if errors:
            raise ImportRejected(ImportPlan(errors=errors, ignored_columns=columns.ignored))
    participant_counts_changed()  # bulk writes send no signals


def _refused_batch(rows: list[Row], plan: ImportPlan, planning: _Planning) -> list[RowError]:
    """Why the database refused a batch: the rows whose e-mail someone registered meanwhile,
    else the batch's rows as a whole."""
    planning.ctx.load_people(sorted(participant.email.lower() for participant in plan.created))
    column = planning.columns.titles["email"]
    found = [
        RowError(
            planning.first_row_of[email],
            column,
            _("%(email)s is already registered with %(delegation)s.")
            % {"email": member.email, "delegation": member.delegation or _("no delegation")},
        )
        for email, member in planning.ctx.by_email.items()
    ]
    return sorted(found, key=lambda error: error.row) or [
        RowError(
            rows[0][0],
            "",
            _(
                "The database refused rows %(first)d to %(last)d: someone changed these "
                "participants while the import ran."
            )
            % {"first": rows[0][0], "last": rows[-1][0]},
        )
    ]


def _write(plan: ImportPlan, *, conference: Conference, by) -> None:
    """Write a checked batch in bulk, a fixed number of statements per batch."""
    changes = [
        (participant, _changed_fields(plan.saved[participant.pk], participant))
        for participant in plan.updated
    ]
    edited = [participant for participant, changed in changes if changed]
    if edited:
        now = timezone.now()
        for participant in edited:
            participant.updated_at = now
        names = set().union(*(changed for _participant, changed in changes))
        # Updates first, so a head who becomes a deputy frees the place before a new head arrives.
        Participant.objects.bulk_update(edited, sorted(names | {"updated_at"}), batch_size=BATCH)
    Participant.objects.bulk_create(plan.created, batch_size=BATCH)
    nationality_changed = _write_nationalities(plan)
    for participant, changed in changes:
        if participant.pk in nationality_changed:
            changed.add("nationality")
        participant_edited_by_organizer(participant=participant, by=by, changed_fields=changed)
    participants_publish_changes(conference_id=conference.pk, changed=changes, created=plan.created)
    AccreditationEvent.objects.bulk_create(
        (
            AccreditationEvent(
                participant=participant,
                to_status=AccreditationStatus.NOMINATED,
                by=by,
                reason=_("Imported from CSV."),
            )
            for participant in plan.created
        ),
        batch_size=BATCH,
    )


class ImportJobGone(Exception):
    """The preview to confirm expired or was confirmed already; nothing was queued."""


def _job_enqueue_on_commit(job_id: int, **kwargs) -> None:
    """Hand the job to a worker once the transaction commits (:func:`_job_enqueue`)."""
    transaction.on_commit(functools.partial(_job_enqueue, job_id, **kwargs))


def _job_enqueue(job_id: int, *, task_name: str, failure: ImportJobStatus, message: str) -> None:
    """Hand the job to a worker; with the broker unreachable, end it with ``message``."""
    from participants.imports import tasks  # the task module imports this one

    try:
        getattr(tasks, task_name).delay(job_id)
    except OperationalError:  # kombu's: the broker refused or timed out, after its retries
        logger.exception("Participant import %s could not be queued", job_id)
        job = ImportJob.objects.get(pk=job_id)
        _job_finish(job, failure, [RowError(0, "", str(message))])


@transaction.atomic
def import_job_upload(
    *, conference: Conference, text: str, delegation: Delegation | None, by
) -> ImportJob:
    """Keep an uploaded file and queue its check, the preview (import_job_validate).

    The user's earlier previews nobody confirmed are given up: their data goes at once.
    """
    import_jobs_expire(created_by=by)
    job = ImportJob(conference=conference, delegation=delegation, created_by=by, source=text)
    job.full_clean()
    job.save()
    _job_enqueue_on_commit(
        job.pk,
        task_name="participants_import_job_validate",
        failure=ImportJobStatus.REFUSED,
        message=_(
            "The task queue cannot be reached, so the file was not checked. Try again later."
        ),
    )
    return job


def import_jobs_expire(*, created_by=None, older_than: dt.timedelta | None = None) -> int:
    """Empty the previews nobody confirmed: a user's, or those older than ``older_than``."""
    jobs = ImportJob.objects.filter(status__in=IMPORT_JOB_UNCONFIRMED_STATUSES)
    if created_by is not None:
        jobs = jobs.filter(created_by=created_by)
    if older_than is not None:
        jobs = jobs.filter(created_at__lt=timezone.now() - older_than)
    with transaction.atomic():
        ImportJobBatch.objects.filter(job__in=jobs).delete()
        return jobs.update(
            status=ImportJobStatus.EXPIRED, source="", errors=[], finished_at=timezone.now()
        )


def _job_columns(job: ImportJob) -> FileColumns:
    return FileColumns(titles=job.titles, ignored=job.ignored, header_length=job.header_length)


def import_job_validate(*, job_id: int) -> None:
    """The preview of an uploaded file: read it, check every row, keep the parsed rows.

    The job ends previewed, waiting for the organizer's confirmation, with its parsed rows
    stored batch by batch (ImportJobBatch), or refused with its errors by row and column
    (row 0: the file as a whole) and no rows kept. Writes no participant. The progress is saved
    every JOB_BATCH rows. A second run of a job already checked does nothing; a run cut short
    leaves its batches to the next run, which starts again.
    """
    job = ImportJob.objects.select_related("conference", "delegation").get(pk=job_id)
    if job.status != ImportJobStatus.VALIDATING:
        return
    try:
        ImportJobBatch.objects.filter(job=job).delete()
        try:
            columns, rows = read_file(job.source, needs_delegation=job.delegation_id is None)
            # A first reading finds what refuses the file as a whole, before any row is checked.
            total = sum(1 for _row in rows)
        except reader.ImportFileError as error:
            _job_finish(job, ImportJobStatus.REFUSED, [RowError(0, "", str(error))])
            return
        ImportJob.objects.filter(pk=job_id).update(rows_total=total)
        _job_check(job, columns, total)
    except Exception:
        logger.exception("Participant import %s failed in its check", job_id)
        message = _("The check stopped on an unexpected error: see the server log.")
        _job_finish(job, ImportJobStatus.REFUSED, [RowError(0, "", message)])
        raise


def _job_check(job: ImportJob, columns: FileColumns, total: int) -> None:
    """Check the rows batch by batch and store each batch while no row has an error."""
    _columns, rows = read_file(job.source, needs_delegation=job.delegation_id is None)
    planning = _Planning.start(job.conference, job.delegation, columns)
    checked = created = updated = 0
    errors: list[RowError] = []
    for number, batch in enumerate(batches(rows, JOB_BATCH)):
        plan = planning.batch(batch)
        created, updated = created + len(plan.created), updated + len(plan.updated)
        errors += plan.errors
        if not errors:
            ImportJobBatch.objects.create(
                job=job, number=number, rows_csv=batch_csv(columns, batch)
            )
        checked += len(batch)
        if checked < total:
            ImportJob.objects.filter(pk=job.pk).update(rows_checked=checked)
    # Saved unless the job expired meanwhile (its user uploaded another file).
    saved = ImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.VALIDATING).update(
        status=ImportJobStatus.REFUSED if errors else ImportJobStatus.PREVIEWED,
        rows_checked=total,
        planned_created=created,
        planned_updated=updated,
        errors=[dataclasses.asdict(error) for error in errors],
        source="",
        titles=columns.titles,
        ignored=columns.ignored,
        header_length=columns.header_length,
        finished_at=timezone.now() if errors else None,
    )
    if errors or not saved:
        ImportJobBatch.objects.filter(job=job).delete()


@transaction.atomic
def import_job_confirm(*, job: ImportJob, by) -> ImportJob:
    """Queue the import of a previewed file; a task worker runs it (import_job_run).

    Raises ImportJobGone when the preview expired or was confirmed already.
    """
    job = ImportJob.objects.select_for_update().defer("source").get(pk=job.pk)
    if job.status != ImportJobStatus.PREVIEWED or job.created_by_id != by.pk:
        raise ImportJobGone
    job.status = ImportJobStatus.QUEUED
    job.save(update_fields=["status"])
    _job_enqueue_on_commit(
        job.pk,
        task_name="participants_import_job_run",
        failure=ImportJobStatus.FAILED,
        message=_("The task queue cannot be reached, so nothing was imported. Try again later."),
    )
    return job


def _job_finish(job: ImportJob, status: str, errors: list[RowError] = ()) -> ImportJob:
    job.status = status
    job.errors = [dataclasses.asdict(error) for error in errors]
    job.finished_at = timezone.now()
    # The file's data is in the participants now, or refused.
    job.source = ""
    with transaction.atomic():
        job.save(update_fields=["status", "errors", "finished_at", "source"])
        ImportJobBatch.objects.filter(job=job).delete()
    cache.delete(_progress_key(job.pk))
    return job


def _progress_key(job_id: int) -> str:
    return f"participants:import-job-progress:{job_id}"


def import_job_progress(job: ImportJob) -> ImportJob:
    """The job with the progress of its running import, which its transaction keeps unseen."""
    if job.pending:
        job.rows_done, job.created_count, job.updated_count = cache.get(
            _progress_key(job.pk), (job.rows_done, job.created_count, job.updated_count)
        )
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Run a confirmed import: the whole file in one transaction, or nothing of it.

    The stored batches are read one at a time, checked again against the database as it is
    now with the delegations locked, and written (:func:`_import_batches`). A row that no
    longer fits, or a batch the database refuses, ends the job failed with every such row
    named and nothing of the file written. The job's row stays locked while it runs, so a
    second run of the task waits, then finds it ended: a job completes once. A worker that dies
    mid-import takes its open transaction with it: nothing of the file is written, the job
    stays running, and the task, acknowledged only once it ends, runs again from the first
    batch on another worker.
    """
    if not _job_attempt(job_id):
        return ImportJob.objects.get(pk=job_id)
    progress = _Progress(job_id)
    try:
        with transaction.atomic():
            job = (
                ImportJob.objects.select_for_update(of=("self",))
                .select_related("conference", "delegation", "created_by")
                .get(pk=job_id)
            )
            if not job.pending:
                return job
            _import_batches(
                conference=job.conference,
                delegation=job.delegation,
                by=job.created_by,
                columns=_job_columns(job),
                rows=progress.batches(job),
                on_batch=progress.written,
            )
            job.rows_done, job.created_count, job.updated_count = progress.counts
            job.save(update_fields=["rows_done", "created_count", "updated_count"])
            return _job_finish(job, ImportJobStatus.DONE)
    except ImportRejected as rejected:
        return _job_finish(
            ImportJob.objects.get(pk=job_id), ImportJobStatus.FAILED, rejected.plan.errors
        )
    except Exception:
        logger.exception("Participant import %s failed", job_id)
        message = _(
            "The import stopped on an unexpected error, and nothing of the file was imported: "
            "see the server log."
        )
        job = ImportJob.objects.get(pk=job_id)
        _job_finish(job, ImportJobStatus.FAILED, [RowError(progress.row, "", message)])
        raise


@transaction.atomic
def _job_attempt(job_id: int) -> bool:
    """Mark a run of a pending job, unless it ended (a second run of its task)."""
    job = ImportJob.objects.select_for_update().defer("source").get(pk=job_id)
    if not job.pending:
        return False
    job.status = ImportJobStatus.RUNNING
    job.attempts += 1
    job.save(update_fields=["status", "attempts"])
    cache.delete(_progress_key(job_id))
    return True


class _Progress:
    """A running import's batches, read one at a time, and what was written of them."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.counts = (0, 0, 0)  # rows, created, updated
        self.row = 0  # the first row of the batch at hand

    def batches(self, job: ImportJob) -> Iterator[list[Row]]:
        stored = ImportJobBatch.objects.filter(job=job).values_list("rows_csv", flat=True)
        for number in itertools.count():
            text = stored.filter(number=number).first()
            if text is None:
                return
            rows = batch_rows(text)
            self.row = rows[0][0]
            yield rows

    def written(self, rows: list[Row], plan: ImportPlan) -> None:
        done, created, updated = self.counts
        self.counts = (done + len(rows), created + len(plan.created), updated + len(plan.updated))
        cache.set(_progress_key(self.job_id), self.counts, timeout=24 * 60 * 60)
