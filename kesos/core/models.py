"""Base models shared by every app, the worker heartbeat behind /healthz, and the record of periodic job runs."""

from django.db import models
from django.utils import timezone


class TimeStampedModel(models.Model):
    """Creation and last-change times, in UTC like every datetime in Kesos."""

    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    updated_at = models.DateTimeField("diubah", auto_now=True)

    class Meta:
        abstract = True


class Heartbeat(models.Model):
    """The last time a Celery worker ran the heartbeat task; /healthz reports its age."""

    name = models.CharField("nama", max_length=50, primary_key=True)
    seen_at = models.DateTimeField("terakhir terlihat")
    hostname = models.CharField("host", max_length=200, blank=True)

    class Meta:
        verbose_name = "denyut worker"
        verbose_name_plural = "denyut worker"

    def __str__(self):
        return f"{self.name} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"


class IdempotencyKey(models.Model):
    """A create request already answered, by user and key (kesos.core.idempotency).

    The row is inserted in the same transaction as the record the request creates: a second request
    with the same key waits on the unique index until the first commits (then it answers what the
    first did) or rolls back (then it does the work itself). Rows live KESOS_IDEMPOTENCY_KEY_HOURS.
    """

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+", verbose_name="pengguna")
    # The client's `Idempotency-Key` (API, "api:" prefix) or a digest of the form's hidden key and its
    # content (pages, "form:" prefix).
    key = models.CharField("kunci", max_length=300)
    fingerprint = models.CharField("sidik permintaan", max_length=64, help_text="SHA-256 of method, path and body")
    created_at = models.DateTimeField("dibuat", default=timezone.now, db_index=True)
    # The first answer: a page's redirect (status, location) or the API's status and JSON body.
    status = models.PositiveSmallIntegerField("status jawaban", null=True, blank=True)
    location = models.CharField("alamat tujuan", max_length=2000, blank=True)
    body = models.JSONField("isi jawaban", null=True, blank=True)

    class Meta:
        verbose_name = "kunci idempotensi"
        verbose_name_plural = "kunci idempotensi"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")]

    def __str__(self):
        return f"{self.user_id}:{self.key}"


class JobRun(models.Model):
    """A periodic job's run for one period (kesos/core/schedule.py): written in the transaction that
    does the period's work, so the period's work is done once however often beat sends the job."""

    job = models.CharField("tugas", max_length=50)
    slot = models.DateField("periode")  # the first day of the period: the day, or the 1st of the month
    ran_at = models.DateTimeField("dijalankan")
    hostname = models.CharField("host", max_length=200, blank=True)

    class Meta:
        verbose_name = "jalannya tugas berkala"
        verbose_name_plural = "jalannya tugas berkala"
        ordering = ["-ran_at"]
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="job_run_once_per_period")]

    def __str__(self):
        return f"{self.job} {self.slot:%Y-%m-%d}"
