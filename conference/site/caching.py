"""The cache in front of every public page and feed.

The key holds the conference's published version (bumped by
:func:`conference.site.publishing.public_pages_invalidate`), the language and the
path, so a change shows at once and a stale page is never served. Only public
conferences reach the cache: anything else is a 404 before the key is built.

Cached pages are the same for every visitor: they carry no CSRF token (the
language switcher posts to a token-free ``set_language``) and no flash messages.

With a shared cache (Redis) each process also keeps the pages it served in its own memory
(``_LocalPages``). That is safe because a key names one version of the page forever: a bump
makes new keys, so the local copy is never stale, and it lives no longer than the shared
one. A hit then costs one small round trip to Redis (the conference's version), not the page.
"""

import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial, wraps

from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.text import compress_string

from conference.cache import ResilientRedisCache
from conference.models import Conference

CACHE_SECONDS = 60 * 60
STATE_SECONDS = 10
CHANNEL = "public-pages:changed"
_COPIED_HEADERS = ("Content-Type", "Content-Disposition")
# Feeds are compressed once, when cached; HTML pages are not (they are small next to the
# stylesheet, and the proxy in front may compress them).
_COMPRESSED_TYPES = ("application/json", "application/xml", "text/xml", "text/calendar")
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


@dataclass(frozen=True)
class CachedPage:
    content: bytes
    headers: dict[str, str]
    last_modified: float
    # The gzipped body of a feed, or None (pages pickled before this field have none).
    gzipped: bytes | None = None


def _keep_query(request: HttpRequest, names: tuple[str, ...]) -> None:
    """Let the view see only the parameters it reads, so no other one can change the page."""
    query = QueryDict(mutable=True)
    for name in names:
        if name in request.GET:
            query.setlist(name, request.GET.getlist(name))
    query._mutable = False
    request.GET = query


def _key(request: HttpRequest, scope: str) -> str:
    # The host is part of it: feeds carry absolute links. Only the kept parameters count,
    # so ``?utm_source=…`` or ``?x=1`` is served from the page's one cached copy.
    url = request.build_absolute_uri(request.path) + "?" + request.GET.urlencode()
    path = hashlib.sha256(url.encode()).hexdigest()
    return f"public:{scope}:{translation.get_language()}:{path}"


def _render(request: HttpRequest, render: Callable[[], HttpResponse]) -> HttpResponse | CachedPage:
    """The page to cache, or the response itself when it must not be cached (a 404, or a
    page that used the request's CSP nonce: its body holds a nonce only this response's
    header allows, and a cached copy would carry it to responses whose header does not)."""
    response = render()
    if response.status_code != 200 or response.streaming:
        return response
    if getattr(request, "_csp_nonce", None) is not None:
        return response
    headers = {name: response[name] for name in _COPIED_HEADERS if response.has_header(name)}
    content_type = headers.get("Content-Type", "").split(";")[0].strip()
    gzipped = compress_string(response.content) if content_type in _COMPRESSED_TYPES else None
    return CachedPage(response.content, headers, float(int(time.time())), gzipped)


class _LocalPages:
    """This process's copies of shared-cache pages, least recently used out past a byte budget."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.size = 0
        self.pages: OrderedDict[str, CachedPage] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> CachedPage | None:
        with self.lock:
            page = self.pages.get(key)
            if page is None:
                return None
            if page.last_modified + CACHE_SECONDS < time.time():  # the shared copy is gone too
                self._drop(key)
                return None
            self.pages.move_to_end(key)
            return page

    def put(self, key: str, page: CachedPage) -> None:
        with self.lock:
            if key in self.pages:
                self._drop(key)
            self.pages[key] = page
            self.size += len(page.content)
            while self.size > self.budget and self.pages:
                self._drop(next(iter(self.pages)))

    def _drop(self, key: str) -> None:
        self.size -= len(self.pages.pop(key).content)

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()
            self.size = 0


LOCAL_PAGES = _LocalPages(budget=32 * 1024 * 1024)


def _stored_page(key: str) -> CachedPage | None:
    """The page cached under ``key``, from this process's copies or the shared cache."""
    # The local copy's key has the shared cache's prefix (the release) and key version in it.
    local_key = cache.make_key(key) if _cache_is_shared() else None
    page = LOCAL_PAGES.get(local_key) if local_key else None
    if page is not None:
        return page
    page = cache.get(key)
    if page is not None and local_key:
        LOCAL_PAGES.put(local_key, page)
    return page


def _cached_page(
    request: HttpRequest, key: str, render: Callable[[], HttpResponse]
) -> HttpResponse | CachedPage:
    page = _stored_page(key)
    if page is not None:
        return page
    page = _render(request, render)
    if isinstance(page, HttpResponse):
        return page
    cache.set(key, page, CACHE_SECONDS)
    if _cache_is_shared():
        LOCAL_PAGES.put(cache.make_key(key), page)
    return page


def _respond(request: HttpRequest, key: str, page: CachedPage) -> HttpResponse:
    """The response for a cached page: the one place both the early and the full path use."""
    gzipped = getattr(page, "gzipped", None)
    compress = gzipped is not None and _ACCEPTS_GZIP.search(
        request.headers.get("Accept-Encoding", "")
    )
    digest = hashlib.md5(key.encode()).hexdigest()
    # The gzipped body is other bytes, so it has an ETag of its own.
    etag = f'"{digest}-gzip"' if compress else f'"{digest}"'
    not_modified = get_conditional_response(
        request, etag=etag, last_modified=int(page.last_modified)
    )
    if not_modified is not None:
        response = not_modified
    else:
        response = HttpResponse(gzipped if compress else page.content)
        for name, value in page.headers.items():
            response[name] = value
        if compress:
            response["Content-Encoding"] = "gzip"
        response["ETag"] = etag
        response["Last-Modified"] = http_date(page.last_modified)
        # Browsers and calendar apps revalidate each time and mostly get a 304.
        patch_cache_control(response, max_age=0, must_revalidate=True)
    # The language comes from the cookie or Accept-Language; a feed's body from Accept-Encoding.
    patch_vary_headers(response, ("Cookie", "Accept-Encoding") if gzipped else ("Cookie",))
    return response


def _serve(request: HttpRequest, scope: str, render: Callable[[], HttpResponse]) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    key = _key(request, scope)
    page = _cached_page(request, key, render)
    if isinstance(page, HttpResponse):
        return page
    return _respond(request, key, page)


def _serve_stored(request: HttpRequest, scope: str) -> HttpResponse | None:
    """The cached page's response, or None when it is not cached (the full path renders it)."""
    key = _key(request, scope)
    page = _stored_page(key)
    return None if page is None else _respond(request, key, page)


def _mark_cached(wrapper: Callable, cached_response: Callable) -> None:
    """Give the early middleware the view's cache lookup. ``cached_response.view`` names the
    wrapper, so a decorator put around it later (which copies the attribute) is noticed and
    its request takes the full path."""
    cached_response.view = wrapper
    wrapper.cached_response = cached_response


def _state_key(slug: str) -> str:
    return f"public-conference:{slug}"


def _cache_is_shared() -> bool:
    """Whether every server process sees the same cache.

    A process-local cache cannot carry a version bump from the worker that made
    it to the others, so with one the database is asked on every request.
    """
    return not isinstance(caches["default"], LocMemCache | DummyCache)


def public_conference_state(slug: str) -> tuple[int, int] | None:
    """(pk, published_version) of the public conference ``slug``, or None.

    With a shared cache a cache hit costs no query: the version is kept there
    and dropped by every bump (see ``forget_public_conference``). The short
    lifetime bounds the one race left, a read that straddles a bump's commit.
    """
    shared = _cache_is_shared()
    if shared:
        state = cache.get(_state_key(slug))
        if state is not None:
            return state or None
    row = (
        Conference.objects.filter(slug=slug, is_public=True)
        .values_list("pk", "published_version")
        .first()
    )
    if shared:
        cache.set(_state_key(slug), row or (), STATE_SECONDS)
    return row


def _request_memo(request: HttpRequest, name: str, read: Callable[[], object]) -> object:
    """``read()`` once per request: a page the early path did not find in the cache is then
    rendered by the full path without asking for the conference's version a second time."""
    memo = request.__dict__.setdefault("_public_cache_memo", {})
    if name not in memo:
        memo[name] = read()
    return memo[name]


def forget_public_conference(slug: str) -> None:
    """After a change's commit: drop the conference's state, then retire every process's
    ready copies (``conference.site.ready``), which hear it on the ``CHANNEL``."""
    cache.delete(_state_key(slug))
    if isinstance(caches["default"], ResilientRedisCache):
        caches["default"].publish(CHANNEL, slug)


def cached_conference_page(
    view: Callable[..., HttpResponse] | None = None, *, query: tuple[str, ...] = ()
):
    """For views under /<conference_slug>/: the view receives the public ``conference``.

    ``query`` names the GET parameters the view reads; every other one is dropped before
    the view runs, and is no part of the cache key.
    """
    if view is None:
        return partial(cached_conference_page, query=query)

    @wraps(view)
    def wrapper(request: HttpRequest, conference_slug: str, **kwargs) -> HttpResponse:
        _keep_query(request, query)
        state = _request_memo(
            request, f"state:{conference_slug}", lambda: public_conference_state(conference_slug)
        )
        if state is None:
            raise Http404("No public conference here.")
        pk, version = state

        def render() -> HttpResponse:
            conference = Conference.objects.get(pk=pk)
            # Every time on a conference's pages is in the conference's own time zone.
            with timezone.override(conference.tz):
                return view(request, conference=conference, **kwargs)

        # The pk too: a conference deleted and made again under its slug starts its versions anew.
        return _serve(request, f"{conference_slug}:{pk}:{version}", render)

    def cached_response(
        request: HttpRequest, conference_slug: str, **kwargs
    ) -> HttpResponse | None:
        _keep_query(request, query)
        state = _request_memo(
            request, f"state:{conference_slug}", lambda: public_conference_state(conference_slug)
        )
        if state is None:
            return None
        pk, version = state
        return _serve_stored(request, f"{conference_slug}:{pk}:{version}")

    _mark_cached(wrapper, cached_response)
    return wrapper


def cached_site_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For pages that span conferences: any conference's change or a deletion resets them."""

    def read_scope() -> str:
        totals = Conference.objects.aggregate(versions=Sum("published_version"), count=Count("id"))
        return f"site:{totals['versions'] or 0}:{totals['count']}"

    def scope(request: HttpRequest) -> str:
        return _request_memo(request, "site", read_scope)

    @wraps(view)
    def wrapper(request: HttpRequest, **kwargs) -> HttpResponse:
        _keep_query(request, ())
        return _serve(request, scope(request), lambda: view(request, **kwargs))

    def cached_response(request: HttpRequest, **kwargs) -> HttpResponse | None:
        _keep_query(request, ())
        return _serve_stored(request, scope(request))

    _mark_cached(wrapper, cached_response)
    return wrapper
