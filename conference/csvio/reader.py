"""Reading a spreadsheet saved as CSV: its encoding, delimiter, rows and header.

Files come from ministries' spreadsheets: UTF-8 with or without BOM, Windows-1251,
Excel's UTF-16 "Unicode Text"; commas, semicolons or tabs; headers in English or
Russian with stray spaces, dots and asterisks. Every refusal is an ``ImportFileError``
whose message tells the organizer what to do.
"""

import codecs
import csv
import io
import unicodedata

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


def read_rows(
    text: str, *, max_rows: int, no_rows_message: str
) -> tuple[list[str], list[tuple[int, list[str]]]]:
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
        raise ImportFileError(no_rows_message)
    if len(rows) > max_rows:
        raise ImportFileError(
            _("The file has %(count)d rows; at most %(max)d can be imported at once. Split it.")
            % {"count": len(rows), "max": max_rows}
        )
    return records[0], rows


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
