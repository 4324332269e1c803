"""Base models shared by every app, the worker heartbeat behind /healthz, and the record of periodic job runs."""

from django.db import models


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
