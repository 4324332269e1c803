"""Tanda Daftar and izin operasional (application → check → visit → issue or reject), accreditation,
board, staff, assistance and documents of an LKS. Every write is a service call."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kesos.accounts.permissions import can, require
from kesos.audit import actions
from kesos.audit.services import audit_record
from kesos.core.adapters import add_service_errors
from kesos.core.idempotency import idempotent_form
from kesos.core.uploads import serve_stored

from .. import selectors, services
from ..choices import APPLICATION_DOCUMENTS, DocumentKind, PermitKind, RegistrationStatus
from ..forms import (
    AccreditationForm,
    ApplicationForm,
    AssistanceForm,
    BoardMemberForm,
    CheckForm,
    DocumentForm,
    EndForm,
    IssueForm,
    RecordForm,
    RejectForm,
    StaffForm,
    VisitForm,
)


def _renamed(exc: ValidationError, **names) -> ValidationError:
    """A service's error on one field shown on the form's field of another name (upload → files)."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(field, field): errors for field, errors in exc.error_dict.items()})


def _lks_for(request, pk, rule):
    """The LKS of the URL, after the function-level check, then the action on that LKS."""
    require(request.user, rule)
    lks = selectors.lks_get(user=request.user, pk=pk)
    require(request.user, rule, lks)
    return lks


def _to_lks(lks, anchor=""):
    return redirect(reverse("lks:lks", kwargs={"pk": lks.pk}) + (f"#{anchor}" if anchor else ""))


def _form_page(request, lks, form, *, title, submit, intro="", multipart=False, back_anchor=""):
    context = {
        "lks": lks, "form": form, "title": title, "submit": submit, "intro": intro, "multipart": multipart,
        "back_url": reverse("lks:lks", kwargs={"pk": lks.pk}) + (f"#{back_anchor}" if back_anchor else ""),
    }  # fmt: skip
    return render(request, "lks/simple_form.html", context)


# --- Application ---------------------------------------------------------------------------------
@login_required
@idempotent_form
def registration_apply(request, pk):
    lks = _lks_for(request, pk, "lks.apply")
    kind = request.GET.get("jenis")
    initial = {"kind": kind if kind in PermitKind.values else PermitKind.TANDA_DAFTAR}
    form = ApplicationForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                registration = services.registration_apply(
                    actor=request.user, lks=lks, kind=data["kind"], documents=data["documents"], note=data["note"]
                )
                for upload in data["files"]:
                    services.document_upload(
                        actor=request.user, lks=lks, kind=DocumentKind.BERKAS_PENDAFTARAN, title="", upload=upload,
                        registration=registration,
                    )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, _renamed(exc, upload="files"))
        else:
            what = "Perpanjangan " if registration.renewal else "Permohonan "
            messages.success(
                request,
                f"{what}{registration.get_kind_display()} diajukan. Dinas Sosial akan memeriksa berkasnya, "
                "lalu menjadwalkan verifikasi lapangan.",
            )
            return redirect("lks:registration", pk=registration.pk)
    context = {"lks": lks, "form": form, "renewal": lks.tanda_daftar_id is not None}
    return render(request, "lks/registration_form.html", context)


def registration_context(request, registration, **bound_forms) -> dict:
    """The registration page; a step that failed validation passes its bound form in."""
    user = request.user
    files = list(selectors.registration_files(registration))
    submitted, checked = set(registration.documents), set(registration.checked_documents)
    checklist = [
        {"code": code, "label": label, "required": required, "submitted": code in submitted, "checked": code in checked}
        for code, label, required in APPLICATION_DOCUMENTS
    ]
    forms = {}
    if registration.is_open and can(user, "lks.verify", registration):
        if registration.status == RegistrationStatus.DIAJUKAN:
            forms["check_form"] = CheckForm(initial={"documents": registration.documents})
        elif registration.status == RegistrationStatus.BERKAS_LENGKAP:
            forms["visit_form"] = VisitForm(initial={"visit_on": timezone.localdate()})
        elif registration.status == RegistrationStatus.DIVERIFIKASI:
            forms["issue_form"] = IssueForm(user=user)
        forms["reject_form"] = RejectForm()
    forms.update(bound_forms)
    return {
        "registration": registration,
        "lks": registration.lks,
        "checklist": checklist,
        "application_files": [f for f in files if f.kind != DocumentKind.FOTO_VERIFIKASI],
        "photos": [f for f in files if f.kind == DocumentKind.FOTO_VERIFIKASI],
        "steps": _steps(registration),
        **forms,
    }


def _steps(registration) -> list[dict]:
    """The workflow as a row of steps: done, current, or still ahead."""
    order = [
        (RegistrationStatus.DIAJUKAN, "Diajukan"),
        (RegistrationStatus.BERKAS_LENGKAP, "Berkas lengkap"),
        (RegistrationStatus.DIVERIFIKASI, "Verifikasi lapangan"),
        (RegistrationStatus.TERBIT, "Terbit"),
    ]
    codes = [code for code, _ in order]
    reached = codes.index(registration.status) if registration.status in codes else None
    steps = []
    for i, (code, label) in enumerate(order):
        if registration.status == RegistrationStatus.DITOLAK:
            state = "ahead"
        elif i < reached or code == RegistrationStatus.TERBIT == registration.status:
            state = "done"
        else:
            state = "current" if i == reached else "ahead"
        steps.append({"label": label, "state": state})
    return steps


@login_required
@require_GET
def registration_detail(request, pk):
    require(request.user, "lks.view")
    registration = selectors.registration_get(user=request.user, pk=pk)
    return render(request, "lks/registration.html", registration_context(request, registration))


def _step(request, pk, form_name, form, call, success):
    """One Dinsos step on an application (POST). On an error the page comes back with the form and its input."""
    require(request.user, "lks.verify")
    registration = selectors.registration_get(user=request.user, pk=pk)
    if form.is_valid():
        try:
            with transaction.atomic():
                done = call(registration, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, _renamed(exc, upload="photos"))
            registration = selectors.registration_get(user=request.user, pk=pk)  # as stored, after the rollback
        else:
            messages.success(request, success(done))
            if done.status == RegistrationStatus.TERBIT:
                return redirect("lks:lks", pk=done.lks_id)
            return redirect("lks:registration", pk=done.pk)
    return render(request, "lks/registration.html", registration_context(request, registration, **{form_name: form}))


@login_required
@require_POST
def registration_check(request, pk):
    def call(registration, data):
        return services.registration_check(
            actor=request.user, registration=registration, documents=data["documents"], note=data["note"]
        )

    form = CheckForm(request.POST)
    return _step(request, pk, "check_form", form, call, lambda r: "Berkas lengkap. Jadwalkan verifikasi lapangan.")


@login_required
@require_POST
def registration_visit(request, pk):
    def call(registration, data):
        registration = services.registration_visit(
            actor=request.user, registration=registration, visit_on=data["visit_on"], officers=data["officers"],
            findings=data["findings"],
        )  # fmt: skip
        for photo in data["photos"]:
            services.document_upload(
                actor=request.user, lks=registration.lks, kind=DocumentKind.FOTO_VERIFIKASI, title="", upload=photo,
                registration=registration,
            )  # fmt: skip
        return registration

    form = VisitForm(request.POST, request.FILES)
    return _step(request, pk, "visit_form", form, call, lambda r: "Hasil verifikasi lapangan tercatat.")


@login_required
@require_POST
def registration_issue(request, pk):
    def call(registration, data):
        return services.registration_issue(actor=request.user, registration=registration, **data)

    def success(registration):
        return (
            f"{registration.get_kind_display()} nomor {registration.number} terbit, berlaku sampai "
            f"{registration.valid_until:%d-%m-%Y}."
        )

    form = IssueForm(request.POST, user=request.user)
    return _step(request, pk, "issue_form", form, call, success)


@login_required
@require_POST
def registration_reject(request, pk):
    def call(registration, data):
        return services.registration_reject(actor=request.user, registration=registration, reason=data["reason"])

    form = RejectForm(request.POST)
    return _step(request, pk, "reject_form", form, call, lambda r: "Permohonan ditolak; alasannya terlihat oleh LKS.")


@login_required
@idempotent_form
def registration_record(request, pk):
    """Record a Tanda Daftar or izin operasional issued earlier or elsewhere (e.g. by the PTSP)."""
    kind = request.GET.get("jenis")
    initial = {"kind": kind} if kind in PermitKind.values else {}
    return _record(
        request, pk, rule="lks.verify", form=RecordForm(request.POST or None, user=request.user, initial=initial),
        call=services.registration_record, title="Catat surat yang sudah terbit", submit="Catat", anchor="surat",
        done=lambda r: f"{r.get_kind_display()} nomor {r.number} tercatat.",
        intro="Untuk Tanda Daftar atau izin operasional yang diterbitkan sebelum Kesos dipakai, atau oleh instansi "
        "lain (mis. izin operasional dari DPMPTSP). Permohonan baru melalui tombol Ajukan Tanda Daftar.",
    )  # fmt: skip


def _record(request, pk, *, rule, form, call, done, title, anchor, submit="Simpan", intro=""):
    """A form page that records one thing on the LKS through a service, then goes back to its section."""
    lks = _lks_for(request, pk, rule)
    if request.method == "POST" and form.is_valid():
        try:
            obj = call(actor=request.user, lks=lks, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done(obj))
            return _to_lks(lks, anchor)
    return _form_page(request, lks, form, title=title, submit=submit, intro=intro, back_anchor=anchor)


def _end(request, pk, *, get, call, done, anchor):
    """End a board member's term or a staff member's service (today, or the date sent)."""
    lks = _lks_for(request, pk, "lks.change")
    obj = get(user=request.user, lks=lks)
    form = EndForm(request.POST)
    try:
        call(actor=request.user, obj=obj, on=form.cleaned_data["on"] if form.is_valid() else None)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done(obj))
    return _to_lks(lks, anchor)


@login_required
@idempotent_form
def accreditation_add(request, pk):
    return _record(
        request, pk, rule="lks.verify", form=AccreditationForm(request.POST or None),
        call=services.accreditation_record, title="Catat hasil akreditasi", submit="Catat", anchor="akreditasi",
        done=lambda a: f"Akreditasi {a.grade} tercatat, berlaku sampai {a.valid_until:%d-%m-%Y}.",
    )  # fmt: skip


# --- Board, staff, assistance --------------------------------------------------------------------
@login_required
@idempotent_form
def board_member_add(request, pk):
    return _record(
        request, pk, rule="lks.change", form=BoardMemberForm(request.POST or None), call=services.board_member_add,
        title="Tambah pengurus", anchor="pengurus",
        done=lambda m: f"{m.name} tercatat sebagai {m.get_role_display().lower()}.",
    )  # fmt: skip


@login_required
@require_POST
def board_member_end(request, pk, member_pk):
    return _end(
        request, pk, get=lambda **kw: selectors.board_member_get(**kw, pk=member_pk),
        call=lambda obj, on, **kw: services.board_member_end(member=obj, term_end=on, **kw),
        done=lambda m: f"Masa bakti {m.name} diakhiri.", anchor="pengurus",
    )  # fmt: skip


@login_required
@idempotent_form
def staff_add(request, pk):
    return _record(
        request, pk, rule="lks.change", form=StaffForm(request.POST or None), call=services.staff_add,
        title="Tambah SDM", anchor="sdm", done=lambda s: f"{s.name} tercatat sebagai {s.get_kind_display().lower()}.",
    )  # fmt: skip


@login_required
@require_POST
def staff_end(request, pk, staff_pk):
    return _end(
        request, pk, get=lambda **kw: selectors.staff_get(**kw, pk=staff_pk),
        call=lambda obj, on, **kw: services.staff_end(staff=obj, ended_on=on, **kw),
        done=lambda s: f"{s.name} tercatat berhenti bertugas.", anchor="sdm",
    )  # fmt: skip


@login_required
@idempotent_form
def assistance_add(request, pk):
    return _record(
        request, pk, rule="lks.change", form=AssistanceForm(request.POST or None), call=services.assistance_add,
        title="Catat bantuan yang diterima", anchor="bantuan",
        done=lambda a: f"Bantuan {a.programme} {a.year} tercatat.",
    )  # fmt: skip


# --- Documents -----------------------------------------------------------------------------------
@login_required
@idempotent_form
def document_upload(request, pk):
    lks = _lks_for(request, pk, "lks.apply")
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_upload(actor=request.user, lks=lks, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Dokumen {document.title} tersimpan.")
            return _to_lks(lks, "dokumen")
    return _form_page(
        request, lks, form, title="Unggah dokumen", submit="Unggah", multipart=True, back_anchor="dokumen",
        intro="Laporan kegiatan tahunan, sertifikat/SK atau dokumen lain lembaga.",
    )  # fmt: skip


@login_required
@require_GET
def document_download(request, pk, document_pk):
    """A file of the LKS, to those who may see the LKS. Audited: application files carry board members' KTP."""
    require(request.user, "lks.view")
    lks = selectors.lks_get(user=request.user, pk=pk)
    document = selectors.document_get(user=request.user, lks=lks, pk=document_pk)
    response = serve_stored(document, missing="Berkas dokumen tidak ditemukan.")
    audit_record(action=actions.VIEW, actor=request.user, obj=lks, detail={"document": document.pk})
    return response
