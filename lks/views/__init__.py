"""Pages of the LKS registry: the list, the profile, the expiry watch and the Dinsos queue.

The Tanda Daftar workflow, accreditation, board, staff, assistance and documents are in `registry`;
residents and placements in `residents`.
"""

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kesos.accounts.permissions import can, require
from kesos.accounts.scope import SUPERVISOR_ROLES
from kesos.audit.checks import history_enabled
from kesos.audit.selectors import usernames
from kesos.audit.services import audit_export
from kesos.core.adapters import add_service_errors
from kesos.core.exports import stream_csv
from kesos.core.idempotency import idempotent_form
from kesos.core.pagination import page_of
from kesos.wilayah.models import Level
from kesos.wilayah.selectors import allowed_province, wilayah_visible

from .. import selectors, services
from ..forms import ChangeDecisionForm, LksForm, LksSearchForm
from ..models import Lks

PAGE_SIZE = 25
HISTORY_SIZE = 30


# --- Shared helpers ------------------------------------------------------------------------------
def _kabkota(user) -> list:
    """The kab/kota of the user's province (every one for a user tied to none), for filters and labels."""
    return list(wilayah_visible(user=user).filter(level=Level.KABKOTA).only("code", "name", "active"))


@dataclass
class DocumentState:
    """How a document with a validity date stands today, as a badge."""

    state: str  # berlaku, segera, kedaluwarsa
    text: str

    @property
    def css(self) -> str:
        return {"berlaku": "text-bg-success", "segera": "text-bg-warning", "kedaluwarsa": "text-bg-danger"}[self.state]


def document_state(valid_until: datetime.date | None, today: datetime.date) -> DocumentState | None:
    if valid_until is None:
        return None
    days = (valid_until - today).days
    if days < 0:
        return DocumentState("kedaluwarsa", f"kedaluwarsa {-days} hari")
    if days <= selectors.EXPIRY_DAYS:
        return DocumentState("segera", f"berakhir dalam {days} hari")
    return DocumentState("berlaku", "berlaku")


def _search(request, kabkota):
    form = LksSearchForm(request.GET or None, kabkota=[w for w in kabkota if w.active], types=selectors.lks_types())
    return form, form.filters()


# --- List, export --------------------------------------------------------------------------------
@login_required
@require_GET
def lks_list(request):
    require(request.user, "lks.view")
    kabkota = _kabkota(request.user)
    form, filters = _search(request, kabkota)
    qs = selectors.occupancy_of(selectors.lks_list(user=request.user, **filters)).prefetch_related("types")
    # The occupancy aggregate drops the model's default ordering; pages need a stable one.
    page = page_of(qs.order_by("name", "id"), request, PAGE_SIZE)
    today = timezone.localdate()
    names = {w.code: w.name for w in kabkota}
    rows = [
        {
            "lks": lks,
            "kabkota": names.get(lks.wilayah_id[:5], lks.wilayah_id[:5]),
            "tanda_daftar": document_state(lks.tanda_daftar.valid_until, today) if lks.tanda_daftar else None,
            "accreditation": document_state(lks.accreditation.valid_until, today) if lks.accreditation else None,
        }
        for lks in page
    ]
    return render(request, "lks/lks_list.html", {"form": form, "page": page, "rows": rows})


@login_required
@require_GET
def lks_export(request):
    """CSV of the registry as filtered on the list: institutions only, no residents. Audited."""
    require(request.user, "lks.add")
    kabkota = _kabkota(request.user)
    _, filters = _search(request, kabkota)
    qs = (
        selectors.occupancy_of(selectors.lks_list(user=request.user, **filters))
        .select_related("izin_operasional")
        .prefetch_related("types")
        .order_by("wilayah_id", "name", "id")
    )
    count = qs.count()
    audit_export(
        actor=request.user, what="Daftar LKS", count=count, filters=filters, roles=SUPERVISOR_ROLES,
        region=filters.get("wilayah", ""),
    )  # fmt: skip
    names = {w.code: w.name for w in kabkota}

    def date(value):
        return value.strftime("%d/%m/%Y") if value else ""

    def row(lks):
        td, izin, acc = lks.tanda_daftar, lks.izin_operasional, lks.accreditation
        return (
            lks.pk, lks.name, ", ".join(t.abbreviation for t in lks.types.all()), lks.get_lingkup_display(),
            lks.get_service_mode_display(), names.get(lks.wilayah_id[:5], ""), lks.wilayah_id, lks.wilayah.name,
            lks.address, lks.phone, lks.email, lks.head_name, lks.get_legal_status_display(),
            lks.get_legal_form_display(), lks.deed_number, lks.sk_kemenkumham, lks.npwp,
            td.number if td else "", date(td.valid_until) if td else "",
            izin.number if izin else "", date(izin.valid_until) if izin else "",
            acc.grade if acc else "", date(acc.valid_until) if acc else "",
            lks.capacity, lks.occupancy, lks.get_status_display(),
        )  # fmt: skip

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return stream_csv(
        filename=f"kesos-lks-{stamp}.csv",
        header=[
            "ID",
            "Nama LKS",
            "Jenis layanan",
            "Lingkup",
            "Bentuk layanan",
            "Kabupaten/kota",
            "Kode wilayah",
            "Desa/kelurahan",
            "Alamat",
            "Telepon",
            "Surel",
            "Ketua/pimpinan",
            "Status hukum",
            "Bentuk badan hukum",
            "Nomor akta",
            "SK Kemenkumham",
            "NPWP",
            "Nomor Tanda Daftar",
            "Tanda Daftar berlaku s.d.",
            "Nomor izin operasional",
            "Izin operasional berlaku s.d.",
            "Akreditasi",
            "Akreditasi berlaku s.d.",
            "Kapasitas",
            "Penghuni saat ini",
            "Status",
        ],  # fmt: skip
        rows=(row(lks) for lks in qs.iterator(chunk_size=1000)),
    )


# --- Expiry watch, the Dinsos queue --------------------------------------------------------------
@login_required
@require_GET
def expiry_list(request):
    """Tanda Daftar, izin operasional and accreditations expiring within 90 days or expired: one row each."""
    require(request.user, "lks.view")
    today = timezone.localdate()
    page = page_of(selectors.expiring_lks(user=request.user, today=today), request, PAGE_SIZE)
    names = {w.code: w.name for w in _kabkota(request.user)}
    rows = [
        {"expiry": expiry, "kabkota": names.get(lks.wilayah_id[:5], lks.wilayah_id[:5]), "days_over": -expiry.days_left}
        for lks in page
        for expiry in selectors.expiries_of(lks, today)
    ]
    return render(request, "lks/expiry_list.html", {"page": page, "rows": rows, "today": today})


@login_required
@require_GET
def queue(request):
    """What waits for the Dinsos: applications at a step, and LKS operators' changes to verify."""
    require(request.user, "lks.verify")
    page = page_of(selectors.registration_queue(user=request.user), request, PAGE_SIZE)
    requests = [(cr, change_rows(cr)) for cr in selectors.pending_change_requests(user=request.user)]
    return render(request, "lks/queue.html", {"page": page, "change_requests": requests})


# --- Profile -------------------------------------------------------------------------------------
def _field_display(field_name: str, value) -> str:
    if value in (None, ""):
        return "—"
    field = Lks._meta.get_field(field_name)
    if field.choices:
        return str(dict(field.choices).get(value, value))
    if field.is_relation and field.name != "wilayah":
        return f"#{value}"  # the current Tanda Daftar, izin or accreditation now points at another record
    return str(value)


def change_rows(request) -> list[tuple[str, str, str]]:
    """A change request as (field, old, new) lines a person can read."""
    rows = []
    for name, change in sorted(request.changes.items()):
        try:
            label = str(Lks._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:  # a field removed since the request was made
            label = name
        rows.append((label[:1].upper() + label[1:], _field_display(name, change.get("old")),
                     _field_display(name, change.get("new"))))  # fmt: skip
    return rows


HISTORY_SKIP = {"id", "created_at", "updated_at", "version"}


def history_of(lks: Lks) -> list[dict]:
    """The LKS record's field changes from pghistory, newest first: two queries. Nothing on SQLite."""
    if not history_enabled():
        return []
    events = list(lks.events.select_related("pgh_context").order_by("-pgh_id")[: HISTORY_SIZE + 1])
    events.reverse()
    fields = [f for f in Lks._meta.concrete_fields if f.name not in HISTORY_SKIP]
    users = usernames({(e.pgh_context.metadata if e.pgh_context else {}).get("user") for e in events})
    entries, previous = [], None
    for event in events:
        if previous is None and event.pgh_label != "insert":
            previous = event  # the oldest shown is only the baseline of the next one
            continue
        changes = []
        if previous is not None:
            for f in fields:
                old, new = getattr(previous, f.attname), getattr(event, f.attname)
                if old != new:
                    label = str(f.verbose_name)
                    changes.append((label[:1].upper() + label[1:], _field_display(f.name, old),
                                    _field_display(f.name, new)))  # fmt: skip
        previous = event
        if event.pgh_label != "insert" and not changes:
            continue
        context = event.pgh_context.metadata if event.pgh_context else {}
        entries.append({
            "at": event.pgh_created_at, "created": event.pgh_label == "insert", "changes": changes,
            "user": users.get(context.get("user"), ""),
        })  # fmt: skip
    entries.reverse()
    return entries


def current_documents(lks: Lks, today: datetime.date) -> list[dict]:
    """The current Tanda Daftar, izin operasional and accreditation, each with its state badge."""
    expiries = {e.kind: e for e in selectors.expiries_of(lks, today)}
    rows = []
    for kind, label, document in (
        ("tanda_daftar", "Tanda Daftar", lks.tanda_daftar),
        ("izin_operasional", "Izin operasional", lks.izin_operasional),
        ("akreditasi", "Akreditasi", lks.accreditation),
    ):
        state = None
        if document is not None:
            expiry = expiries.get(kind)
            if expiry is None:
                state = DocumentState("berlaku", "berlaku")
            elif expiry.expired:
                state = DocumentState("kedaluwarsa", "kedaluwarsa")
            else:
                state = DocumentState("segera", f"berakhir dalam {expiry.days_left} hari")
        rows.append({"kind": kind, "label": label, "document": document, "state": state})
    return rows


@login_required
@require_GET
def lks_detail(request, pk):
    require(request.user, "lks.view")
    lks = selectors.lks_get(user=request.user, pk=pk)
    today = timezone.localdate()
    parts = selectors.lks_parts(lks)
    may_verify = can(request.user, "lks.verify", lks)
    parts["change_requests"] = [(cr, change_rows(cr)) for cr in parts["change_requests"]]
    context = {
        "lks": lks,
        **parts,
        "documents_now": current_documents(lks, today),
        "occupancy": services.occupancy(lks),
        "show_nik": may_verify,
        "history": history_of(lks),
        "history_enabled": history_enabled(),
        "today": today,
        "open_kinds": {r.kind for r in parts["registrations"] if r.is_open},
    }
    return render(request, "lks/lks.html", context)


@login_required
@idempotent_form
def lks_create(request):
    require(request.user, "lks.add")
    form = LksForm(request.POST or None, province=allowed_province(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            lks = services.lks_create(actor=request.user, types=list(data.pop("types")), **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{lks.name} tercatat. Langkah berikutnya: ajukan permohonan Tanda Daftar agar LKS ini terdaftar.",
            )
            return redirect("lks:lks", pk=lks.pk)
    return render(request, "lks/lks_form.html", {"form": form})


@login_required
def lks_edit(request, pk):
    require(request.user, "lks.view")
    lks = selectors.lks_get(user=request.user, pk=pk)
    require(request.user, "lks.change", lks)
    supervisor = can(request.user, "lks.verify", lks)
    form = LksForm(
        request.POST or None, instance=lks, province=allowed_province(request.user), may_set_status=supervisor,
        verified_later=not supervisor,
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            # The form wrote its values onto `lks`; the service compares against the stored record.
            change_request = services.lks_update(
                actor=request.user, lks=selectors.lks_get(user=request.user, pk=pk),
                version=form.cleaned_data["version"] or 0, types=list(data.pop("types")), **data,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if change_request is not None:
                messages.warning(
                    request,
                    "Perubahan data identitas/hukum/rekening menunggu verifikasi Dinas Sosial. "
                    "Perubahan lainnya sudah tersimpan.",
                )
            else:
                messages.success(request, "Perubahan tersimpan.")
            return redirect("lks:lks", pk=pk)
    return render(request, "lks/lks_form.html", {"form": form, "lks": lks})


@login_required
@require_POST
def change_request_decide(request, pk):
    require(request.user, "lks.verify")
    change_request = selectors.change_request_get(user=request.user, pk=pk)
    require(request.user, "lks.verify", change_request)
    form = ChangeDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Pilih setujui atau tolak.")
    else:
        approve = form.cleaned_data["approve"]
        try:
            services.change_request_decide(
                actor=request.user, request=change_request, approve=approve, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, "Usulan perubahan disetujui dan berlaku." if approve else "Usulan perubahan ditolak."
            )
    if request.POST.get("back") == "queue":
        return redirect("lks:queue")
    return redirect(reverse("lks:lks", kwargs={"pk": change_request.lks_id}) + "#usulan")


__all__ = [
    "change_request_decide",
    "expiry_list",
    "lks_create",
    "lks_detail",
    "lks_edit",
    "lks_export",
    "lks_list",
    "queue",
]
