"""The export base class and the CSV writer every export shares.

An export is a small class: an identifier, a label, the permissions it needs,
its columns (each a stable name and where its value comes from), and the queryset it
reads for one conference. The admin page, the admin actions and the ``export_csv``
command all go through :func:`csv_lines`, so the format is the same everywhere.
"""

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any, ClassVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.functional import Promise

from conference.models import Conference

BOM = "\ufeff"
CHUNK_SIZE = 2000
# OWASP CSV injection: a cell starting with one of these may run as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralize(text: str) -> str:
    """Prefix a would-be formula with a quote so spreadsheets show it as text."""
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


def restore(text: str) -> str:
    """Undo :func:`neutralize`, so an exported file imports again as it was ("+992…" phones)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS) else text


def cell(value: Any, tz: dt.tzinfo) -> str:
    """One value as CSV text: ISO 8601 in the conference's zone, yes/no, never a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value, tz).isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return str(value)
    return neutralize(str(value))


class Labels:
    """``get_FOO_display()`` for a whole export run.

    Django's version rebuilds and re-translates the field's choices on every
    call, which dominated the export's time; here each label is translated once.
    """

    def __init__(self, model: type[Model]):
        self._labels = {
            f.name: {value: str(label) for value, label in f.flatchoices}
            for f in model._meta.fields
            if f.choices
        }

    def __call__(self, obj: Model, field: str) -> str:
        value = getattr(obj, field)
        return self._labels[field].get(value, value)

    def __contains__(self, field: str) -> bool:
        return field in self._labels


# A column: its name, or (name, source). A source is a dotted path from the row's object
# ("delegation.name", empty where a link is missing) or a function of the object. A plain
# choice field of the export's model exports its label, in the active language.
ColumnSpec = str | tuple[str, str | Callable[[Any], Any]]


def _path_getter(path: str) -> Callable[[Any], Any]:
    steps = path.split(".")

    def get(obj: Any) -> Any:
        for step in steps:
            try:
                obj = getattr(obj, step)
            except ObjectDoesNotExist:  # a missing one-to-one row
                return None
            if obj is None:
                return None
        return obj

    return get


def _getter(spec: ColumnSpec, labels: Labels) -> Callable[[Any], Any]:
    name, source = (spec, spec) if isinstance(spec, str) else spec
    if callable(source):
        return source
    if source in labels:
        return lambda obj: labels(obj, source)
    return _path_getter(source)


class _Echo:
    """csv.writer wants a file; this one hands back what it is given."""

    def write(self, value: str) -> str:
        return value


class Export:
    identifier: ClassVar[str]
    label: ClassVar[Promise | str]
    description: ClassVar[Promise | str] = ""
    model: ClassVar[type[Model]]
    permissions: ClassVar[tuple[str, ...]]
    columns: ClassVar[tuple[ColumnSpec, ...]]
    # The columns' names, the file's first row: derived from ``columns``.
    header: ClassVar[tuple[str, ...]]
    # Path from the exported model to its conference, for filtering and for
    # checking that an admin selection stays within one conference.
    conference_path: ClassVar[str] = "conference"
    # Exports of passports and dates of birth need a named user and record every run:
    # their app overrides ``access_recorder``.
    identity_data: ClassVar[bool] = False
    # Admin-page filters this export understands: name -> queryset lookup.
    filters: ClassVar[dict[str, str]] = {}
    # The "status" filter's options where they are not the model field's own choices.
    status_choices: ClassVar[list[tuple[str, Any]] | None] = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "columns" in cls.__dict__:
            cls.header = tuple(c if isinstance(c, str) else c[0] for c in cls.columns)

    def base_queryset(self) -> QuerySet:
        return self.model._default_manager.all()

    def prepare(self, queryset: QuerySet) -> QuerySet:
        """Joins, prefetches and ordering so rows() never queries per row."""
        return queryset

    def queryset(self, conference: Conference, **filters: str) -> QuerySet:
        queryset = self.base_queryset().filter(**{self.conference_path: conference})
        lookups = {self.filters[name]: value for name, value in filters.items() if value}
        return self.prepare(queryset.filter(**lookups))

    def objects(self, queryset: QuerySet, conference: Conference) -> Iterable[Model]:
        """The rows' objects, streamed in chunks so memory stays flat."""
        return queryset.iterator(chunk_size=CHUNK_SIZE)

    def rows(self, objects: Iterable[Model]) -> Iterator[Iterable[Any]]:
        """One list of cell values per object, in header order."""
        labels = Labels(self.model)
        getters = [_getter(spec, labels) for spec in self.columns]
        for obj in objects:
            yield [get(obj) for get in getters]

    def is_permitted(self, user) -> bool:
        return user.is_active and user.has_perms(self.permissions)

    def access_recorder(self, user) -> Callable[[int], None] | None:
        """An ``on_finish`` callback that records who ran this export and how many rows left."""
        return None


def csv_lines(
    export: Export,
    queryset: QuerySet,
    *,
    conference: Conference,
    bom: bool = True,
    on_row: Callable[[int], None] | None = None,
    on_finish: Callable[[int], None] | None = None,
) -> Iterator[str]:
    """The export as CSV text, one line at a time.

    ``on_finish`` runs with the number of rows actually produced, also when the
    consumer stops early (a dropped download), so the access log never
    under-reports what left the building.
    """
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    tz = conference.tz
    count = 0
    try:
        yield (BOM if bom else "") + writer.writerow(export.header)
        for row in export.rows(export.objects(queryset, conference)):
            count += 1
            yield writer.writerow([cell(value, tz) for value in row])
            if on_row is not None:
                on_row(count)
    finally:
        if on_finish is not None:
            on_finish(count)


def file_name(
    conference: Conference, export: Export, at: dt.datetime | None = None, extension: str = "csv"
) -> str:
    moment = timezone.localtime(at or timezone.now(), conference.tz)
    return f"{conference.slug}_{export.identifier}_{moment:%Y%m%dT%H%M%S}.{extension}"
