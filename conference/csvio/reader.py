"""Reading a spreadsheet saved as CSV or as an Excel workbook: its encoding, delimiter, rows
and header.

Files come from ministries' spreadsheets: UTF-8 with or without BOM, Windows-1251,
Excel's UTF-16 "Unicode Text"; commas, semicolons or tabs; headers in English or
Russian with stray spaces, dots and asterisks. An Excel workbook (.xlsx) is read here too:
its first sheet becomes the same CSV text (:func:`xlsx_text`), so everything after the reading
(header matching, the import's job stages, every refusal) is the CSV's own. Every refusal is
an ``ImportFileError`` whose message tells the organizer what to do.
"""

import codecs
import contextlib
import csv
import datetime as dt
import io
import unicodedata
import zipfile
from collections.abc import Iterator

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

BINARY_MESSAGE = gettext_lazy(
    "This file holds binary data, not CSV text. Save the spreadsheet as CSV UTF-8."
)


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message says why and what to do."""


def header_key(text: str) -> str:
    """A header cell folded for matching: case, "ё", spaces, dots, hyphens and "*:" aside."""
    text = text.strip().lower().replace("ё", "е").rstrip("*:")
    return "".join(ch for ch in text if ch not in " ._-\u00a0")


def header_keys(columns: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Every accepted spelling of a column, as ``header_key`` folds it -> the column's name."""
    return {
        header_key(alias): name for name, aliases in columns.items() for alias in (name, *aliases)
    }


XLSX_MAGIC = b"PK\x03\x04"
# What openpyxl raises on a zip that is not a workbook, or a workbook with a damaged part.
BROKEN_WORKBOOK = (
    KeyError,
    OSError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    SyntaxError,
)


def _xlsx_cell(value) -> str:
    """A workbook cell as the CSV text a spreadsheet would have saved for it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        # Excel has no time zones: the wall time, read as the conference's like a CSV's.
        if value.time() == dt.time(0, 0):
            return value.date().isoformat() if value.tzinfo is None else value.isoformat()
        return value.isoformat(timespec="minutes")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone or a count typed as a number
    return str(value)


def xlsx_text(raw: bytes) -> str:
    """The first sheet of an .xlsx workbook as CSV text; formulas as their text ("=…")."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = ImportFileError(
        _(
            "This Excel workbook cannot be read. Open it in Excel and save it again as "
            "an Excel workbook (.xlsx), or as CSV UTF-8."
        )
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, *BROKEN_WORKBOOK):
        raise unreadable from None
    try:
        if not book.worksheets:
            raise ImportFileError(_("The file is empty."))
        for row in book.worksheets[0].iter_rows(values_only=True):
            cells = [_xlsx_cell(value) for value in row]
            # A sheet pads every row to its widest one; a CSV row ends at its last cell, so a
            # stray cell right of the header is refused the same way in both.
            while cells and not cells[-1]:
                cells.pop()
            writer.writerow(cells)
    except BROKEN_WORKBOOK:  # a part of the zip that is not what its name says
        raise unreadable from None
    finally:
        book.close()
    text = out.getvalue()
    if not text.strip(",\n"):
        raise ImportFileError(_("The file is empty."))
    return text


def decode(raw: bytes) -> str:
    """The file's text: UTF-8 (with or without BOM) or Windows-1251, else a clear error.

    An Excel workbook (.xlsx) is read as its first sheet's CSV text (:func:`xlsx_text`).
    """
    if not raw.strip():
        raise ImportFileError(_("The file is empty."))
    if raw.startswith(XLSX_MAGIC):
        return xlsx_text(raw)
    if raw.startswith(b"\xd0\xcf\x11\xe0"):  # the old binary .xls
        raise ImportFileError(
            _(
                "This is an Excel workbook, not a CSV file. In Excel choose File → Save As → "
                "CSV UTF-8 and upload that file."
            )
        )
    if raw.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode Text": tab-separated UTF-16, which iter_rows handles too.
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


def iter_rows(
    text: str, *, max_rows: int, no_rows_message: str
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header, and the numbered data rows read one at a time, never all held at once.

    The file's refusals come from the iterator as it meets them: invalid CSV, no data rows,
    more than ``max_rows`` (counted to the end, so the message gives the file's number).
    """
    text = text.lstrip("\ufeff")
    # The first line alone, not a list of every line: the file may hold 100,000 of them.
    first_line = text.split("\n", 1)[0].split("\r", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    # newline="" lets the reader see every line ending, the old Mac CR included.
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    with _csv_errors():
        header = next(records, None)
    if header is None or not any(cell.strip() for cell in header):
        raise ImportFileError(_("The file is empty."))
    return header, _data_rows(records, max_rows=max_rows, no_rows_message=no_rows_message)


@contextlib.contextmanager
def _csv_errors() -> Iterator[None]:
    try:
        yield
    except csv.Error as error:
        raise ImportFileError(
            _("The file is not valid CSV: %(error)s") % {"error": error}
        ) from None


def _data_rows(records, *, max_rows: int, no_rows_message: str):
    count = 0
    with _csv_errors():
        # Spreadsheet row numbers: the header is row 1.
        for number, record in enumerate(records, start=2):
            if not any(cell.strip() for cell in record):
                continue
            count += 1
            if count > max_rows:
                count += sum(1 for rest in records if any(cell.strip() for cell in rest))
                raise ImportFileError(
                    _(
                        "The file has %(count)d rows; at most %(max)d can be imported at once. "
                        "Split it."
                    )
                    % {"count": count, "max": max_rows}
                )
            yield number, record
    if not count:
        raise ImportFileError(no_rows_message)


def match_header(
    header: list[str],
    *,
    keys: dict[str, str],
    required: tuple[str, ...],
    silently_ignored: tuple[str, ...] = (),
) -> tuple[dict[str, int], list[str]]:
    """Canonical column -> index, and the unknown columns that will be ignored.

    ``keys`` comes from ``header_keys``; ``silently_ignored`` are known columns (of the
    matching export) that an import does not read and need not mention.
    """
    positions: dict[str, int] = {}
    ignored = []
    for index, title in enumerate(header):
        name = keys.get(header_key(title))
        if name is None:
            if title.strip() and header_key(title) not in silently_ignored:
                ignored.append(title.strip())
            continue
        if name in positions:
            raise ImportFileError(
                _("The columns “%(a)s” and “%(b)s” both mean %(name)s; keep one.")
                % {"a": header[positions[name]].strip(), "b": title.strip(), "name": name}
            )
        positions[name] = index
    missing = [name for name in required if name not in positions]
    if missing:
        raise ImportFileError(
            _("Required column(s) missing: %(columns)s. The header row must name them.")
            % {"columns": ", ".join(missing)}
        )
    return positions, ignored
