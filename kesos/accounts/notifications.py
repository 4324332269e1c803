"""The in-app inbox: tell users about what needs them (an expiring Tanda Daftar, a change to verify).

Sending is idempotent per (user, key), so a daily job that runs twice tells nobody twice. The
unread count shown on every page is kept in the cache by whoever changes it (sending, reading,
opening the inbox), so the navigation bar costs no query; after a cache loss the badge is simply
absent until the next change. The cache is best-effort (kesos.core.cache): while Redis is out the
badge is absent and its updates are dropped, never failing the page or the write that sent the
message; when Redis comes back, the counts that may have missed an update are forgotten.
"""

from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from .models import Notification


def _cache_key(user_id: int) -> str:
    return f"kesos:notif-unread:{user_id}"


def notify(*, user_ids: Iterable[int], key: str, title: str, body: str = "", url: str = "") -> int:
    """Put one message in each user's inbox, unless they already have the one with this `key`.
    Returns how many messages were new."""
    user_ids = sorted(set(user_ids))
    if not user_ids:
        return 0
    existing = set(Notification.objects.filter(user_id__in=user_ids, key=key).values_list("user_id", flat=True))
    new = [
        Notification(user_id=uid, key=key, title=title[:200], body=body, url=url[:300])
        for uid in user_ids
        if uid not in existing
    ]
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    # robust: the messages are committed; a failure to count them must not fail the request.
    transaction.on_commit(lambda: _remember_unread([n.user_id for n in new]), robust=True)
    return len(new)


def _remember_unread(user_ids: list[int]) -> None:
    counts = dict.fromkeys(user_ids, 0)
    unread = Notification.objects.filter(user_id__in=user_ids, read_at__isnull=True)
    counts.update(unread.values_list("user_id").annotate(n=Count("id")).values_list("user_id", "n"))
    cache.set_many({_cache_key(uid): n for uid, n in counts.items()}, timeout=None)


def unread_count(user) -> int | None:
    """The cached unread count (None when unknown): read on every page, so it never queries."""
    return cache.get(_cache_key(user.pk)) if user.is_authenticated else None


def notification_list(*, user):
    """The user's inbox, newest first. Opening it refreshes the cached count."""
    _remember_unread([user.pk])
    return Notification.objects.filter(user=user)


def notifications_mark_read(*, actor) -> int:
    """Mark every unread message of the actor as read."""
    count = Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())
    cache.set(_cache_key(actor.pk), 0, timeout=None)
    return count


def forget_unread_counts(cache_backend) -> None:
    """After a cache outage: drop every cached count, since updates made meanwhile were lost; each
    badge comes back at its user's next change. Registered with kesos.core.cache.on_recovery."""
    client = cache_backend._cache.get_client(None, write=True)
    keys = list(client.scan_iter(match=cache_backend.make_key(_cache_key("*")), count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])
