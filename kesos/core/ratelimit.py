"""One per-user rate limit for the sensitive lookups (exact-NIK search, existence answers, API reads).

A fixed window counted in the shared cache (Redis in production, so every web process counts the
same hits; the local memory cache in the quick start). Each limit is a named `Limit` declared once
beside the code that uses it, with its rate overridable in settings (`KESOS_RATE_LIMITS`, from the
environment as `KESOS_RATE_<NAME>=30/min`).

While the shared cache is unavailable (Redis down or frozen: kesos.core.cache), the limits do not
fail closed, which would stop every exact-NIK search and registration check for as long as Redis
is out, nor open, which would let anyone probe at machine speed: they count in this process's
memory instead (`counter_store`), so each web process still enforces the limit on its own and every
search is still audited. The DRF throttles (kesos.core.api) count in the same store.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache

# Counters of this process, used while the shared cache is unavailable.
local_counters = LocMemCache("kesos-rate-limits", {"MAX_ENTRIES": 10000})


def counter_store():
    """The cache the counters live in: the shared one, or this process's while it is unavailable."""
    return cache if getattr(cache, "available", True) else local_counters


@dataclass(frozen=True)
class Limit:
    """At most `count` hits per `seconds` for one user under `name`."""

    name: str
    count: int
    seconds: int

    def configured(self) -> Limit:
        override = getattr(settings, "KESOS_RATE_LIMITS", {}).get(self.name)
        if not override:
            return self
        count, seconds = parse_rate(override) if isinstance(override, str) else override
        return Limit(self.name, int(count), int(seconds))


PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'30/min' → (30, 60): the notation of the API's rates (count per second, minute, hour or day)."""
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip()[:1]]


class RateLimited(Exception):
    """The user went over a limit; `retry_after` is the number of seconds until the window ends."""

    def __init__(self, limit: Limit, retry_after: int):
        self.limit = limit
        self.retry_after = retry_after
        super().__init__(f"Terlalu banyak permintaan. Coba lagi dalam {retry_after} detik.")


def hit(limit: Limit, *, user_key: str | int) -> None:
    """Count one hit of `user_key` against `limit`; raise `RateLimited` past the limit."""
    limit = limit.configured()
    key = _key(limit, user_key)
    store = counter_store()
    count = _count(store, key, limit)
    if store is cache and not getattr(cache, "available", True):  # the shared cache failed just now
        count = _count(local_counters, key, limit)
    if count > limit.count:
        raise RateLimited(limit, retry_after=limit.seconds - int(time.time()) % limit.seconds)


def _count(store, key: str, limit: Limit) -> int:
    # add() creates the counter with its expiry; incr() is atomic on Redis and in local memory.
    store.add(key, 0, timeout=limit.seconds + 1)
    try:
        return store.incr(key)
    except ValueError:  # expired between add() and incr(), or the shared cache failed
        store.set(key, 1, timeout=limit.seconds + 1)
        return 1


def exceeded(limit: Limit, *, user_key: str | int) -> int:
    """Without counting a hit: the seconds until `user_key` may go on when already past `limit`, else 0."""
    limit = limit.configured()
    if (counter_store().get(_key(limit, user_key)) or 0) <= limit.count:
        return 0
    return limit.seconds - int(time.time()) % limit.seconds


def _key(limit: Limit, user_key: str | int) -> str:
    window = int(time.time()) // limit.seconds
    return f"kesos:rl:{limit.name}:{user_key}:{window}"
