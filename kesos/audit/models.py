"""The audit trail: one append-only table of events (logins, denials, views, exports, changes).

Field-level change history of domain records lives in the pghistory event tables, written by
PostgreSQL triggers; this table records what the application did and who did it. On PostgreSQL a
trigger refuses UPDATE and DELETE on it, so the application cannot rewrite history.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone

from .actions import ACTIONS


class AuditEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Auditors read the events of their region (the record's region, or the actor's office region)."""
        from kesos.accounts.models import Role
        from kesos.accounts.scope import scope_of

        return self.filter(scope_of(user).region_q("wilayah_code", Role.AUDITOR))


class AuditEvent(models.Model):
    """One thing a user (or the system) did that the law or the office wants on record."""

    at = models.DateTimeField("waktu", default=timezone.now)
    # A code from the catalogue (kesos.audit.actions); no `choices`, so a new action needs no migration.
    action = models.CharField("aksi", max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="pengguna",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept as typed, also for failed logins with a username that does not exist.
    username = models.CharField("nama pengguna", max_length=150, blank=True)
    ip = models.GenericIPAddressField("alamat IP", null=True, blank=True)
    user_agent = models.CharField("peramban", max_length=300, blank=True)
    path = models.CharField("alamat halaman", max_length=500, blank=True)
    object_type = models.CharField("jenis data", max_length=60, blank=True)
    object_id = models.CharField("ID data", max_length=64, blank=True)
    object_repr = models.CharField("data", max_length=200, blank=True, help_text="NIK selalu tersamar.")
    # The beneficiary the event concerns, for "who accessed my data" (UU PDP Pasal 32).
    subject_person_id = models.BigIntegerField("ID orang", null=True, blank=True)
    # Region the event belongs to, so auditors see their own region's trail.
    # db_index gives PostgreSQL a varchar_pattern_ops index too, for the prefix filter.
    wilayah_code = models.CharField("kode wilayah", max_length=13, blank=True, db_index=True)
    detail = models.JSONField("rincian", default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "peristiwa audit"
        verbose_name_plural = "jejak audit"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["-at"], name="audit_at"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["subject_person_id", "-at"], name="audit_subject"),
        ]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_repr}"

    @property
    def action_label(self) -> str:
        return ACTIONS.get(self.action, self.action)
