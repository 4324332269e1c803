"""Reads of the audit trail, scoped to the auditor's region, and the lookups the audit pages need."""

import datetime

from django.apps import apps
from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils import timezone

from kesos.accounts.models import Role
from kesos.accounts.permissions import can
from kesos.accounts.scope import scope_of

from .models import AuditEvent


def region_of(obj) -> str | None:
    """The region a record belongs to: its scope region, its own region, or its office's."""
    for attr in ("scope_region", "wilayah_id"):
        if getattr(obj, attr, None):
            return getattr(obj, attr)
    office = getattr(obj, "office", None)
    return office.wilayah_id if office is not None else None


def _auditor_covers(user, obj) -> bool:
    return scope_of(user).covers(region_of(obj), Role.AUDITOR)


def _day_bounds(dari, sampai):
    """Whole days in the office's time zone (the middleware activated it), as aware datetimes."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(dari, datetime.time.min, tzinfo=tz) if dari else None
    end = None
    if sampai:
        end = datetime.datetime.combine(sampai + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def _person_model():
    return apps.get_model("ppks", "Person")


def audit_person_by_nik(*, user, nik: str):
    """The person with this NIK if it lies in the auditor's region, else None (nothing leaks)."""
    person = _person_model().objects.filter(nik=nik).only("pk", "wilayah_id").first()
    return person if person is not None and _auditor_covers(user, person) else None


def subject_person_by_nik(*, user, nik: str):
    """The person a data-subject report is about, if the admin may report on them, else None."""
    person = _person_model().objects.filter(nik=nik).select_related("wilayah").first()
    return person if person is not None and can(user, "audit.subject_report", person) else None


def audit_event_list(*, user, filters: dict):
    events = AuditEvent.objects.visible_to(user).select_related("actor")
    if filters.get("pengguna"):
        events = events.filter(username=filters["pengguna"].strip())
    if filters.get("orang"):
        events = events.filter(subject_person_id=filters["orang"])
    if filters.get("jenis"):
        events = events.filter(object_type=filters["jenis"])
    if filters.get("id_data"):
        events = events.filter(object_id=filters["id_data"].strip())
    if filters.get("aksi"):
        events = events.filter(action=filters["aksi"])
    start, end = _day_bounds(filters.get("dari"), filters.get("sampai"))
    if start:
        events = events.filter(at__gte=start)
    if end:
        events = events.filter(at__lt=end)
    return events


def change_event_list(*, user, filters: dict):
    """pghistory events of one record or by one user, both checked against the auditor's region.

    Returns (events, record); raises 404 for a record or user outside the region.
    """
    from pghistory.models import Events

    events = Events.objects.all()
    record = None
    if filters.get("jenis") and filters.get("id_data"):
        model = apps.get_model(filters["jenis"])
        key = filters["id_data"].strip()
        record = model._default_manager.filter(pk=key).first() if key.isdigit() else None
        if record is None or not _auditor_covers(user, record):
            raise Http404("Data tidak ditemukan di wilayah Anda.")
        events = events.filter(pgh_obj_model=model._meta.label, pgh_obj_id=str(record.pk))
    if filters.get("pengguna"):
        actor = get_user_model().objects.filter(username=filters["pengguna"].strip()).select_related("office").first()
        if actor is None or not _auditor_covers(user, actor):
            raise Http404("Pengguna tidak ditemukan di wilayah Anda.")
        events = events.filter(pgh_context__user=actor.pk)
    start, end = _day_bounds(filters.get("dari"), filters.get("sampai"))
    if start:
        events = events.filter(pgh_created_at__gte=start)
    if end:
        events = events.filter(pgh_created_at__lt=end)
    return events.order_by("-pgh_created_at"), record


def usernames(ids) -> dict[int, str]:
    return dict(get_user_model().objects.filter(pk__in=[i for i in ids if i]).values_list("pk", "username"))
