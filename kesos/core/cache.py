"""The Redis cache, best-effort: while Redis is down or frozen, reads miss and writes are dropped.

Nothing in Kesos needs the cache to be right, only fast: the unread badge, the rate-limit counters
(kesos.core.ratelimit) and the API throttles. So no cache call may fail a page. This is Django's own
RedisCache with:
- short socket timeouts (settings KESOS_CACHE_TIMEOUT, about a second) for connecting and reading,
  and no retries inside redis-py, so a frozen Redis costs one timeout, not minutes;
- every Redis error swallowed: a read returns the default, a write is dropped, `incr` behaves as for
  a missing key (ValueError, as Django documents);
- after a failure, Redis is not tried again for KESOS_CACHE_RETRY_SECONDS, so while it is frozen
  only one request per process and interval waits for the timeout;
- the outage logged once when it starts and once when it ends (kesos.core.outage), with callbacks
  run when it ends (the badge forgets counts that were not updated meanwhile).

Why not django-redis with IGNORE_EXCEPTIONS: it logs every swallowed error (or none), keeps trying
a frozen server on every call, and would replace a backend the tests and settings already use, for
about sixty lines of code here.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache.backends.redis import RedisCache

from . import outage

logger = logging.getLogger("kesos.outage")

_recovery_callbacks: list[Callable[[BestEffortRedisCache], None]] = []


def on_recovery(callback: Callable[[BestEffortRedisCache], None]) -> Callable:
    """Run `callback(cache)` whenever the cache works again after an outage in this process."""
    if callback not in _recovery_callbacks:
        _recovery_callbacks.append(callback)
    return callback


def _redis_errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.RedisError, OSError)


class _Skipped(Exception):
    """Redis failed a moment ago; not tried again yet."""


def _best_effort(default: Callable[..., object]):
    """Run the Redis call; on a Redis error (or within the retry interval) return `default(*args)`."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                if outage.cache.failed_within(self.retry_seconds):
                    raise _Skipped
                result = method(self, *args, **kwargs)
            except _Skipped:
                return default(*args, **kwargs)
            except self.redis_errors as exc:
                outage.cache.failed(exc)
                return default(*args, **kwargs)
            if outage.cache.down:
                self._recovered()
            return result

        return wrapper

    return decorate


def _none(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _get_default(key, default=None, version=None):
    return default


def _empty_dict(*args, **kwargs):
    return {}


def _all_failed(data, *args, **kwargs):
    return list(data)  # set_many: the keys that were not stored


def _missing(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found (cache unavailable).")


class BestEffortRedisCache(RedisCache):
    """Django's RedisCache that never raises a Redis error (see the module docstring)."""

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        timeout = float(getattr(settings, "KESOS_CACHE_TIMEOUT", 1.0))
        options.setdefault("socket_connect_timeout", timeout)
        options.setdefault("socket_timeout", timeout)
        self.retry_seconds = float(options.pop("retry_seconds", getattr(settings, "KESOS_CACHE_RETRY_SECONDS", 5.0)))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self.redis_errors = _redis_errors()

    def _recovered(self) -> None:
        was_down = outage.cache.down
        outage.cache.succeeded()
        if was_down and not outage.cache.down:
            for callback in _recovery_callbacks:
                try:
                    callback(self)
                except self.redis_errors as exc:  # failed again right away: the next recovery retries
                    outage.cache.failed(exc)
                    return

    get = _best_effort(_get_default)(RedisCache.get)
    get_many = _best_effort(_empty_dict)(RedisCache.get_many)
    has_key = _best_effort(_false)(RedisCache.has_key)
    add = _best_effort(_false)(RedisCache.add)
    set = _best_effort(_none)(RedisCache.set)
    set_many = _best_effort(_all_failed)(RedisCache.set_many)
    touch = _best_effort(_false)(RedisCache.touch)
    delete = _best_effort(_false)(RedisCache.delete)
    delete_many = _best_effort(_none)(RedisCache.delete_many)
    incr = _best_effort(_missing)(RedisCache.incr)
    clear = _best_effort(_false)(RedisCache.clear)

    @property
    def available(self) -> bool:
        """False while the cache is failing (rate limits then count in this process instead)."""
        return not outage.cache.failed_within(self.retry_seconds)
