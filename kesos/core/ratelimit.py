"""One per-user rate limit for the sensitive lookups (exact-NIK search, existence answers, API reads).

A fixed window counted in the shared cache (Redis in production, so every web process counts the
same hits; the local memory cache in the quick start). Each limit is a named `Limit` declared once
beside the code that uses it, with its rate overridable in settings (`KESOS_RATE_LIMITS`, from the
environment as `KESOS_RATE_<NAME>=30/min`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


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
    # add() creates the counter with its expiry; incr() is atomic on Redis and in local memory.
    cache.add(key, 0, timeout=limit.seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=limit.seconds + 1)
        count = 1
    if count > limit.count:
        raise RateLimited(limit, retry_after=limit.seconds - int(time.time()) % limit.seconds)


def exceeded(limit: Limit, *, user_key: str | int) -> int:
    """Without counting a hit: the seconds until `user_key` may go on when already past `limit`, else 0."""
    limit = limit.configured()
    if (cache.get(_key(limit, user_key)) or 0) <= limit.count:
        return 0
    return limit.seconds - int(time.time()) % limit.seconds


def _key(limit: Limit, user_key: str | int) -> str:
    window = int(time.time()) // limit.seconds
    return f"kesos:rl:{limit.name}:{user_key}:{window}"
