"""The expiry watch: who is told, and when, that a Tanda Daftar, izin operasional or accreditation
is running out. Run daily from 06:00 by the Celery beat job `lks.tasks.notify_lks_expiry`."""

import datetime

from django.urls import reverse
from django.utils import timezone

from kesos.accounts.notifications import notify
from kesos.core.schedule import Periodic, run_once

from ..selectors import EXPIRY_DAYS, Expiry, expiries_of, expiring_lks, operators_of, supervisors_of

# A reminder at 90, 30 and 7 days before the end, and one once it has passed: not every day.
REMINDER_DAYS = (7, 30, EXPIRY_DAYS)
# Beat sends the job every few minutes and at its start; the day's run happens once, from 06:00.
DAILY_RUN = Periodic("lks-expiry", every="day", at=datetime.time(6, 0))


def reminder_stage(days_left: int) -> str:
    if days_left < 0:
        return "lewat"
    return str(min(d for d in REMINDER_DAYS if days_left <= d))


def _message(expiry: Expiry) -> tuple[str, str]:
    name = expiry.lks.name
    if expiry.expired:
        title = f"{expiry.what} {name} sudah habis masa berlakunya"
    else:
        title = f"{expiry.what} {name} berakhir dalam {expiry.days_left} hari"
    body = f"Nomor {expiry.number or '—'}, berlaku sampai {expiry.valid_until:%d-%m-%Y}."
    return title, body


def expiry_notify(*, today: datetime.date | None = None) -> int:
    """Tell the Dinsos supervisors and the LKS's own operators about every document expiring within
    90 days or expired. Idempotent: each reminder stage reaches each user once. Returns messages sent."""
    today = today or timezone.localdate()
    sent = 0
    for lks in expiring_lks(today=today).iterator(chunk_size=500):
        recipients = set(supervisors_of(lks, today)) | set(operators_of(lks, today))
        for expiry in expiries_of(lks, today):
            title, body = _message(expiry)
            sent += notify(
                user_ids=recipients,
                key=f"lks-kedaluwarsa:{expiry.kind}:{expiry.record_pk}:{reminder_stage(expiry.days_left)}",
                title=title,
                body=body,
                url=reverse("lks:lks", kwargs={"pk": lks.pk}),
            )
    return sent


def expiry_notify_daily(*, now: datetime.datetime | None = None) -> int | None:
    """The day's run of `expiry_notify`, once per day from 06:00 (kesos/core/schedule.py); None when the
    day's run is done. A run missed (beat down at 06:00) happens when beat is back, even the next night."""
    return run_once(DAILY_RUN, lambda _day: expiry_notify(), now=now)
