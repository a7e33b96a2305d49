"""The one invalidation API of the public cache.

A conference's ``published_version`` is part of every cached page's key, so adding one
to it retires all of that conference's cached pages at once, on every app server. The
services that change public content call :func:`public_pages_invalidate` inside their
transaction; nothing else bumps the version.
"""

from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.db.models import F

from conference.models import Conference

from .caching import forget_public_conference


def public_pages_invalidate(*, conference_ids: Iterable[int]) -> None:
    """Retire the cached public pages of these conferences: two queries, none for no ids."""
    ids = set(conference_ids)
    if not ids:
        return
    conferences = Conference.objects.filter(pk__in=ids)
    # F() so that two organizers saving at once both count.
    conferences.update(published_version=F("published_version") + 1)
    for slug in conferences.values_list("slug", flat=True):
        # After the commit, so no request can put the old version back meanwhile.
        transaction.on_commit(partial(forget_public_conference, slug))
