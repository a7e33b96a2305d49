"""Every export also as an Excel workbook (.xlsx), from the same rows as its CSV.

The cells are typed: a date-time is an Excel date-time in the conference's local wall time
(Excel has no time zones; the header says which), a date a date, a number a number, yes/no a
boolean; text stays text, never a formula. The header row is bold and frozen and the
columns are as wide as their first rows need. The workbook is written in openpyxl's
write-only mode, so memory stays flat at 100,000 rows.
"""

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from itertools import chain, islice
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from conference.models import Conference

from .base import Export

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
# Rows read ahead to size the columns; widths in Excel's characters, within these bounds.
WIDTH_SAMPLE = 500
MIN_WIDTH, MAX_WIDTH = 6, 60
BOLD = Font(bold=True)


def typed(value: Any, tz: dt.tzinfo) -> tuple[Any, str | None]:
    """The cell value Excel stores, and its number format (None: General)."""
    if value is None or isinstance(value, bool):
        return value, None
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value, tz) if timezone.is_aware(value) else value
        return local.replace(tzinfo=None, microsecond=0), DATETIME_FORMAT
    if isinstance(value, dt.date):
        return value, DATE_FORMAT
    if isinstance(value, int | float | Decimal):
        return value, None
    text = str(value) if isinstance(value, Promise | str) else str(value)
    return ILLEGAL_CHARACTERS_RE.sub("", text), None


def _cell(sheet, value: Any, tz: dt.tzinfo) -> WriteOnlyCell:
    value, number_format = typed(value, tz)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # "=SUM(…)" from a delegation's file stays text
    if number_format:
        cell.number_format = number_format
    return cell


def _width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return len("2019-05-16 09:00")
    if isinstance(value, dt.date):
        return len("2019-05-16")
    return max((len(line) for line in str(value).splitlines()), default=0)


def xlsx_write(
    export: Export,
    queryset: QuerySet,
    *,
    conference: Conference,
    target: IO[bytes],
    on_finish: Callable[[int], None] | None = None,
) -> int:
    """Write the export's workbook to ``target``; returns the number of data rows.

    ``on_finish`` runs with the rows written, as for the CSV (the identity access log).
    """
    tz = conference.tz
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=export.identifier[:31])
    rows: Iterator[Iterable[Any]] = iter(export.rows(export.objects(queryset, conference)))
    count = 0
    try:
        sample = [list(row) for row in islice(rows, WIDTH_SAMPLE)]
        for index, title in enumerate(export.header, start=1):
            width = max([len(title), *(_width(row[index - 1]) for row in sample)])
            sheet.column_dimensions[get_column_letter(index)].width = min(
                max(width + 2, MIN_WIDTH), MAX_WIDTH
            )
        sheet.freeze_panes = "A2"
        header = []
        for title in export.header:
            cell = WriteOnlyCell(sheet, value=title)
            cell.font = BOLD
            header.append(cell)
        sheet.append(header)
        for row in chain(sample, rows):
            sheet.append([_cell(sheet, value, tz) for value in row])
            count += 1
        if count:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(export.header))}{count + 1}"
        book.save(target)
    finally:
        if on_finish is not None:
            on_finish(count)
    return count


def xlsx_file(
    export: Export,
    queryset: QuerySet,
    *,
    conference: Conference,
    on_finish: Callable[[int], None] | None = None,
) -> IO[bytes]:
    """The workbook in a temporary file (in memory up to 8 MB), rewound for reading."""
    # Closed by whoever reads it (the FileResponse, once sent).
    target = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    xlsx_write(export, queryset, conference=conference, target=target, on_finish=on_finish)
    target.seek(0)
    return target
