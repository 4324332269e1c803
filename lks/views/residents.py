"""Residents and clients of an LKS: the list with occupancy, placing a person, their details, their exit,
and the by-name export. Every page is by-name data about children, the elderly and people with
disabilities: the list, the detail page and the export are audited."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kesos.accounts.permissions import can, require
from kesos.audit import actions
from kesos.audit.services import audit_list_read, audit_record
from kesos.core.adapters import add_service_errors
from kesos.core.exports import stream_csv
from kesos.core.idempotency import idempotent_form
from kesos.core.masking import birth_for, nik_for
from kesos.core.pagination import page_of

from .. import selectors, services
from ..models import Placement
from ..resident_forms import PlacementEditForm, PlacementExitForm, PlacementForm

PAGE_SIZE = 25


def resident_nik(user, placement) -> str:
    """The resident's NIK, masked unless the user may see it in full (the LKS's operator, the Dinsos)."""
    return nik_for(user, placement, "person.nik")


def resident_birth(user, placement):
    """The resident's birth date for whoever sees the NIK in full, else only the age (kesos.core.masking)."""
    return birth_for(user, placement, "person.birth_date")


def _occupancy_text(lks) -> str:
    return f"Penghuni saat ini {services.occupancy(lks)}/{lks.capacity}"


@login_required
@require_GET
def resident_list(request, pk):
    require(request.user, "lks.view_residents")
    lks = selectors.lks_get(user=request.user, pk=pk)
    require(request.user, "lks.view_residents", lks)
    left = request.GET.get("keluar") == "1"
    page = page_of(selectors.resident_list(user=request.user, lks=lks, current=not left), request, PAGE_SIZE)
    rows = []
    for placement in page:
        placement.lks = lks  # every row is of this LKS: the access rules need no query to find it
        rows.append((placement, resident_nik(request.user, placement), resident_birth(request.user, placement)))
    audit_list_read(actor=request.user, rows=page, model=Placement)
    current = services.occupancy(lks)
    context = {
        "lks": lks,
        "page": page,
        "rows": rows,
        "left": left,
        "occupancy": current,
        "over_capacity": current > lks.capacity,
        "full": current >= lks.capacity,
        "may_place": can(request.user, "lks.place", lks),
        "may_export": can(request.user, "lks.export_residents", lks),
        "may_see_cases": can(request.user, "ppks.view_person"),
    }
    return render(request, "lks/resident_list.html", context)


@login_required
@idempotent_form
def placement_create(request, pk):
    require(request.user, "lks.place")
    lks = selectors.lks_get(user=request.user, pk=pk)
    require(request.user, "lks.place", lks)
    initial = {"case": request.GET.get("kasus", ""), "person": request.GET.get("orang") or None}
    form = PlacementForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            placement = services.placement_create(
                actor=request.user, lks=lks, person=data["person"], case=data["case"],
                admitted_on=data["admitted_on"], confirm_over_capacity=data["confirm_over_capacity"], **form.details(),
            )  # fmt: skip
        except services.OverCapacity as exc:
            form.show_capacity_confirmation()
            add_service_errors(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            current = services.occupancy(lks)
            text = f"{placement.person.name} ditempatkan di {lks.name}. Penghuni saat ini {current}/{lks.capacity}."
            if placement.residential and current > lks.capacity:
                messages.warning(request, f"{text} Penempatan ini melebihi kapasitas (sudah dikonfirmasi).")
            else:
                messages.success(request, text)
            return redirect("lks:resident_list", pk=lks.pk)
    context = {"lks": lks, "form": form, "occupancy": services.occupancy(lks)}
    return render(request, "lks/placement_form.html", context)


def _placement_page(request, placement, **forms):
    """The placement page, with the bound form that failed validation when there is one; audited."""
    audit_record(action=actions.VIEW, actor=request.user, obj=placement)
    user = request.user
    may_change = can(user, "lks.change_resident", placement)
    context = {
        "placement": placement,
        "lks": placement.lks,
        "nik": resident_nik(user, placement),
        "born": resident_birth(user, placement),
        "may_change": may_change,
        "may_see_ppks": can(user, "ppks.view_person"),
        "occupancy": services.occupancy(placement.lks),
    }
    if may_change:
        context["edit_form"] = forms.get("edit_form") or PlacementEditForm(placement=placement)
        if placement.exit_on is None:
            context["exit_form"] = forms.get("exit_form") or PlacementExitForm(placement=placement)
    return render(request, "lks/placement.html", context)


@login_required
def placement_detail(request, pk):
    require(request.user, "lks.view_residents")
    placement = selectors.placement_get(user=request.user, pk=pk)
    require(request.user, "lks.view_residents", placement)
    if request.method != "POST":
        return _placement_page(request, placement)
    require(request.user, "lks.change_resident", placement)
    form = PlacementEditForm(request.POST, placement=placement)
    if form.is_valid():
        try:
            services.placement_update(
                actor=request.user, placement=placement, version=form.cleaned_data["version"], **form.details()
            )
        except ValidationError as exc:  # StaleEdit too: its message shows, nothing is overwritten
            add_service_errors(form, exc)
        else:
            messages.success(request, "Data penghuni tersimpan.")
            return redirect("lks:placement", pk=placement.pk)
    return _placement_page(request, placement, edit_form=form)


@login_required
@require_POST
def placement_exit(request, pk):
    require(request.user, "lks.view_residents")
    placement = selectors.placement_get(user=request.user, pk=pk)
    require(request.user, "lks.change_resident", placement)
    form = PlacementExitForm(request.POST, placement=placement)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.placement_exit(
                actor=request.user, placement=placement, exit_on=data["exit_on"], reason=data["exit_reason"],
                note=data["exit_note"], version=data["version"],
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{placement.person.name} keluar dari {placement.lks.name} pada {data['exit_on']:%d-%m-%Y} "
                f"({placement.get_exit_reason_display()}). {_occupancy_text(placement.lks)}.",
            )
            return redirect("lks:resident_list", pk=placement.lks_id)
    return _placement_page(request, placement, exit_form=form)


@login_required
@require_GET
def resident_export(request, pk):
    """By-name CSV of the LKS's current residents; restricted and audited."""
    require(request.user, "lks.export_residents")
    lks = selectors.lks_get(user=request.user, pk=pk)
    require(request.user, "lks.export_residents", lks)
    qs = selectors.resident_list(user=request.user, lks=lks, current=True)
    count = qs.count()
    audit_record(
        action=actions.EXPORT, actor=request.user, object_repr=f"Penghuni {lks.name} ({count} baris)",
        wilayah_code=lks.wilayah_id, detail={"format": "csv", "lks": lks.pk, "rows": count, "current": True},
    )  # fmt: skip
    user = request.user

    def rows():
        for p in qs.iterator(chunk_size=2000):
            p.lks = lks
            person = p.person
            born = resident_birth(user, p)
            yield (
                p.pk,
                resident_nik(user, p),
                person.name,
                person.sex,
                born.date.strftime("%d/%m/%Y") if born.date else "",
                "" if born.age is None else born.age,
                person.wilayah_id,
                person.wilayah.name,
                p.admitted_on.strftime("%d/%m/%Y"),
                p.case.number if p.case else "",
                "Ya" if p.residential else "Tidak",
                p.programme,
                p.get_family_status_display() if p.family_status else "",
                p.guardian_name,
                p.guardian_phone,
                p.schooling,
            )

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return stream_csv(
        filename=f"kesos-penghuni-lks-{lks.pk}-{stamp}.csv",
        header=[
            "ID penempatan", "NIK", "Nama", "L/P", "Tanggal lahir", "Umur", "Kode wilayah asal", "Desa/kelurahan asal",
            "Tanggal masuk", "Nomor kasus", "Dalam panti", "Program/layanan", "Status keluarga", "Wali/keluarga",
            "HP wali/keluarga", "Sekolah/pendidikan",
        ],
        rows=rows(),
    )  # fmt: skip
