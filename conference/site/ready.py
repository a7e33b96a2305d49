"""Ready copies of cached public pages, answered by the WSGI server's process before Django.

The early middleware (``conference.site.early``) answers a cached public page before the
session, authentication, CSRF, second-factor and lockout middleware, but Django's handler,
the outer middleware and the cache lookup (the conference's version and the page, from Redis)
still run for each request. :class:`ReadyPages` wraps the WSGI application
(``conference.wsgi``) and keeps, per process, what the early path answered: the status line,
the header list and the body, as bytes. The next request that would get the same answer gets
that copy without entering Django.

The same answer: a request is keyed by every input the early answer reads (method, path,
query string, host and scheme with their proxy headers, the language cookie and
Accept-Language, Accept-Encoding, the conditional headers), so a Russian, a gzipped or a 304
answer is a copy of its own, and each is byte for byte what the early path sent, the security
headers (CSP without a nonce, HSTS, Permissions-Policy…) included. Only GET and HEAD without a
session cookie are looked up, and only answers of the early path are copied (it marks them
``answered_early``), never one that sets a cookie.

Retired at once: every change of public content ends in
:func:`conference.site.caching.forget_public_conference`, which announces it on a Redis
channel after its commit. Each process listens on a connection of its own and, per request,
asks the socket whether anything came (a poll, no round trip); an announcement drops every
copy of the process, and a copy made by a request during which one arrived is not kept.
While the process does not listen (Redis away, a lost connection, no Redis cache at all)
no copy is served: every request goes through Django, as before; the process subscribes
again at most once per ``RETRY_SECONDS`` and starts with no copies. A copy also lives no
longer than ``STATE_SECONDS``, the bound the conference's version kept in Redis already has
for a change that could not be announced.
"""

import contextlib
import os
import select
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core.cache import caches
from django.http import parse_cookie

from conference.cache import RETRY_SECONDS, ResilientRedisCache

from .caching import CHANNEL, STATE_SECONDS

BUDGET = 16 * 1024 * 1024
_LOST = (redis.ConnectionError, redis.TimeoutError, OSError)
_METHODS = ("GET", "HEAD")
# What the early answer reads of a request, besides the cookies.
_KEYED = (
    "REQUEST_METHOD",
    "SCRIPT_NAME",
    "PATH_INFO",
    "QUERY_STRING",
    "wsgi.url_scheme",
    "SERVER_NAME",
    "SERVER_PORT",
    "HTTP_HOST",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_ACCEPT_LANGUAGE",
    "HTTP_ACCEPT_ENCODING",
    "HTTP_IF_MATCH",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
)
_STORED_STATUSES = ("200 OK", "304 Not Modified")


class _Listener:
    """This process's subscription to the announcements, and the epoch of its copies.

    ``epoch()`` is None while the process does not listen; otherwise a number that changes
    with every announcement heard and every new subscription."""

    def __init__(self, *, retry: float, clock: Callable[[], float]) -> None:
        self.retry = retry
        self.clock = clock
        self.pubsub: redis.client.PubSub | None = None
        self.sock = None
        self.poller: select.poll | None = None
        self.pid = 0
        self.retry_at = 0.0
        self.count = 0
        self.lock = threading.Lock()

    def epoch(self) -> int | None:
        with self.lock:  # a threaded worker's threads share the one connection
            return self._epoch()

    def _epoch(self) -> int | None:
        if self.pid != os.getpid():  # a forked child hears nothing on its parent's connection
            self.pubsub = None
            self.pid = os.getpid()
        if self.pubsub is None and not self._subscribe():
            return None
        if self.poller.poll(0):
            try:
                while self.pubsub.get_message(timeout=0) is not None:
                    pass
            except _LOST:
                self._drop()
                return None
            if self.pubsub.connection._sock is not self.sock:  # redis-py connected anew
                self._drop()
                return None
            self.count += 1
        return self.count

    def _subscribe(self) -> bool:
        cache = caches["default"]
        if not isinstance(cache, ResilientRedisCache) or self.clock() < self.retry_at:
            return False
        try:
            pubsub = cache.subscribe(CHANNEL)
        except _LOST:
            self.retry_at = self.clock() + self.retry
            return False
        self.pubsub = pubsub
        # redis-py names no public way to the socket; readable means a message or a hang-up.
        self.sock = pubsub.connection._sock
        self.poller = select.poll()
        self.poller.register(self.sock, select.POLLIN | select.POLLHUP)
        self.count += 1  # whatever changed while nobody listened: no copy from before
        return True

    def _drop(self) -> None:
        with contextlib.suppress(*_LOST):
            self.pubsub.close()
        self.pubsub = self.poller = self.sock = None
        self.retry_at = self.clock() + self.retry


@dataclass(frozen=True, slots=True)
class _Copy:
    epoch: int
    until: float
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    size: int


class ReadyPages:
    """The WSGI application in front of Django's: ready copies of the early path's answers."""

    def __init__(
        self,
        application: Callable,
        *,
        budget: int = BUDGET,
        lifetime: float = STATE_SECONDS,
        retry: float = RETRY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.application = application
        self.budget = budget
        self.lifetime = lifetime
        self.clock = clock
        self.listener = _Listener(retry=retry, clock=clock)
        self.copies: dict[tuple, _Copy] = {}
        self.size = 0
        self.epoch: int | None = None
        self.lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        key = self._key(environ)
        epoch = self.listener.epoch() if key is not None else None
        if epoch is None:
            return self.application(environ, start_response)
        if epoch != self.epoch:
            self._clear(epoch)
        copy = self.copies.get(key)
        if copy is not None and copy.epoch == epoch and copy.until > self.clock():
            start_response(copy.status, list(copy.headers))
            return [copy.body]
        answer = []

        def keep_start(status, headers, exc_info=None):
            answer[:] = [status, headers]
            return start_response(status, headers, exc_info)

        result = self.application(environ, keep_start)
        if getattr(result, "answered_early", False) and self.listener.epoch() == epoch:
            self._keep(key, epoch, *answer, result.content)
        return result

    @staticmethod
    def _key(environ: dict) -> tuple | None:
        """The request's key, or None when it is not a candidate for a copy."""
        if environ.get("REQUEST_METHOD") not in _METHODS:
            return None
        language = None
        if header := environ.get("HTTP_COOKIE"):
            cookies = parse_cookie(header)
            if settings.SESSION_COOKIE_NAME in cookies:
                return None
            language = cookies.get(settings.LANGUAGE_COOKIE_NAME)
        return (language, *map(environ.get, _KEYED))

    def _keep(self, key: tuple, epoch: int, status: str, headers: list, body: bytes) -> None:
        if status not in _STORED_STATUSES or any(
            name.lower() == "set-cookie" for name, _ in headers
        ):
            return
        size = len(body) + sum(len(name) + len(value) for name, value in headers)
        size += sum(len(part) for part in key if part)
        if size > self.budget:
            return
        copy = _Copy(epoch, self.clock() + self.lifetime, status, tuple(headers), body, size)
        with self.lock:
            if epoch != self.epoch:
                return
            if old := self.copies.pop(key, None):
                self.size -= old.size
            if self.size + size > self.budget:  # rare: start over rather than track use
                self.copies.clear()
                self.size = 0
            self.size += size
            self.copies[key] = copy

    def _clear(self, epoch: int) -> None:
        with self.lock:
            self.copies.clear()
            self.size = 0
            self.epoch = epoch
