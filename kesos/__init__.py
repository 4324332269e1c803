"""Kesos: case management for Indonesian social welfare offices (Dinas Sosial)."""

from .celery import app as celery_app

__all__ = ("celery_app",)
