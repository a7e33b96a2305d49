"""The production cache: Django's RedisCache, which a Redis outage slows down but never breaks.

Everything the project keeps in the cache can be rebuilt from the database: public pages,
the public conferences' versions, badge thumbnails, the nomination portal's miss counters.
So when Redis cannot be reached, each call answers as an empty cache would (``get`` the
default, ``add`` False, ``incr`` a ValueError for the missing key) and the page is rendered
from PostgreSQL. Sessions and login throttling (django-axes) live in the database, so an
outage logs nobody out and lifts no lockout.

Only a lost connection is swallowed (``redis.ConnectionError``, ``redis.TimeoutError``);
any other error still raises. Short socket timeouts (``OPTIONS`` in settings) bound the cost
of a Redis that hangs rather than refuses, and after a failure the process leaves Redis alone
for ``RETRY_SECONDS`` instead of paying a failed connect on every call. A warning is logged
once per outage and process, and a line when Redis answers again.

While Redis is unreachable a version bump cannot drop the conference state it keeps there
(:func:`conference.site.caching.forget_public_conference`); a server that still reaches it
serves the old version for at most ``STATE_SECONDS``, the state's lifetime.

The public pages' ready copies (``conference.site.early.ReadyPages``) hear of every change on
a Redis channel: :meth:`ResilientRedisCache.publish` announces one (lost with the connection,
like any write), :meth:`ResilientRedisCache.subscribe` listens on a connection of its own.

django-redis's ``IGNORE_EXCEPTIONS`` would do the same, but it is a second Redis client with
its own key format and settings, for one behaviour this subclass gives in a page.
"""

import logging
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

RETRY_SECONDS = 1.0
_LOST = (redis.ConnectionError, redis.TimeoutError)

# Per process, per Redis: until when to skip it. Django builds one cache object per thread,
# so the state lives here for the warning to be written once per process.
_down_until: dict[str, float] = {}
_lock = threading.Lock()


class ResilientRedisCache(RedisCache):
    def _attempt(self, call: Callable[[], Any], fallback: Any) -> Any:
        location = self._servers[0]
        if time.monotonic() < _down_until.get(location, 0.0):
            return self._fall_back(fallback)
        try:
            result = call()
        except _LOST as error:
            with _lock:
                first = location not in _down_until
                _down_until[location] = time.monotonic() + RETRY_SECONDS
            if first:
                logger.warning("Cache at %s unreachable (%s); serving without it", location, error)
            return self._fall_back(fallback)
        if location in _down_until:
            with _lock:
                back = _down_until.pop(location, None) is not None
            if back:
                logger.warning("Cache at %s reachable again", location)
        return result

    @staticmethod
    def _fall_back(fallback: Any) -> Any:
        if isinstance(fallback, BaseException):
            raise fallback
        return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(partial(super().add, key, value, timeout, version), False)

    def get(self, key, default=None, version=None):
        return self._attempt(partial(super().get, key, default, version), default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._attempt(partial(super().set, key, value, timeout, version), None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(partial(super().touch, key, timeout, version), False)

    def delete(self, key, version=None):
        return self._attempt(partial(super().delete, key, version), False)

    def get_many(self, keys, version=None):
        return self._attempt(partial(super().get_many, keys, version), {})

    def has_key(self, key, version=None):
        return self._attempt(partial(super().has_key, key, version), False)

    def incr(self, key, delta=1, version=None):
        missing = ValueError(f"Key '{key}' not found (cache unreachable).")
        return self._attempt(partial(super().incr, key, delta, version), missing)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Nothing was stored: every key failed, as Django's contract lists them.
        return self._attempt(partial(super().set_many, data, timeout, version), list(data))

    def delete_many(self, keys, version=None):
        self._attempt(partial(super().delete_many, keys, version), None)

    def clear(self):
        return self._attempt(super().clear, False)

    # Channels are named like keys (the prefix and version in), so two releases or two test
    # runs sharing one Redis never hear each other.
    def publish(self, channel: str, message: str) -> None:
        client = self._cache.get_client(write=True)
        self._attempt(partial(client.publish, self.make_key(channel), message), None)

    def subscribe(self, channel: str) -> redis.client.PubSub:
        """A subscription on a connection of its own, confirmed; raises if Redis is away."""
        pubsub = self._cache.get_client(write=True).pubsub()
        pubsub.subscribe(self.make_key(channel))
        if pubsub.get_message(timeout=1.0):
            return pubsub
        pubsub.close()
        raise redis.TimeoutError("no confirmation of the subscription")
