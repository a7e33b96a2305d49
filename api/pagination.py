"""Cursor pagination on the primary key: a page boundary never moves when rows are added.

A new row takes a larger id than every row already there, so it lands after the cursor of a
client paging forwards, never in a page it has read; nothing is skipped or repeated. Each
page is one query on the primary key's index, however deep (no OFFSET).
"""

from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
