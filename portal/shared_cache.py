"""The cache that every process of the site shares: Redis, through Django's RedisCache.

Rate-limit counters (portal/throttling.py) and cached pages, feeds and API answers live there,
so a limit holds across gunicorn workers and app servers, and one process's page serves them all.

While Redis cannot be reached (restarting, a network blip), the site goes on without it: every
read is a miss and every write is dropped, so pages are made afresh instead of failing with a 500.
After a failure the process leaves Redis alone for RETRY_AFTER seconds (a setting of the cache in
CACHES), so that a Redis that does not answer costs a page one time-out, not one per cache call,
and the log one warning. A counter that cannot be read is a missing key (`incr` raises
ValueError, as for a key that does not exist), which django-ratelimit turns into "not limited"
(RATELIMIT_FAIL_OPEN in config/settings.py says why). `clear` is left to fail loudly: it is
no request's work, and the tests rely on it to start from an empty cache.
"""

import contextlib
import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class Unreachable(Exception):
    """Redis failed just now, or a moment ago."""


class ForgivingRedisCache(RedisCache):
    """Django's RedisCache whose reads miss and writes are dropped while Redis is unreachable."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self.retry_after = float(params.get("RETRY_AFTER", 5))
        self.retry_at = 0.0

    def attempt(self, operation, *args):
        """super().operation(*args), or Unreachable while Redis is."""
        if time.monotonic() < self.retry_at:
            raise Unreachable
        try:
            return getattr(super(), operation)(*args)
        except RedisError as error:
            self.retry_at = time.monotonic() + self.retry_after
            logger.warning(
                "The shared cache (Redis) is unreachable; going without it for %s s: %s",
                self.retry_after,
                error,
            )
            raise Unreachable from error

    def get(self, key, default=None, version=None):
        try:
            return self.attempt("get", key, default, version)
        except Unreachable:
            return default

    def get_many(self, keys, version=None):
        try:
            return self.attempt("get_many", keys, version)
        except Unreachable:
            return {}

    def has_key(self, key, version=None):
        try:
            return self.attempt("has_key", key, version)
        except Unreachable:
            return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return self.attempt("add", key, value, timeout, version)
        except Unreachable:
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with contextlib.suppress(Unreachable):
            self.attempt("set", key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return self.attempt("set_many", data, timeout, version)
        except Unreachable:
            return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return self.attempt("touch", key, timeout, version)
        except Unreachable:
            return False

    def delete(self, key, version=None):
        try:
            return self.attempt("delete", key, version)
        except Unreachable:
            return False

    def delete_many(self, keys, version=None):
        with contextlib.suppress(Unreachable):
            self.attempt("delete_many", keys, version)

    def incr(self, key, delta=1, version=None):
        try:
            return self.attempt("incr", key, delta, version)
        except Unreachable as error:
            raise ValueError(f"Key {key!r} cannot be read: the cache is unreachable.") from error
