"""Tanda Daftar and izin operasional: application → document check → field verification → issued or
rejected; renewals are new applications. Accreditation results. Each step is one service."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kesos.accounts.permissions import require
from kesos.audit import actions
from kesos.audit.services import audit_record
from kesos.core.versioning import STALE_MESSAGE, StaleEdit

from ..choices import (
    DOCUMENT_LABELS,
    GRADE_YEARS,
    REQUIRED_DOCUMENTS,
    Grade,
    PermitKind,
    RegistrationStatus,
)
from ..models import Accreditation, Lks, Registration


def _audit(actor, registration: Registration, step: str, **detail) -> None:
    audit_record(
        action=actions.LKS_REGISTRATION, actor=actor, obj=registration.lks,
        detail={"registration": registration.pk, "kind": registration.kind, "step": step, **detail},
    )  # fmt: skip


def _advance(registration: Registration, expected: str, **fields) -> Registration:
    """Move the application on, if it is still at `expected` (two officers clicking at once: one wins)."""
    if registration.status != expected:
        raise ValidationError(
            {"__all__": f"Permohonan ini berstatus {registration.get_status_display()}; langkah ini tidak berlaku."}
        )
    updated = Registration.objects.filter(pk=registration.pk, status=expected, version=registration.version).update(
        **fields, version=registration.version + 1, updated_at=timezone.now()
    )
    if not updated:
        raise StaleEdit(STALE_MESSAGE)
    registration.refresh_from_db()
    return registration


def _known_documents(documents) -> list[str]:
    unknown = [d for d in documents if d not in DOCUMENT_LABELS]
    if unknown:
        raise ValidationError({"documents": f"Jenis berkas tidak dikenal: {', '.join(unknown)}."})
    return sorted(set(documents))


@transaction.atomic
def registration_apply(
    *, actor, lks: Lks, kind: str = PermitKind.TANDA_DAFTAR, documents=(), note: str = "",
    applied_on: datetime.date | None = None,
) -> Registration:  # fmt: skip
    """Open an application (new or renewal) with the list of files handed in."""
    require(actor, "lks.apply", lks)
    if kind not in PermitKind.values:
        raise ValidationError({"kind": "Jenis permohonan tidak dikenal."})
    renewal = Registration.objects.filter(lks=lks, kind=kind, status=RegistrationStatus.TERBIT).exists()
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                lks=lks, kind=kind, renewal=renewal, applied_on=applied_on or timezone.localdate(),
                applied_by=actor, documents=_known_documents(documents), application_note=note.strip(),
            )  # fmt: skip
    except IntegrityError as exc:
        raise ValidationError(
            {"kind": "LKS ini masih punya permohonan yang sedang diproses; selesaikan dahulu permohonan itu."}
        ) from exc
    _audit(actor, registration, "apply", renewal=renewal)
    return registration


@transaction.atomic
def registration_check(*, actor, registration: Registration, documents, note: str = "") -> Registration:
    """The Dinsos officer confirms which files are in order; all required ones must be."""
    require(actor, "lks.verify", registration)
    documents = _known_documents(documents)
    missing = [DOCUMENT_LABELS[d] for d in REQUIRED_DOCUMENTS if d not in documents]
    if missing and registration.kind == PermitKind.TANDA_DAFTAR:
        raise ValidationError(
            {"documents": "Berkas belum lengkap: " + "; ".join(missing) + ". Minta LKS melengkapinya, atau tolak."}
        )
    registration = _advance(
        registration, RegistrationStatus.DIAJUKAN, status=RegistrationStatus.BERKAS_LENGKAP,
        checked_documents=documents, checked_by=actor, checked_at=timezone.now(), check_note=note.strip(),
    )  # fmt: skip
    _audit(actor, registration, "check")
    return registration


@transaction.atomic
def registration_visit(
    *, actor, registration: Registration, visit_on: datetime.date, officers: str, findings: str
) -> Registration:
    """Record the field verification visit (photos are uploaded as documents of the registration)."""
    require(actor, "lks.verify", registration)
    errors = {}
    if visit_on is None:
        errors["visit_on"] = "Isi tanggal kunjungan verifikasi."
    elif visit_on > timezone.localdate():
        errors["visit_on"] = "Tanggal kunjungan tidak boleh di masa depan."
    elif visit_on < registration.applied_on:
        errors["visit_on"] = "Tanggal kunjungan tidak boleh sebelum tanggal permohonan."
    if not (officers or "").strip():
        errors["officers"] = "Tuliskan petugas yang melakukan verifikasi."
    if not (findings or "").strip():
        errors["findings"] = "Tuliskan temuan verifikasi lapangan."
    if errors:
        raise ValidationError(errors)
    registration = _advance(
        registration, RegistrationStatus.BERKAS_LENGKAP, status=RegistrationStatus.DIVERIFIKASI,
        visit_on=visit_on, visit_officers=officers.strip(), visit_findings=findings.strip(), visit_recorded_by=actor,
    )  # fmt: skip
    _audit(actor, registration, "visit")
    return registration


def _check_validity(number, issuer, issued_on, valid_until) -> None:
    errors = {}
    if not (number or "").strip():
        errors["number"] = "Isi nomor surat."
    if not (issuer or "").strip():
        errors["issuer"] = "Isi instansi penerbit."
    if issued_on is None:
        errors["issued_on"] = "Isi tanggal terbit."
    if valid_until is None:
        errors["valid_until"] = "Isi masa berlaku."
    elif issued_on is not None and valid_until <= issued_on:
        errors["valid_until"] = "Masa berlaku harus sesudah tanggal terbit."
    if errors:
        raise ValidationError(errors)


def _point_to_latest(lks: Lks, kind: str) -> None:
    """The LKS's current document of `kind`: the issued one with the latest validity."""
    latest = (
        Registration.objects.filter(lks=lks, kind=kind, status=RegistrationStatus.TERBIT)
        .order_by("-valid_until", "-issued_on", "-id")
        .first()
    )
    field = "tanda_daftar" if kind == PermitKind.TANDA_DAFTAR else "izin_operasional"
    Lks.objects.filter(pk=lks.pk).update(**{field: latest})


@transaction.atomic
def registration_issue(
    *, actor, registration: Registration, number: str, issuer: str, issued_on: datetime.date,
    valid_until: datetime.date,
) -> Registration:  # fmt: skip
    """Issue the Tanda Daftar after a verification visit; it becomes the LKS's current one."""
    require(actor, "lks.verify", registration)
    _check_validity(number, issuer, issued_on, valid_until)
    registration = _advance(
        registration, RegistrationStatus.DIVERIFIKASI, status=RegistrationStatus.TERBIT, number=number.strip(),
        issuer=issuer.strip(), issued_on=issued_on, valid_until=valid_until, decided_by=actor,
        decided_at=timezone.now(),
    )  # fmt: skip
    _point_to_latest(registration.lks, registration.kind)
    _audit(actor, registration, "issue", number=registration.number, valid_until=valid_until.isoformat())
    return registration


@transaction.atomic
def registration_reject(*, actor, registration: Registration, reason: str) -> Registration:
    """Refuse an application at any step before issue, with the reason the LKS will read."""
    require(actor, "lks.verify", registration)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Tuliskan alasan penolakan."})
    if not registration.is_open:
        raise ValidationError({"reason": "Permohonan ini sudah diputuskan."})
    registration = _advance(
        registration, registration.status, status=RegistrationStatus.DITOLAK, rejection_reason=reason.strip(),
        decided_by=actor, decided_at=timezone.now(),
    )  # fmt: skip
    _audit(actor, registration, "reject")
    return registration


@transaction.atomic
def registration_record(
    *, actor, lks: Lks, kind: str, number: str, issuer: str, issued_on: datetime.date, valid_until: datetime.date
) -> Registration:
    """Record a document issued elsewhere or earlier (an izin operasional from the kab/kota PTSP, a
    Tanda Daftar from before Kesos), without the workflow."""
    require(actor, "lks.verify", lks)
    if kind not in PermitKind.values:
        raise ValidationError({"kind": "Jenis surat tidak dikenal."})
    _check_validity(number, issuer, issued_on, valid_until)
    now = timezone.now()
    registration = Registration.objects.create(
        lks=lks, kind=kind, status=RegistrationStatus.TERBIT, applied_on=issued_on, applied_by=actor,
        renewal=Registration.objects.filter(lks=lks, kind=kind, status=RegistrationStatus.TERBIT).exists(),
        number=number.strip(), issuer=issuer.strip(), issued_on=issued_on, valid_until=valid_until,
        decided_by=actor, decided_at=now, application_note="Dicatat dari surat yang sudah terbit.",
    )  # fmt: skip
    _point_to_latest(lks, kind)
    _audit(actor, registration, "record", number=registration.number, valid_until=valid_until.isoformat())
    return registration


def default_valid_until(grade: str, accredited_on: datetime.date) -> datetime.date:
    years = GRADE_YEARS[Grade(grade)]
    try:
        return accredited_on.replace(year=accredited_on.year + years)
    except ValueError:  # 29 February
        return accredited_on.replace(year=accredited_on.year + years, day=28)


@transaction.atomic
def accreditation_record(
    *, actor, lks: Lks, grade: str, certificate_number: str, accredited_on: datetime.date,
    valid_until: datetime.date | None = None, body: str = "", note: str = "",
) -> Accreditation:  # fmt: skip
    """Record an accreditation result; without a date, validity follows the grade (A 5, B 3, C 2 years)."""
    require(actor, "lks.verify", lks)
    errors = {}
    if grade not in Grade.values:
        errors["grade"] = "Pilih peringkat akreditasi A, B atau C."
    if not (certificate_number or "").strip():
        errors["certificate_number"] = "Isi nomor sertifikat akreditasi."
    if accredited_on is None:
        errors["accredited_on"] = "Isi tanggal akreditasi."
    elif accredited_on > timezone.localdate():
        errors["accredited_on"] = "Tanggal akreditasi tidak boleh di masa depan."
    if errors:
        raise ValidationError(errors)
    valid_until = valid_until or default_valid_until(grade, accredited_on)
    if valid_until <= accredited_on:
        raise ValidationError({"valid_until": "Masa berlaku harus sesudah tanggal akreditasi."})
    extra = {"body": body.strip()} if (body or "").strip() else {}
    accreditation = Accreditation.objects.create(
        lks=lks, grade=grade, certificate_number=certificate_number.strip(), accredited_on=accredited_on,
        valid_until=valid_until, note=(note or "").strip(), recorded_by=actor, **extra,
    )  # fmt: skip
    latest = Accreditation.objects.filter(lks=lks).order_by("-accredited_on", "-id").first()
    Lks.objects.filter(pk=lks.pk).update(accreditation=latest)
    audit_record(
        action=actions.LKS_ACCREDITATION, actor=actor, obj=lks,
        detail={"grade": grade, "certificate": accreditation.certificate_number, "until": valid_until.isoformat()},
    )  # fmt: skip
    return accreditation
