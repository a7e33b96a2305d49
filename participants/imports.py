"""Participant import from a delegation's spreadsheet, saved as CSV.

Two steps share one validator: :func:`participants_import_plan` is the dry run
the organizer previews, and :func:`participants_import` re-validates under row
locks and writes everything or nothing. Validation is the portal's and the
admin's: the model's ``full_clean`` and the delegation limits in ``rules``.
"""

import codecs
import copy
import csv
import datetime as dt
import io
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from conference.exports.base import restore
from conference.models import Conference

from .enums import AccreditationStatus, DelegationRole, Gender, PreferredLanguage
from .models import AccreditationEvent, BadgeCategory, Delegation, Participant
from .rules import membership_errors
from .services import participant_edited_by_organizer

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000

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


BINARY_MESSAGE = gettext_lazy(
    "This file holds binary data, not CSV text. Save the spreadsheet as CSV UTF-8."
)


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message says why and what to do."""


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

    @property
    def row_count(self) -> int:
        return len(self.created) + len(self.updated) + len({e.row for e in self.errors})


class ImportRejected(Exception):
    """Confirmation found errors (the data changed since the preview); nothing was written."""

    def __init__(self, plan: ImportPlan):
        super().__init__(f"{len(plan.errors)} error(s)")
        self.plan = plan


def _key(text: str) -> str:
    text = text.strip().lower().replace("ё", "е").rstrip("*:")
    return "".join(ch for ch in text if ch not in " ._-\u00a0")


HEADER_KEYS = {_key(alias): name for name, aliases in COLUMNS.items() for alias in (name, *aliases)}


def decode(raw: bytes) -> str:
    """The file's text: UTF-8 (with or without BOM) or Windows-1251, else a clear error."""
    if not raw.strip():
        raise ImportFileError(_("The file is empty."))
    if raw.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ImportFileError(
            _(
                "This is an Excel workbook, not a CSV file. In Excel choose File → Save As → "
                "CSV UTF-8 and upload that file."
            )
        )
    if raw.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode Text": tab-separated UTF-16, which read_rows handles too.
        encodings = ("utf-16",)
    elif b"\x00" in raw:
        raise ImportFileError(BINARY_MESSAGE)
    else:
        # Windows-1251 decodes almost any bytes, so it is only tried when UTF-8 fails.
        encodings = ("utf-8", "cp1251")
    for encoding in encodings:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(
            _("The file's encoding is not UTF-8 or Windows-1251. Save it as CSV UTF-8.")
        )
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\r\n" for ch in text):
        raise ImportFileError(BINARY_MESSAGE)
    return text


def read_rows(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and numbered data rows; semicolons or commas, whichever the header uses."""
    first_line = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    delimiter = max((";", ",", "\t"), key=first_line.count)
    try:
        # newline="" lets the reader see every line ending, the old Mac CR included.
        records = list(
            csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
        )
    except csv.Error as error:
        raise ImportFileError(
            _("The file is not valid CSV: %(error)s") % {"error": error}
        ) from None
    if not records or not any(cell.strip() for cell in records[0]):
        raise ImportFileError(_("The file is empty."))
    # Spreadsheet row numbers: the header is row 1.
    rows = [
        (number, record)
        for number, record in enumerate(records[1:], start=2)
        if any(cell.strip() for cell in record)
    ]
    if not rows:
        raise ImportFileError(_("The file has a header row but no participants."))
    if len(rows) > MAX_ROWS:
        raise ImportFileError(
            _("The file has %(count)d rows; at most %(max)d can be imported at once. Split it.")
            % {"count": len(rows), "max": MAX_ROWS}
        )
    return records[0], rows


def match_header(header: list[str], *, needs_delegation: bool) -> tuple[dict[str, int], list[str]]:
    """Canonical column -> index, and the columns that will be ignored."""
    positions: dict[str, int] = {}
    ignored = []
    for index, title in enumerate(header):
        name = HEADER_KEYS.get(_key(title))
        if name is None:
            if title.strip() and _key(title) not in IGNORED_COLUMNS:
                ignored.append(title.strip())
            continue
        if name in positions:
            raise ImportFileError(
                _("The columns “%(a)s” and “%(b)s” both mean %(name)s; keep one.")
                % {"a": header[positions[name]].strip(), "b": title.strip(), "name": name}
            )
        positions[name] = index
    required = (*REQUIRED, "delegation") if needs_delegation else REQUIRED
    missing = [name for name in required if name not in positions]
    if missing:
        raise ImportFileError(
            _("Required column(s) missing: %(columns)s. The header row must name them.")
            % {"columns": ", ".join(missing)}
        )
    return positions, ignored


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


def _is_known_country(value: str) -> bool:
    if value.upper() in countries:
        return True
    return any(value.lower() in _country_names(code) for code, _name in countries)


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


class _Context:
    """Everything a plan reads once: delegations, categories, members, choices."""

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
        # Per delegation: member key -> member, as the limits see it.
        self.members: dict[int, dict] = {}
        for member in Participant.objects.filter(conference=conference).select_related(
            "delegation"
        ):
            self.by_email[member.email.strip().lower()] = member
            if member.delegation_id:
                self.members.setdefault(member.delegation_id, {})[member.pk] = member


def _set_fields(participant: Participant, values: dict[str, str], ctx: _Context) -> dict[str, str]:
    """Copy a row's cells onto the participant; column -> message for cells that are wrong."""
    errors = {}
    for name, value in values.items():
        if name == "delegation":
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


def participants_import_plan(
    *, conference: Conference, text: str, delegation: Delegation | None = None
) -> ImportPlan:
    """The dry run: what confirming would create and update, and every error by row and column.

    Raises ImportFileError when the file as a whole is unusable.
    """
    header, rows = read_rows(text)
    positions, ignored = match_header(header, needs_delegation=delegation is None)
    titles = {name: header[index].strip() for name, index in positions.items()}
    ctx = _Context(conference, delegation)
    plan = ImportPlan(ignored_columns=ignored)
    first_row_of: dict[str, int] = {}

    for number, record in rows:
        filled = [index for index, cell in enumerate(record) if cell.strip()]
        if filled[-1] >= len(header):
            # A value holding an unquoted delimiter shifts every later cell one column to
            # the right; importing that would put data silently in the wrong fields.
            plan.errors.append(
                RowError(
                    number,
                    _("column %(number)d") % {"number": len(header) + 1},
                    _(
                        "This row has %(cells)d cells but the header has %(columns)d columns. "
                        "Put quotes around a value that contains the delimiter."
                    )
                    % {"cells": filled[-1] + 1, "columns": len(header)},
                )
            )
            continue
        values = {
            name: restore(record[index].strip()) if index < len(record) else ""
            for name, index in positions.items()
        }
        errors: dict[str, str] = {}

        def fail(column: str, message: str, errors=errors) -> None:
            errors.setdefault(column, message)

        email = values["email"].lower()
        try:
            validate_email(email)
        except ValidationError:
            fail("email", _("“%(value)s” is not an e-mail address.") % {"value": values["email"]})
        if email in first_row_of:
            fail("email", _("The same e-mail is on row %(row)d.") % {"row": first_row_of[email]})
        first_row_of.setdefault(email, number)

        try:
            target = _row_delegation(values.get("delegation", ""), ctx)
        except ValidationError as error:
            fail("delegation", error.messages[0])
            target = None

        existing = ctx.by_email.get(email)
        if existing is not None and target is not None and existing.delegation_id != target.pk:
            fail(
                "delegation",
                _("%(email)s is already registered with %(delegation)s.")
                % {
                    "email": values["email"],
                    "delegation": existing.delegation or _("no delegation"),
                },
            )
        participant = copy.copy(existing) if existing else Participant(conference=conference)
        if target is not None:
            participant.delegation = target
        for column, message in _set_fields(participant, values, ctx).items():
            fail(column, message)

        try:
            participant.full_clean(exclude=[name for name in errors if name != "delegation"])
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    fail(_constraint_column(message) if name == NON_FIELD_ERRORS else name, message)

        if not errors and target is not None:
            members = ctx.members.setdefault(target.pk, {})
            key = participant.pk or ("row", number)
            before = membership_errors(delegation=target, members=members.values())
            proposed = {**members, key: participant}
            after = membership_errors(delegation=target, members=proposed.values())
            for name, messages in after.items():
                new = [m for m in messages if m not in before.get(name, [])]
                if new:
                    fail(RULE_COLUMNS.get(name, name), " ".join(new))
            if not errors:
                ctx.members[target.pk] = proposed

        if errors:
            plan.errors += [
                RowError(number, titles.get(column, column), message)
                for column, message in errors.items()
            ]
        elif existing is not None:
            plan.updated.append(participant)
        else:
            plan.created.append(participant)
    return plan


@transaction.atomic
def participants_import(
    *, conference: Conference, text: str, by, delegation: Delegation | None = None
) -> ImportPlan:
    """Write the whole file or nothing, validating again with the delegations locked."""
    locked = Delegation.objects.select_for_update().filter(conference=conference)
    if delegation is not None:
        locked = locked.filter(pk=delegation.pk)
    list(locked.order_by("pk"))
    plan = participants_import_plan(conference=conference, text=text, delegation=delegation)
    if plan.errors:
        raise ImportRejected(plan)
    saved = Participant.objects.in_bulk([participant.pk for participant in plan.updated])
    # Updates first, so a head who becomes a deputy frees the place before a new head arrives.
    for participant in plan.updated:
        participant.save()
    for participant in plan.updated:
        before = saved[participant.pk]
        participant_edited_by_organizer(
            participant=participant,
            by=by,
            changed_fields=[
                field.name
                for field in Participant._meta.concrete_fields
                if getattr(before, field.attname) != getattr(participant, field.attname)
            ],
        )
    for participant in plan.created:
        participant.save()
    AccreditationEvent.objects.bulk_create(
        AccreditationEvent(
            participant=participant,
            to_status=AccreditationStatus.NOMINATED,
            by=by,
            reason=_("Imported from CSV."),
        )
        for participant in plan.created
    )
    return plan
