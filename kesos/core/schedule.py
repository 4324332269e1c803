"""Periodic jobs that do each period's work once, however many beat processes send them and however
long beat was down.

Beat only sends messages; whether a period's work is due and still to do is decided here, from the
database. Each such job has a due time (`Periodic`: daily at 06:00, monthly on the 1st at 01:00, in
TIME_ZONE) and beat sends it every few minutes and once when it starts (`send_all_at_start`, on
Celery's `beat_init`). Each run calls `run_once`, which claims the current period in `JobRun` (unique
per job and period) in the same transaction as the work:

- two beats (or a beat inside every worker) send the job twice: the second run finds the period
  claimed, or its advisory lock taken, and does nothing;
- a beat that was down at the due time, or starts with a fresh (or no) schedule file, sends the job
  at start: the period's run happens then, late but once;
- a run that fails rolls its claim back with its work, and the next send tries again.

So beat needs no persistent schedule (settings use Celery's in-memory scheduler) and no lock of its
own; running exactly one beat is still the plan, a second one is harmless.
"""

from __future__ import annotations

import datetime
import logging
import socket
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .models import JobRun

logger = logging.getLogger(__name__)
T = TypeVar("T")
LOCK_SPACE = 7008  # first key of pg_try_advisory_xact_lock(int, int): periodic jobs (7007: report requests)


@dataclass(frozen=True)
class Periodic:
    """A job due once per day or month from a local time of day (on the 1st, for a monthly job)."""

    job: str
    every: Literal["day", "month"]
    at: datetime.time

    def slot(self, now: datetime.datetime) -> datetime.date:
        """The first day of the latest period whose due time has passed at `now`.

        A monthly job due at 01:00 gives, at 00:59 on 1 January, 1 December (December's run, already
        due) and from 01:00 on, 1 January."""
        local = timezone.localtime(now) - datetime.timedelta(hours=self.at.hour, minutes=self.at.minute)
        day = local.date()
        return day.replace(day=1) if self.every == "month" else day


def run_once(
    periodic: Periodic, work: Callable[[datetime.date], T], *, now: datetime.datetime | None = None
) -> T | None:
    """Do `work(slot)` for the current period unless that period's run is done or under way elsewhere;
    returns what `work` returned, or None when it did not run. The claim commits with the work."""
    now = now or timezone.now()
    slot = periodic.slot(now)
    with transaction.atomic():
        if not _try_lock(periodic.job):
            logger.info("%s: another run holds the lock; skipped", periodic.job)
            return None
        try:
            with transaction.atomic():
                JobRun.objects.create(job=periodic.job, slot=slot, ran_at=now, hostname=socket.gethostname()[:200])
        except IntegrityError:
            return None  # this period's run is done (the usual case every few minutes)
        logger.info("%s: running the period of %s", periodic.job, slot)
        return work(slot)


def _try_lock(job: str) -> bool:
    """PostgreSQL: a transaction-level advisory lock per job, so a second run does not wait on the first
    one's uncommitted claim. SQLite (quick start, eager tasks) runs one thing at a time."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_SPACE, zlib.crc32(job.encode()) - 2**31])
        return cursor.fetchone()[0]


def send_all_at_start(sender, **kwargs) -> None:
    """`beat_init` handler: send every entry of the beat schedule once, now.

    A fresh scheduler would otherwise wait for each entry's next time (the 1st of next month for a
    monthly one). Every job is safe to run at any time: the periodic ones through `run_once`, the
    others (heartbeat, expiry of report files) by what they do."""
    scheduler = sender.scheduler
    for entry in list(scheduler.schedule.values()):
        try:
            scheduler.apply_async(entry, advance=False)
        except Exception:  # noqa: BLE001 - a broker down at start: the entry's next time sends it again
            logger.exception("beat start: could not send %s", entry.name)
        else:
            logger.info("beat start: sent %s", entry.name)
