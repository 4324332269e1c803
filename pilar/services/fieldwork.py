"""TKSK field work: the monthly report (activities, PPKS found, photos), its submission and the
Dinsos acknowledgement, and the field case report that registers a person and opens a case through
the same PPKS services the Dinsos forms use (duplicate check included)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from kesos.accounts.models import Assignment, Role
from kesos.accounts.notifications import notify
from kesos.accounts.permissions import require
from kesos.audit import actions
from kesos.audit.services import audit_record
from kesos.core.uploads import check_upload
from kesos.core.versioning import save_versioned
from kesos.wilayah.models import Level, prefix_q

from ..choices import ActivityKind, MemberStatus, ReportStatus
from ..models import Member, MonthlyReport, ReportActivity, ReportFinding, ReportPhoto

REPORT_TEXT_FIELDS = ("psks_found", "obstacles", "recommendations")


def tksk_member_of(user) -> Member | None:
    """The user's own active TKSK record (linked to their account)."""
    return (
        Member.objects.filter(user=user, type__code="tksk", status=MemberStatus.AKTIF)
        .select_related("wilayah")
        .order_by("-id")
        .first()
    )


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


@transaction.atomic
def report_open(*, actor, month: datetime.date) -> MonthlyReport:
    """The TKSK's report for a month, created as a draft the first time."""
    require(actor, "pilar.write_reports")
    member = tksk_member_of(actor)
    if member is None:
        raise ValidationError({"__all__": "Akun Anda belum terhubung dengan data TKSK. Hubungi Dinas Sosial."})
    month = month_start(month)
    if month > month_start(timezone.localdate()):
        raise ValidationError({"month": "Laporan bulan yang akan datang belum dapat dibuat."})
    try:
        with transaction.atomic():
            report, created = MonthlyReport.objects.get_or_create(
                member=member, month=month, defaults={"wilayah": member.wilayah}
            )
    except IntegrityError:
        report, created = MonthlyReport.objects.get(member=member, month=month), False
    if created:
        audit_record(action=actions.CREATE, actor=actor, obj=report, wilayah_code=report.wilayah_id)
    return report


def _editable(actor, report: MonthlyReport) -> None:
    require(actor, "pilar.report", report)
    if not report.editable:
        raise ValidationError({"__all__": "Laporan ini sudah dikirim; tidak dapat diubah lagi."})


def _check_desa(report: MonthlyReport, desa, field="desa") -> None:
    if desa is None or desa.level != Level.DESA or not (desa.code.startswith(report.wilayah_id + ".")):
        raise ValidationError({field: "Pilih desa/kelurahan di kecamatan tugas Anda."})


@transaction.atomic
def activity_add(
    *, actor, report: MonthlyReport, day: datetime.date, desa, kind: str, description: str,
    people_reached: int | None = None,
) -> ReportActivity:  # fmt: skip
    _editable(actor, report)
    errors = {}
    if day is None or month_start(day) != report.month:
        errors["day"] = f"Tanggal harus di bulan {report.month:%m/%Y}."
    elif day > timezone.localdate():
        errors["day"] = "Tanggal tidak boleh di masa depan."
    if kind not in ActivityKind.values:
        errors["kind"] = "Pilih jenis kegiatan."
    if not (description or "").strip():
        errors["description"] = "Tuliskan uraian kegiatan."
    if errors:
        raise ValidationError(errors)
    _check_desa(report, desa)
    return ReportActivity.objects.create(
        report=report, day=day, desa=desa, kind=kind, description=description.strip(), people_reached=people_reached
    )


@transaction.atomic
def finding_set(*, actor, report: MonthlyReport, desa, category, count: int) -> ReportFinding | None:
    """How many PPKS of a category the TKSK identified in a desa this month (0 removes the line)."""
    _editable(actor, report)
    _check_desa(report, desa)
    if count is None or count < 0:
        raise ValidationError({"count": "Jumlah tidak boleh negatif."})
    if count == 0:
        ReportFinding.objects.filter(report=report, desa=desa, category=category).delete()
        return None
    finding, _ = ReportFinding.objects.update_or_create(
        report=report, desa=desa, category=category, defaults={"count": count}
    )
    return finding


@transaction.atomic
def report_update(*, actor, report: MonthlyReport, version: int, **changes) -> MonthlyReport:
    _editable(actor, report)
    save_versioned(report, version=version, changes={k: v for k, v in changes.items() if k in REPORT_TEXT_FIELDS})
    return report


@transaction.atomic
def photo_add(*, actor, report: MonthlyReport, upload, caption: str = "", latitude=None, longitude=None) -> ReportPhoto:
    """A photo of the month's work, with the position the phone's browser gave (optional)."""
    _editable(actor, report)
    checked = check_upload(upload)
    if checked.content_type == "application/pdf":
        raise ValidationError({"upload": "Unggah foto (JPG atau PNG)."})
    if (latitude is None) != (longitude is None):
        raise ValidationError({"latitude": "Lokasi tidak lengkap."})
    photo = ReportPhoto(
        report=report, stored_name=checked.stored_name, original_name=checked.original_name,
        content_type=checked.content_type, size=checked.size, caption=(caption or "").strip()[:200],
        latitude=latitude, longitude=longitude, uploaded_at=timezone.now(),
    )  # fmt: skip
    photo.file.save(photo.stored_name, checked.content, save=False)
    try:
        photo.save()
    except Exception:
        photo.file.delete(save=False)
        raise
    return photo


def _supervisors(report: MonthlyReport) -> list[int]:
    kabkota = report.wilayah_id[:5]
    return list(
        Assignment.objects.current()
        .filter(role=Role.OPERATOR_KABKOTA, user__is_active=True)
        .filter(prefix_q(kabkota, "wilayah__code"))
        .values_list("user_id", flat=True)
        .distinct()
    )


@transaction.atomic
def report_submit(*, actor, report: MonthlyReport) -> MonthlyReport:
    """Send the report to the Dinsos of the kab/kota; it can no longer be changed."""
    _editable(actor, report)
    if not report.activities.exists():
        raise ValidationError({"__all__": "Catat sedikitnya satu kegiatan sebelum mengirim laporan."})
    updated = MonthlyReport.objects.filter(pk=report.pk, status=ReportStatus.DRAF).update(
        status=ReportStatus.DIKIRIM, submitted_at=timezone.now(), updated_at=timezone.now()
    )
    if not updated:
        raise ValidationError({"__all__": "Laporan ini sudah dikirim."})
    report.refresh_from_db()
    audit_record(action=actions.PILAR_REPORT, actor=actor, obj=report, detail={"step": "submit"})
    notify(
        user_ids=_supervisors(report), key=f"laporan-tksk:{report.pk}:dikirim",
        title=f"Laporan TKSK {report.member.name} bulan {report.month:%m/%Y} masuk",
        url=reverse("pilar:report", kwargs={"pk": report.pk}),
    )  # fmt: skip
    return report


@transaction.atomic
def report_acknowledge(*, actor, report: MonthlyReport, accept: bool = True, note: str = "") -> MonthlyReport:
    """The supervising operator accepts the report, or returns it to the TKSK with a note."""
    require(actor, "pilar.acknowledge", report)
    if report.status != ReportStatus.DIKIRIM:
        raise ValidationError({"__all__": "Hanya laporan yang sudah dikirim yang dapat diterima atau dikembalikan."})
    note = (note or "").strip()[:300]
    if not accept and not note:
        raise ValidationError({"note": "Tuliskan apa yang perlu diperbaiki."})
    report.status = ReportStatus.DITERIMA if accept else ReportStatus.DRAF
    report.acknowledged_by, report.acknowledged_at = (actor, timezone.now()) if accept else (None, None)
    report.acknowledgement_note = note
    report.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "acknowledgement_note", "updated_at"])
    audit_record(
        action=actions.PILAR_REPORT, actor=actor, obj=report, detail={"step": "accept" if accept else "return"}
    )
    if report.member.user_id:
        stamp = f"{timezone.now():%Y%m%d%H%M%S}"
        notify(
            user_ids=[report.member.user_id], key=f"laporan-tksk:{report.pk}:{report.status}:{stamp}",
            title=f"Laporan bulan {report.month:%m/%Y} " + ("diterima Dinas Sosial" if accept else "dikembalikan"),
            body=note, url=reverse("pilar:report", kwargs={"pk": report.pk}),
        )  # fmt: skip
    return report


@transaction.atomic
def field_case_report(
    *, actor, person: dict, category, summary: str, confirm_not_duplicate: bool = False, sensitive_notes: str = ""
):
    """A TKSK in the field reports one person: the person is registered (NIK or near-duplicate name
    checks as on the Dinsos forms; an existing record in scope is reused) and a case is opened in
    the 'dilaporkan' stage, for the Dinsos to verify."""
    from ppks import services as ppks_services

    existing = person.pop("existing", None)
    if existing is None:
        existing = ppks_services.person_create(actor=actor, confirm_not_duplicate=confirm_not_duplicate, **person)
    case = ppks_services.case_open(
        actor=actor, person=existing, categories=[category], source="tksk", summary=summary,
        sensitive_notes=sensitive_notes,
    )  # fmt: skip
    return case
