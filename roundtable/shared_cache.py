"""The cache that every process of the site shares: Redis, through Django's RedisCache.

Rate-limit counters (roundtable/throttling.py) and cached pages, feeds and API answers live there,
so a limit holds across gunicorn workers and app servers, and one process's page serves them all.

While Redis cannot be reached (restarting, a network blip), the site goes on without it: every
read is a miss and every write is dropped, each logged, so pages are made afresh instead of
failing with a 500. A counter that cannot be read is a missing key (`incr` raises ValueError, as
for a key that does not exist), which django-ratelimit turns into "not limited"
(RATELIMIT_FAIL_OPEN in roundtable/settings.py says why). `clear` is left to fail loudly: it is
no request's work, and the tests rely on it to start from an empty cache.
"""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def unreachable(operation, error):
    logger.warning(
        "The shared cache (Redis) is unreachable; %s goes without it: %s", operation, error
    )


class ForgivingRedisCache(RedisCache):
    """Django's RedisCache whose reads miss and writes are dropped while Redis is unreachable."""

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as error:
            unreachable("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError as error:
            unreachable("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except RedisError as error:
            unreachable("has_key", error)
            return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError as error:
            unreachable("add", error)
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError as error:
            unreachable("set", error)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except RedisError as error:
            unreachable("set_many", error)
            return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except RedisError as error:
            unreachable("touch", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as error:
            unreachable("delete", error)
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except RedisError as error:
            unreachable("delete_many", error)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            unreachable("incr", error)
            raise ValueError(f"Key {key!r} cannot be read: the cache is unreachable.") from error
