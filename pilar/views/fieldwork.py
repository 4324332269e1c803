"""TKSK field work, built for a phone on a poor connection: the monthly report (activities, PPKS
found, photos with the phone's location), its submission and the Dinsos acknowledgement, the
monthly recap of who submitted (R7), and the field case report for one person found in the field.
Every write is a service call (`pilar.services.fieldwork`)."""

import datetime
import io
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kesos.accounts.permissions import can, require
from kesos.accounts.scope import SUPERVISOR_ROLES, scope_of
from kesos.audit import actions
from kesos.audit.services import audit_record
from kesos.core.adapters import add_service_errors
from kesos.core.idempotency import idempotent_form
from kesos.core.pagination import page_of
from kesos.core.uploads import private_response, stored_file_response
from kesos.wilayah.models import Level
from kesos.wilayah.selectors import wilayah_visible
from ppks import selectors as ppks_selectors
from ppks.services import PossibleDuplicate

from .. import fieldwork_selectors, selectors
from ..choices import ReportStatus
from ..fieldwork_forms import (
    AcknowledgeForm,
    ActivityForm,
    FieldCaseForm,
    FindingForm,
    PhotoForm,
    ReportFilterForm,
    ReportTextForm,
    SubmissionFilterForm,
)
from ..services import fieldwork

PAGE_SIZE = 25
THUMBNAIL_PX = 240
THUMBNAIL_MAX_PIXELS = 40_000_000  # larger pictures are served as they are rather than decoded
WRITE_FORMS = ("activity_form", "finding_form", "photo_form", "text_form")


# --- Shared helpers ------------------------------------------------------------------------------------
def _require_fieldwork(user) -> None:
    """The function-level check of the report pages: a serving TKSK or a supervising Dinsos operator."""
    if not (can(user, "pilar.write_reports") or can(user, "pilar.acknowledge")):
        raise PermissionDenied("Anda tidak berwenang melakukan tindakan ini.")


def _viewable_report(request, pk):
    """The report of the URL (404 out of scope), which the user must own or supervise (403 otherwise)."""
    _require_fieldwork(request.user)
    report = selectors.report_get(user=request.user, pk=pk)
    if not (can(request.user, "pilar.report", report) or can(request.user, "pilar.acknowledge", report)):
        raise PermissionDenied("Anda tidak berwenang melihat laporan ini.")
    return report


def _own_report(request, pk):
    """For the TKSK's writes: function-level rule, then the report; the services check `pilar.report`."""
    require(request.user, "pilar.write_reports")
    return selectors.report_get(user=request.user, pk=pk)


def _to_report(report, anchor=""):
    return redirect(reverse("pilar:report", kwargs={"pk": report.pk}) + (f"#{anchor}" if anchor else ""))


def _errors_off_hidden_fields(form, exc: ValidationError) -> None:
    """A service error on a field the page does not show (latitude…) goes to the form's top."""
    if hasattr(exc, "error_dict"):
        shown = {f for f, field in form.fields.items() if not field.widget.is_hidden}
        exc = ValidationError({(f if f in shown else "__all__"): e for f, e in exc.error_dict.items()})
    add_service_errors(form, exc)


def _kabkota(user) -> list:
    """The kab/kota the user supervises (all of an Admin Provinsi's province), for the filters."""
    scope = scope_of(user)
    return [
        w
        for w in wilayah_visible(user=user).filter(level=Level.KABKOTA, active=True).only("code", "name")
        if scope.covers(w.code, *SUPERVISOR_ROLES)
    ]


def _parse_month(value: str | None) -> datetime.date:
    """`?bulan=YYYY-MM` as the first day of that month; this month when missing or malformed."""
    this_month = timezone.localdate().replace(day=1)
    match = re.fullmatch(r"(\d{4})-(\d{2})", value or "")
    try:
        month = datetime.date(int(match[1]), int(match[2]), 1) if match else this_month
    except ValueError:
        return this_month
    return month if month.year >= 2000 else this_month


def _shift_month(month: datetime.date, months: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


# --- The TKSK's own report -------------------------------------------------------------------------------
@login_required
@require_GET
def report_current(request):
    """The TKSK's report for this month, opened as a draft the first time."""
    require(request.user, "pilar.write_reports")
    try:
        report = fieldwork.report_open(actor=request.user, month=timezone.localdate())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("home")
    return redirect("pilar:report", pk=report.pk)


@login_required
@require_GET
def report_list(request):
    """A TKSK's own reports; for supervisors, the reports of their region, by month, status, kab/kota."""
    _require_fieldwork(request.user)
    supervisor = can(request.user, "pilar.acknowledge")
    kabkota = _kabkota(request.user) if supervisor else []
    form = ReportFilterForm(request.GET or None, kabkota=kabkota) if supervisor else None
    filters = form.filters() if form is not None else {}
    page = page_of(selectors.report_list(user=request.user, **filters), request, PAGE_SIZE)
    names = {w.code: w.name for w in kabkota}
    rows = [{"report": r, "kabkota": names.get(r.wilayah_id[:5], "")} for r in page]
    context = {"form": form, "page": page, "rows": rows, "supervisor": supervisor,
               "may_write": can(request.user, "pilar.write_reports")}  # fmt: skip
    return render(request, "pilar/report_list.html", context)


def _report_page(request, report, *, status=200, **bound):
    """The report with, for its TKSK while it is a draft, the forms to fill it; for its supervisors
    once submitted, the acknowledgement. A form that failed comes back bound, with its input."""
    user = request.user
    owner = can(user, "pilar.report", report)
    editable = owner and report.editable
    context = {"report": report, "owner": owner, "editable": editable, **selectors.report_parts(report)}
    if editable:
        desa = fieldwork_selectors.desa_of(report.wilayah_id)
        categories = ppks_selectors.ppks_categories()
        context.update(
            activity_form=bound.get("activity_form") or ActivityForm(desa=desa),
            finding_form=bound.get("finding_form") or FindingForm(desa=desa, categories=categories),
            photo_form=bound.get("photo_form") or PhotoForm(),
            text_form=bound.get("text_form") or ReportTextForm(report=report),
        )
    else:  # a write refused because the report is no longer a draft: say why at the top
        refused = [bound[name] for name in WRITE_FORMS if bound.get(name) is not None]
        context["action_errors"] = [m for form in refused for m in form.non_field_errors()] or (
            ["Laporan ini sudah dikirim; tidak dapat diubah lagi."] if refused else []
        )
    if report.status == ReportStatus.DIKIRIM and can(user, "pilar.acknowledge", report):
        context["ack_form"] = bound.get("ack_form") or AcknowledgeForm()
    context["submit_error"] = bound.get("submit_error")
    return render(request, "pilar/report.html", context, status=status)


@login_required
def report_detail(request, pk):
    """GET: the report. POST (its TKSK, while a draft): the text fields (PSKS found, obstacles, recommendations)."""
    report = _viewable_report(request, pk)
    if request.method != "POST":
        return _report_page(request, report)
    require(request.user, "pilar.report", report)
    form = ReportTextForm(request.POST, report=report)
    if form.is_valid():
        data = form.cleaned_data
        try:
            fieldwork.report_update(
                actor=request.user, report=report, version=data["version"], psks_found=data["psks_found"].strip(),
                obstacles=data["obstacles"].strip(), recommendations=data["recommendations"].strip(),
            )  # fmt: skip
        except ValidationError as exc:  # StaleEdit too: its message shows, nothing is overwritten
            add_service_errors(form, exc)
            report = selectors.report_get(user=request.user, pk=pk)
        else:
            messages.success(request, "Catatan laporan tersimpan.")
            return _to_report(report, "catatan")
    return _report_page(request, report, text_form=form)


@login_required
@require_POST
@idempotent_form
def activity_add(request, pk):
    report = _own_report(request, pk)
    form = ActivityForm(request.POST, desa=fieldwork_selectors.desa_of(report.wilayah_id))
    if form.is_valid():
        try:
            fieldwork.activity_add(actor=request.user, report=report, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Kegiatan dicatat.")
            return _to_report(report, "kegiatan")
    return _report_page(request, report, activity_form=form)


@login_required
@require_POST
def finding_set(request, pk):
    report = _own_report(request, pk)
    form = FindingForm(
        request.POST, desa=fieldwork_selectors.desa_of(report.wilayah_id), categories=ppks_selectors.ppks_categories()
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            finding = fieldwork.finding_set(
                actor=request.user, report=report, desa=data["desa"], category=data["category"], count=data["count"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            what = f"{data['category'].abbreviation} di {data['desa'].label}"
            messages.success(request, f"PPKS {what}: {finding.count} orang dicatat." if finding else f"{what} dihapus.")
            return _to_report(report, "temuan")
    return _report_page(request, report, finding_form=form)


@login_required
@require_POST
@idempotent_form
def photo_add(request, pk):
    report = _own_report(request, pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            fieldwork.photo_add(
                actor=request.user, report=report, upload=data["upload"], caption=data["caption"],
                latitude=data["latitude"], longitude=data["longitude"],
            )  # fmt: skip
        except ValidationError as exc:
            _errors_off_hidden_fields(form, exc)
        else:
            where = " dengan lokasi" if data["latitude"] is not None else ""
            messages.success(request, f"Foto tersimpan{where}.")
            return _to_report(report, "foto")
    return _report_page(request, report, photo_form=form)


@login_required
@require_POST
def report_submit(request, pk):
    report = _own_report(request, pk)
    try:
        fieldwork.report_submit(actor=request.user, report=report)
    except ValidationError as exc:
        return _report_page(request, report, submit_error=" ".join(exc.messages))
    messages.success(request, "Laporan terkirim ke Dinas Sosial. Anda akan diberi tahu bila sudah diterima.")
    return _to_report(report)


@login_required
@require_POST
def report_acknowledge(request, pk):
    require(request.user, "pilar.acknowledge")
    report = selectors.report_get(user=request.user, pk=pk)
    require(request.user, "pilar.acknowledge", report)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["accept"]
        try:
            fieldwork.report_acknowledge(
                actor=request.user, report=report, accept=accept, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            report = selectors.report_get(user=request.user, pk=pk)
        else:
            who = report.member.name
            messages.success(
                request,
                f"Laporan {who} diterima." if accept else f"Laporan {who} dikembalikan untuk diperbaiki.",
            )
            return _to_report(report)
    return _report_page(request, report, ack_form=form)


def _thumbnail(handle) -> bytes | None:
    """A small JPEG of a photo, for the report page on a slow connection; None when it cannot be made."""
    try:
        from PIL import Image, ImageOps

        with Image.open(handle) as image:
            if image.width * image.height > THUMBNAIL_MAX_PIXELS:
                return None
            image.draft("RGB", (THUMBNAIL_PX, THUMBNAIL_PX))
            small = ImageOps.exif_transpose(image)
            small.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
            out = io.BytesIO()
            small.convert("RGB").save(out, "JPEG", quality=70)
            return out.getvalue()
    except Exception:  # noqa: BLE001 - any undecodable picture: serve the original instead
        return None


@login_required
@require_GET
def photo_download(request, pk, photo_pk):
    """A photo of the report, to its TKSK and supervisors. `?kecil=1` gives a small preview."""
    report = _viewable_report(request, pk)
    photo = fieldwork_selectors.photo_get(report=report, pk=photo_pk)
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError:
        raise Http404("Berkas foto tidak ditemukan.") from None
    small = _thumbnail(handle) if request.GET.get("kecil") else None
    if small is not None:
        handle.close()
        response = HttpResponse(small, content_type="image/jpeg")
    else:
        handle.seek(0)
        if not request.GET.get("kecil"):
            audit_record(action=actions.VIEW, actor=request.user, obj=report, detail={"photo": photo.pk})
        return stored_file_response(handle, photo, as_attachment=bool(request.GET.get("unduh")))
    return private_response(response)


# --- R7: who submitted ------------------------------------------------------------------------------------
@login_required
@require_GET
def submissions(request):
    """R7 for a month: every TKSK of the region, whether their report came in, what it holds."""
    require(request.user, "pilar.acknowledge")
    month = _parse_month(request.GET.get("bulan"))
    kabkota = _kabkota(request.user)
    form = SubmissionFilterForm(request.GET or None, kabkota=kabkota, initial={"bulan": month})
    region = ""
    if "kabkota" in form.fields and form.is_bound and form.is_valid():
        region = form.cleaned_data.get("kabkota", "")
    rows = selectors.submissions(user=request.user, month=month, wilayah=region)
    context = {
        "form": form, "rows": rows, "month": month, "received": sum(1 for r in rows if r.received),
        "previous": _shift_month(month, -1), "next": _shift_month(month, 1),
        "is_current": month >= timezone.localdate().replace(day=1), "region": region,
    }  # fmt: skip
    return render(request, "pilar/submissions.html", context)


# --- The field case report --------------------------------------------------------------------------------
@login_required
@idempotent_form
def field_case(request):
    """One person found in the field: registered (with the PPKS duplicate check) and a case opened in
    the 'Dilaporkan' stage for the Dinsos to verify."""
    require(request.user, "ppks.add_person")
    require(request.user, "pilar.write_reports")
    user = request.user
    if request.method == "GET" and request.GET.get("kasus"):
        try:
            case = ppks_selectors.case_get(user=user, pk=request.GET["kasus"])
        except Http404:
            case = None
        if case is not None and case.reported_by_id == user.pk:
            return render(request, "pilar/field_case.html", {"case": case})
    form = FieldCaseForm(
        request.POST or None, desa=fieldwork_selectors.tksk_desa(user), categories=ppks_selectors.ppks_categories()
    )
    candidates = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)  # a copy: an error added to the form drops its field from cleaned_data
        person = {"existing": None}
        if data["existing"]:
            person["existing"] = fieldwork_selectors.person_in_scope(user=user, pk=data["existing"])
            if person["existing"] is None:
                form.add_error(None, "Data orang tersebut tidak ditemukan di wilayah Anda.")
        else:
            person = form.person_data()
        if not form.errors:
            try:
                case = fieldwork.field_case_report(
                    actor=user, person=person, category=data["category"], summary=data["summary"].strip(),
                    confirm_not_duplicate=data["confirm_not_duplicate"],
                    sensitive_notes=data["sensitive_notes"].strip(),
                )  # fmt: skip
            except PossibleDuplicate as exc:
                form.show_duplicate_confirmation()
                add_service_errors(form, exc)
                candidates = fieldwork_selectors.persons_in_scope(user=user, pks=[p.pk for p in exc.similar.visible])
            except ValidationError as exc:
                add_service_errors(form, exc)
                if data["nik"] and "nik" in getattr(exc, "error_dict", {}):
                    same = ppks_selectors.person_by_nik(user=user, nik=data["nik"])
                    candidates = [same] if same is not None else []
            else:
                return redirect(reverse("pilar:field_case") + f"?kasus={case.pk}")
    return render(request, "pilar/field_case.html", {"form": form, "candidates": candidates})
