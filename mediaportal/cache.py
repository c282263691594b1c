"""Django's Redis cache, degrading when Redis cannot be reached.

The cache holds only what can be lost: rate-limit counters and the like.
With Redis down a request that only needs the cache must still answer, so
every operation that fails to reach Redis logs a warning and answers as an
empty cache would; ``add`` answers "added", so allauth's rate-limit lock is
taken and its limits let the request through (they fail open; the limits
that must hold, reset-code tries, are counted in the database instead)."""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


def _degraded(name: str, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(RedisCache, name)(self, *args, **kwargs)
        except UNREACHABLE as exc:
            logger.warning("cache %s skipped, Redis unreachable: %s", name, exc)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = name
    return method


class ResilientRedisCache(RedisCache):
    add = _degraded("add", True)
    get = _degraded("get", lambda key, default=None, version=None: default)
    set = _degraded("set", None)
    touch = _degraded("touch", False)
    delete = _degraded("delete", False)
    get_many = _degraded("get_many", dict)
    has_key = _degraded("has_key", False)
    incr = _degraded("incr", lambda key, delta=1, version=None: delta)
    set_many = _degraded("set_many", list)
    delete_many = _degraded("delete_many", None)
    clear = _degraded("clear", None)
