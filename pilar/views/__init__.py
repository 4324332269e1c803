"""Pages of the pillar roster (members, postings, trainings, awards, allowances) and the coverage page.

Events, attendance and selections are in `events`; TKSK field work in `fieldwork`.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from kesos.accounts.permissions import can, require
from kesos.accounts.scope import AGGREGATE_ROLES, SUPERVISOR_ROLES, scope_of
from kesos.audit import actions
from kesos.audit.searches import number_search_record, page_number_search_allowed
from kesos.audit.services import audit_export, audit_list_read, audit_record
from kesos.core.adapters import add_service_errors
from kesos.core.exports import stream_csv
from kesos.core.idempotency import idempotent_form
from kesos.core.masking import birth_for, nik_for
from kesos.core.pagination import page_of
from kesos.core.search import ADDRESS_MESSAGE, search_params, search_redirect
from kesos.wilayah.models import Level
from kesos.wilayah.selectors import allowed_province, wilayah_visible

from .. import selectors, services
from ..forms import (
    AllowanceForm,
    AwardForm,
    MemberForm,
    MemberSearchForm,
    PostingEndForm,
    PostingMoveForm,
    TrainingForm,
    TypeChoiceForm,
)
from ..models import Member
from ..roster_selectors import coverage_total

PAGE_SIZE = 25


# --- Shared helpers ------------------------------------------------------------------------------
def _kabkota(user) -> list:
    """The kab/kota of the user's province (every one for a user tied to none), for filters and labels."""
    return list(wilayah_visible(user=user).filter(level=Level.KABKOTA).only("code", "name", "kind", "active"))


def _search(request, kabkota):
    params, dropped = search_params(request)  # a searched NIK comes from the session, never the address
    if dropped:
        messages.error(request, ADDRESS_MESSAGE)
    form = MemberSearchForm(
        params, kabkota=[w for w in kabkota if w.active], types=selectors.pilar_types(roster_only=True)
    )
    return form, form.filters()


def area_context(user, codes) -> dict[str, str]:
    """code → the regions above it people name with it ("Kecamatan Cempaka, Kota Banjarbaru"), one query."""
    wanted = {c[:8] for c in codes if len(c) > 8} | {c[:5] for c in codes if len(c) > 5}
    labels = {w.code: w.label for w in wilayah_visible(user=user).filter(code__in=wanted).only("code", "name", "kind")}
    out = {}
    for code in codes:
        above = [code[:8]] if len(code) > 8 else []
        above += [code[:5]] if len(code) > 5 else []
        out[code] = ", ".join(labels[c] for c in above if c in labels)
    return out


def _require_view_member(user) -> None:
    """The function-level check of a member's page: the Dinsos (`pilar.view_member`), or a serving TKSK,
    who may open their own record (the object check that follows decides)."""
    if not (can(user, "pilar.view_member") or can(user, "pilar.write_reports")):
        raise PermissionDenied("Anda tidak berwenang melakukan tindakan ini.")


def _member_for(request, pk, rule="pilar.manage"):
    """The member of the URL, after the function-level check, then the action on that member."""
    require(request.user, rule)
    member = selectors.member_get(user=request.user, pk=pk)
    require(request.user, rule, member)
    return member


def _to_member(member, anchor=""):
    return redirect(reverse("pilar:member", kwargs={"pk": member.pk}) + (f"#{anchor}" if anchor else ""))


def _form_page(request, member, form, *, title, submit, intro="", back_anchor="", wilayah_picker=False):
    context = {
        "form": form, "title": title, "submit": submit, "intro": intro, "subject": member.name,
        "crumbs": [("Pilar sosial", reverse("pilar:member_list")),
                   (member.name, reverse("pilar:member", kwargs={"pk": member.pk}))],
        "back_url": reverse("pilar:member", kwargs={"pk": member.pk}) + (f"#{back_anchor}" if back_anchor else ""),
        "wilayah_picker": wilayah_picker,
    }  # fmt: skip
    return render(request, "pilar/simple_form.html", context)


def current_posting(postings, today: datetime.date):
    """The posting in force today, from a member's postings (newest first)."""
    return next((p for p in postings if p.starts_on <= today and (p.ends_on is None or p.ends_on > today)), None)


# --- Roster, export ------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def member_list(request):
    require(request.user, "pilar.view")
    if request.method == "POST":
        return search_redirect(request)
    kabkota = _kabkota(request.user)
    form, filters = _search(request, kabkota)
    allowed = page_number_search_allowed(request, filters.get("q"))
    qs = selectors.member_list(user=request.user, **filters)
    page = page_of(qs if allowed else qs.none(), request, PAGE_SIZE)
    if allowed:
        number_search_record(
            actor=request.user, term=filters.get("q"), route="pilar:member_list", rows=page.paginator.count, found=page
        )
    members = list(page)
    audit_list_read(actor=request.user, rows=members, model=Member)  # the roster is by-name data too
    context_of = area_context(request.user, {m.wilayah_id for m in members})
    rows = [
        {
            "member": m,
            "area": context_of.get(m.wilayah_id, ""),
            "nik": nik_for(request.user, m),
        }
        for m in members
    ]
    context = {"form": form, "page": page, "rows": rows}
    return render(request, "pilar/member_list.html", context, status=200 if allowed else 429)


@login_required
@require_GET
def member_export(request):
    """CSV of the roster as filtered on the list, with full NIK and contacts (supervisors only). Audited."""
    require(request.user, "pilar.manage")
    kabkota = _kabkota(request.user)
    _, filters = _search(request, kabkota)
    if not page_number_search_allowed(request, filters.get("q")):
        return redirect("pilar:member_list")
    qs = selectors.member_list(user=request.user, **filters).order_by("wilayah_id", "type__order", "name", "id")
    count = qs.count()
    number_search_record(actor=request.user, term=filters.get("q"), route="pilar:member_export", rows=count)
    audit_export(
        actor=request.user, what="Daftar pilar sosial", count=count, filters=filters, roles=SUPERVISOR_ROLES,
        region=filters.get("wilayah", ""),
    )  # fmt: skip
    names = {w.code: w.name for w in kabkota}

    def date(value):
        return value.strftime("%d/%m/%Y") if value else ""

    def row(m):
        return (
            m.pk, m.type.abbreviation, m.name, m.nik, m.get_sex_display(), date(m.birth_date), m.phone, m.email,
            m.education, m.occupation, m.address, m.chair_name, "" if m.member_count is None else m.member_count,
            m.get_classification_display(), m.business_units, m.sk_number, date(m.sk_date),
            m.get_sk_issuer_display(), m.member_number, m.get_grade_display(), m.get_status_display(),
            date(m.active_from), date(m.active_until), names.get(m.wilayah_id[:5], ""), m.wilayah_id,
            m.wilayah.label,
        )  # fmt: skip

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return stream_csv(
        filename=f"kesos-pilar-{stamp}.csv",
        header=[
            "ID",
            "Jenis pilar",
            "Nama",
            "NIK",
            "Jenis kelamin",
            "Tanggal lahir",
            "Nomor HP",
            "Surel",
            "Pendidikan",
            "Pekerjaan",
            "Alamat",
            "Ketua",
            "Jumlah anggota",
            "Klasifikasi",
            "Unit usaha",
            "Nomor SK",
            "Tanggal SK",
            "Penerbit SK",
            "Nomor induk anggota",
            "Tingkatan",
            "Status",
            "Aktif sejak",
            "Aktif sampai",
            "Kabupaten/kota",
            "Kode wilayah tugas",
            "Wilayah tugas",
        ],  # fmt: skip
        rows=(row(m) for m in qs.iterator(chunk_size=1000)),
    )


# --- Profile -------------------------------------------------------------------------------------
@login_required
@require_GET
def member_detail(request, pk):
    _require_view_member(request.user)
    member = selectors.member_get(user=request.user, pk=pk)
    require(request.user, "pilar.view_member", member)
    audit_record(action=actions.VIEW, actor=request.user, obj=member)  # NIK and contacts
    parts = selectors.member_parts(member)
    today = timezone.localdate()
    may_manage = can(request.user, "pilar.manage", member)
    areas = area_context(request.user, {p.wilayah_id for p in parts["postings"]})
    for posting in parts["postings"]:
        posting.area = areas.get(posting.wilayah_id, "")
    context = {
        "member": member,
        **parts,
        "current": current_posting(parts["postings"], today),
        "nik": nik_for(request.user, member),
        "born": birth_for(request.user, member),
        "may_edit_member": may_manage,  # base.html's nav already uses `may_manage`
        "may_see_events": can(request.user, "pilar.event"),
        "today": today,
    }
    return render(request, "pilar/member.html", context)


@login_required
@idempotent_form
def member_create(request):
    require(request.user, "pilar.manage")
    code = request.POST.get("type") if request.method == "POST" else request.GET.get("jenis")
    pilar_type = selectors.pilar_types(roster_only=True).filter(code=code).first() if code else None
    if pilar_type is None:
        # Step one: the type, which decides the fields of the form.
        chooser = TypeChoiceForm({"jenis": code} if code is not None else None)
        if chooser.is_bound:
            chooser.is_valid()  # an unknown type: say so
        return render(request, "pilar/member_form.html", {"chooser": chooser})
    form = MemberForm(
        request.POST or None, actor=request.user, type=pilar_type, province=allowed_province(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_create(actor=request.user, type=form.cleaned_data["type"], **form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{member.type.abbreviation} {member.name} tercatat.")
            return _to_member(member)
    return render(request, "pilar/member_form.html", {"form": form, "pilar_type": pilar_type})


@login_required
def member_edit(request, pk):
    member = _member_for(request, pk)
    form = MemberForm(request.POST or None, instance=member, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(
                actor=request.user, member=member, version=form.cleaned_data["version"] or 0, **form.service_data()
            )
        except ValidationError as exc:  # StaleEdit included: shown above the form
            add_service_errors(form, exc)
        else:
            messages.success(request, "Perubahan tersimpan.")
            return _to_member(member)
    return render(request, "pilar/member_form.html", {"form": form, "member": member, "pilar_type": member.type})


# --- Postings ------------------------------------------------------------------------------------
@login_required
@idempotent_form
def posting_move(request, pk):
    member = _member_for(request, pk)
    form = PostingMoveForm(request.POST or None, type=member.type, province=allowed_province(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            posting = services.posting_move(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{member.name} dipindahtugaskan ke {posting.wilayah.label}.")
            return _to_member(member, "penugasan")
    return _form_page(
        request, member, form, title="Pindah tugas", submit="Simpan pindah tugas", back_anchor="penugasan",
        intro="Penugasan yang sekarang berakhir pada tanggal mulai penugasan baru.", wilayah_picker=True,
    )  # fmt: skip


@login_required
def posting_end(request, pk):
    member = _member_for(request, pk)
    form = PostingEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.posting_end(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Penugasan {member.name} diakhiri.")
            return _to_member(member, "penugasan")
    return _form_page(
        request, member, form, title="Akhiri penugasan", submit="Akhiri penugasan", back_anchor="penugasan",
        intro="Wilayah tugasnya tidak lagi tercakup mulai tanggal berakhir.",
    )  # fmt: skip


# --- Trainings, awards, allowances ---------------------------------------------------------------
def _add_part(request, pk, *, form_class, service, title, submit, anchor, done):
    member = _member_for(request, pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return _to_member(member, anchor)
    return _form_page(request, member, form, title=title, submit=submit, back_anchor=anchor)


@login_required
@idempotent_form
def training_add(request, pk):
    return _add_part(
        request, pk, form_class=TrainingForm, service=services.training_add, title="Catat pelatihan",
        submit="Simpan pelatihan", anchor="pelatihan", done="Pelatihan tercatat.",
    )  # fmt: skip


@login_required
@idempotent_form
def award_add(request, pk):
    return _add_part(
        request, pk, form_class=AwardForm, service=services.award_add, title="Catat penghargaan",
        submit="Simpan penghargaan", anchor="penghargaan", done="Penghargaan tercatat.",
    )  # fmt: skip


@login_required
@idempotent_form
def allowance_add(request, pk):
    return _add_part(
        request, pk, form_class=AllowanceForm, service=services.allowance_add, title="Catat tali asih",
        submit="Simpan tali asih", anchor="tali-asih", done="Pembayaran tali asih tercatat.",
    )  # fmt: skip


# --- Coverage ------------------------------------------------------------------------------------
@login_required
@require_GET
def coverage(request):
    """Kecamatan with an active TKSK and desa with Karang Taruna or PSM, per kab/kota of a province or per
    kecamatan of a kab/kota. Aggregates and region names only: the Pimpinan sees it too."""
    require(request.user, "pilar.coverage")
    region = selectors.coverage_region(user=request.user, code=request.GET.get("wilayah", "").strip())
    rows = selectors.coverage(within=region.code)
    total = coverage_total(region, rows)
    scope = scope_of(request.user)
    parent = region.code[:2] if region.level == Level.KABKOTA else ""
    parent = parent if parent and scope.covers(parent, *AGGREGATE_ROLES) else ""
    # The user's other regions (an office over two kab/kota), and the province above a kab/kota.
    others = [c for c in scope.regions_for(*AGGREGATE_ROLES) if c != region.code]
    labels = {}
    if others or parent:
        wanted = [*others, parent]
        labels = {w.code: w.label for w in wilayah_visible(user=request.user).filter(code__in=wanted)}
    context = {
        "region": region,
        "by_kabkota": region.level == Level.PROVINSI,
        "rows": rows,
        "total": total,
        "parent": (parent, labels.get(parent, parent)) if parent else None,
        "others": [(c, labels.get(c, c)) for c in others],
        "today": timezone.localdate(),
    }
    return render(request, "pilar/coverage.html", context)


__all__ = [
    "allowance_add",
    "award_add",
    "coverage",
    "member_create",
    "member_detail",
    "member_edit",
    "member_export",
    "member_list",
    "posting_end",
    "posting_move",
    "training_add",
]
