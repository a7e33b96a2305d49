"""Counts the admin's list pages show, kept in the cache until a write changes them.

A list page of 100,000 rows spent 40-60 ms counting them on every request, for the paginator
alone. The count (and any other figure read from a queryset) is cached under the query's SQL
and a version of its scope ("participants"); the writers of the scope call
``admin_counts_changed`` (signals on the models, explicit calls after bulk writes), which
drops the version so every count of the scope is read afresh. The short lifetime bounds a
writer that forgot to say so.

A list with no filter at all, on PostgreSQL, shows the planner's estimate of the table's
rows (``pg_class.reltuples``, kept by ANALYZE and autovacuum) once the table is larger than
``ESTIMATE_ABOVE``: counting half a million rows exactly, for a paginator, is not worth it.
"""

import hashlib
import uuid
from collections.abc import Callable
from functools import cached_property

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connections, transaction
from django.db.models import QuerySet

COUNT_SECONDS = 300
ESTIMATE_ABOVE = 100_000


def _version_key(scope: str) -> str:
    return f"admin-counts:{scope}"


def _version(scope: str) -> str:
    version = cache.get(_version_key(scope))
    if version is None:
        version = uuid.uuid4().hex
        cache.add(_version_key(scope), version, COUNT_SECONDS)
    return version


def admin_counts_changed(scope: str) -> None:
    """Every cached count of ``scope`` is stale: now, and again once the write commits (a
    count read between the two, from before the commit, is dropped by the second)."""
    cache.delete(_version_key(scope))
    transaction.on_commit(lambda: cache.delete(_version_key(scope)))


def cached_figure(scope: str, name: str, queryset: QuerySet, read: Callable[[], object]):
    """``read()``, cached under ``queryset``'s SQL until ``scope`` changes."""
    sql, params = queryset.order_by().query.sql_with_params()
    digest = hashlib.sha256(f"{name}\n{sql}\n{params!r}".encode()).hexdigest()
    key = f"admin-count:{scope}:{_version(scope)}:{digest}"
    value = cache.get(key)
    if value is None:
        value = read()
        cache.set(key, value, COUNT_SECONDS)
    return value


def estimated_count(queryset: QuerySet) -> int | None:
    """The planner's row estimate of an unfiltered queryset's table on PostgreSQL, when it is
    above ``ESTIMATE_ABOVE``; otherwise None (count exactly)."""
    connection = connections[queryset.db]
    query = queryset.query
    if connection.vendor != "postgresql" or query.where or query.distinct or query.is_sliced:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [queryset.model._meta.db_table],
        )
        row = cursor.fetchone()
    return row[0] if row and row[0] >= ESTIMATE_ABOVE else None


class CachedCountPaginator(Paginator):
    """The admin's paginator with the count cached (``count_scope`` names whose writes reset
    it), or estimated for a large unfiltered table on PostgreSQL."""

    count_scope = ""

    @cached_property
    def count(self) -> int:
        def read() -> int:
            estimate = estimated_count(self.object_list)
            return self.object_list.count() if estimate is None else estimate

        return cached_figure(self.count_scope, "count", self.object_list, read)
