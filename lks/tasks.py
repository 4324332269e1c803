"""Celery tasks of the LKS registry: they look things up and call a service."""

from celery import shared_task

from kesos.audit.middleware import history_context

from .services.expiry import expiry_notify_daily


@shared_task(name="lks.tasks.notify_lks_expiry")
def notify_lks_expiry() -> int:
    """Every few minutes and at beat start: once a day from 06:00, remind operators of expiring
    Tanda Daftar, izin operasional and accreditations. Returns the messages sent."""
    with history_context(task="notify_lks_expiry"):
        return expiry_notify_daily() or 0
