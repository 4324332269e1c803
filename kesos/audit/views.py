"""The Auditor's pages (the trail of their region) and the Admin's data-subject report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from kesos.accounts.permissions import require
from kesos.core.pagination import page_of

from . import actions, selectors
from .checks import SQLITE_WARNING, history_enabled
from .forms import AuditSearchForm, NikLookupForm, SubjectReportForm
from .reports import subject_report_xlsx
from .sensitive import history_changes
from .services import audit_record

PAGE_SIZE = 50


@login_required
@require_http_methods(["GET", "POST"])
def event_list(request):
    require(request.user, "audit.view")
    lookup = NikLookupForm(request.POST or None)
    if request.method == "POST" and lookup.is_valid():
        person = selectors.audit_person_by_nik(user=request.user, nik=lookup.cleaned_data["nik"])
        if person is not None:
            return redirect(f"{reverse('audit:event_list')}?orang={person.pk}")
        messages.warning(request, "Tidak ada orang dengan NIK itu di wilayah Anda.")
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = selectors.audit_event_list(user=request.user, filters=filters)
    page = page_of(events, request, PAGE_SIZE)
    return render(request, "audit/event_list.html", {"form": form, "lookup": lookup, "page": page})


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

    events, context["record"] = selectors.change_event_list(user=request.user, filters=data)
    page = page_of(events, request, PAGE_SIZE)
    names = selectors.usernames({(e.pgh_context or {}).get("user") for e in page})
    context["page"] = page
    context["rows"] = [
        {
            "event": e,
            "user": names.get((e.pgh_context or {}).get("user"), "sistem"),
            "ip": (e.pgh_context or {}).get("ip", ""),
            "changes": history_changes(e.pgh_obj_model, e.pgh_diff if e.pgh_diff else e.pgh_data or {}),
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
        person = selectors.subject_person_by_nik(user=request.user, nik=form.cleaned_data["nik"])
        if person is None:
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
