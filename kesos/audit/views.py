"""The Auditor's pages (the trail of their region) and the Admin's data-subject report."""

import datetime

from django.apps import apps
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from kesos.accounts.models import Role
from kesos.accounts.permissions import can, require
from kesos.accounts.scope import scope_of

from . import actions
from .checks import SQLITE_WARNING, history_enabled
from .forms import AuditSearchForm, NikLookupForm, SubjectReportForm
from .models import AuditEvent
from .reports import subject_report_xlsx
from .services import audit_record

PAGE_SIZE = 50
SENSITIVE_KEYS = ("nik", "no_kk")


def region_of(obj) -> str | None:
    for attr in ("scope_region", "wilayah_id"):
        if getattr(obj, attr, None):
            return getattr(obj, attr)
    office = getattr(obj, "office", None)
    return office.wilayah_id if office is not None else None


def _auditor_covers(user, obj) -> bool:
    return scope_of(user).covers(region_of(obj), Role.AUDITOR)


def _day_bounds(data):
    tz = timezone.get_current_timezone()
    start = end = None
    if data.get("dari"):
        start = datetime.datetime.combine(data["dari"], datetime.time.min, tzinfo=tz)
    if data.get("sampai"):
        end = datetime.datetime.combine(data["sampai"] + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def _person_by_nik(user, nik):
    Person = apps.get_model("ppks", "Person")
    person = Person.objects.filter(nik=nik).only("pk", "wilayah_id").first()
    return person if person is not None and _auditor_covers(user, person) else None


@login_required
@require_http_methods(["GET", "POST"])
def event_list(request):
    require(request.user, "audit.view")
    lookup = NikLookupForm(request.POST or None)
    if request.method == "POST" and lookup.is_valid():
        person = _person_by_nik(request.user, lookup.cleaned_data["nik"])
        if person is not None:
            return redirect(f"{reverse('audit:event_list')}?orang={person.pk}")
        messages.warning(request, "Tidak ada orang dengan NIK itu di wilayah Anda.")
    form = AuditSearchForm(request.GET or None)
    events = AuditEvent.objects.visible_to(request.user).select_related("actor")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["pengguna"]:
            events = events.filter(username=data["pengguna"].strip())
        if data["orang"]:
            events = events.filter(subject_person_id=data["orang"])
        if data["jenis"]:
            events = events.filter(object_type=data["jenis"])
        if data["id_data"]:
            events = events.filter(object_id=data["id_data"].strip())
        if data["aksi"]:
            events = events.filter(action=data["aksi"])
        start, end = _day_bounds(data)
        if start:
            events = events.filter(at__gte=start)
        if end:
            events = events.filter(at__lt=end)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/event_list.html", {"form": form, "lookup": lookup, "page": page})


def _masked_changes(changes: dict) -> list[tuple[str, str]]:
    from kesos.core.masking import mask_number

    def show(key, value):
        if key in SENSITIVE_KEYS:
            if isinstance(value, list):
                return " → ".join(mask_number(v) or "—" for v in value)
            return mask_number(value)
        if isinstance(value, list) and len(value) == 2:
            return f"{value[0]} → {value[1]}"
        return str(value)

    return [(key, show(key, value)) for key, value in sorted(changes.items()) if key not in ("updated_at", "version")]


@login_required
def change_list(request):
    """Field-level change history (pghistory) of one record or one user's changes, in the auditor's region."""
    require(request.user, "audit.view")
    form = AuditSearchForm(request.GET or None)
    context = {"form": form, "history_enabled": history_enabled(), "sqlite_warning": SQLITE_WARNING, "page": None}
    if not (history_enabled() and form.is_bound and form.is_valid()):
        return render(request, "audit/change_list.html", context)
    data = form.cleaned_data
    if not ((data["jenis"] and data["id_data"]) or data["pengguna"]):
        context["hint"] = "Pilih jenis data dan ID-nya, atau nama pengguna, untuk melihat riwayat perubahan."
        return render(request, "audit/change_list.html", context)

    from pghistory.models import Events

    events = Events.objects.all()
    if data["jenis"] and data["id_data"]:
        model = apps.get_model(data["jenis"])
        obj = model._default_manager.filter(pk=data["id_data"]).first() if data["id_data"].isdigit() else None
        if obj is None or not _auditor_covers(request.user, obj):
            raise Http404("Data tidak ditemukan di wilayah Anda.")
        events = events.filter(pgh_obj_model=model._meta.label, pgh_obj_id=str(obj.pk))
        context["record"] = obj
    if data["pengguna"]:
        actor = get_user_model().objects.filter(username=data["pengguna"].strip()).select_related("office").first()
        if actor is None or not _auditor_covers(request.user, actor):
            raise Http404("Pengguna tidak ditemukan di wilayah Anda.")
        events = events.filter(pgh_context__user=actor.pk)
    start, end = _day_bounds(data)
    if start:
        events = events.filter(pgh_created_at__gte=start)
    if end:
        events = events.filter(pgh_created_at__lt=end)
    page = Paginator(events.order_by("-pgh_created_at"), PAGE_SIZE).get_page(request.GET.get("page"))
    user_ids = {(e.pgh_context or {}).get("user") for e in page}
    names = dict(get_user_model().objects.filter(pk__in=[i for i in user_ids if i]).values_list("pk", "username"))
    context["page"] = page
    context["rows"] = [
        {
            "event": e,
            "user": names.get((e.pgh_context or {}).get("user"), "sistem"),
            "ip": (e.pgh_context or {}).get("ip", ""),
            "changes": _masked_changes(e.pgh_diff if e.pgh_diff else e.pgh_data or {}),
        }
        for e in page
    ]
    return render(request, "audit/change_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def subject_report(request):
    """UU PDP Pasal 32: everything about one NIK and who accessed it, as XLSX. The request itself is audited."""
    require(request.user, "audit.subject_report")
    form = SubjectReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        Person = apps.get_model("ppks", "Person")
        person = Person.objects.filter(nik=form.cleaned_data["nik"]).select_related("wilayah").first()
        if person is None or not can(request.user, "audit.subject_report", person):
            form.add_error("nik", "Tidak ada data dengan NIK ini di wilayah Anda.")
        else:
            audit_record(action=actions.SUBJECT_REPORT, actor=request.user, obj=person, detail={"format": "xlsx"})
            content = subject_report_xlsx(person, requested_by=request.user)
            response = HttpResponse(
                content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            response["Content-Disposition"] = f'attachment; filename="laporan-subjek-{person.pk}-{stamp}.xlsx"'
            return response
    return render(request, "audit/subject_report.html", {"form": form})
