"""Base models shared by every app, and the worker heartbeat behind /healthz."""

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
