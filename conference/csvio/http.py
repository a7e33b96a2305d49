"""The HTTP side of exports: a streamed CSV download, or an .xlsx workbook, with the access log
wired in."""

from collections.abc import Iterator
from itertools import islice

from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from conference.models import Conference

from .base import Export, csv_lines, file_name
from .xlsx import CONTENT_TYPE as XLSX_CONTENT_TYPE
from .xlsx import xlsx_file

# The formats a download can take: ?format=csv (the default) or ?format=xlsx.
FORMATS = ("csv", "xlsx")

# Lines per chunk handed to the server: fewer, larger writes than one per row.
LINES_PER_CHUNK = 500


def _chunks(lines: Iterator[str]) -> Iterator[str]:
    try:
        while chunk := "".join(islice(lines, LINES_PER_CHUNK)):
            yield chunk
    finally:
        # A dropped download closes us; close the writer too so its access log runs now.
        lines.close()


def csv_download(
    *, export: Export, queryset: QuerySet, conference: Conference, user, bom: bool = True
) -> StreamingHttpResponse:
    lines = csv_lines(
        export, queryset, conference=conference, bom=bom, on_finish=export.access_recorder(user)
    )
    response = StreamingHttpResponse(_chunks(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name(conference, export)}"'
    # Lists of people must not linger in shared or browser caches.
    response["Cache-Control"] = "private, no-store"
    return response


def _file_chunks(handle, size: int = 64 * 1024) -> Iterator[bytes]:
    try:
        while chunk := handle.read(size):
            yield chunk
    finally:
        handle.close()


def xlsx_download(
    *, export: Export, queryset: QuerySet, conference: Conference, user
) -> StreamingHttpResponse:
    """The export as an Excel workbook, built first (a workbook is a zip: it cannot stream)."""
    workbook = xlsx_file(
        export, queryset, conference=conference, on_finish=export.access_recorder(user)
    )
    response = StreamingHttpResponse(_file_chunks(workbook), content_type=XLSX_CONTENT_TYPE)
    name = file_name(conference, export, extension="xlsx")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def export_download(
    *, export: Export, queryset: QuerySet, conference: Conference, user, file_format: str = "csv"
):
    """The download in ``file_format`` ("csv" or "xlsx")."""
    if file_format == "xlsx":
        return xlsx_download(export=export, queryset=queryset, conference=conference, user=user)
    return csv_download(export=export, queryset=queryset, conference=conference, user=user)
