"""Celery tasks of the LKS registry: they look things up and call a service."""

from celery import shared_task

from kesos.audit.middleware import history_context

from .services.expiry import expiry_notify


@shared_task(name="lks.tasks.notify_lks_expiry")
def notify_lks_expiry() -> int:
    """Daily (beat): remind operators of expiring Tanda Daftar, izin operasional and accreditations."""
    with history_context(task="notify_lks_expiry"):
        return expiry_notify()
