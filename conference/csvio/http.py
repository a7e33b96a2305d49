"""The HTTP side of exports: a streamed CSV download with the access log wired in."""

from collections.abc import Iterator
from itertools import islice

from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from conference.models import Conference

from .base import Export, csv_lines, file_name

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
