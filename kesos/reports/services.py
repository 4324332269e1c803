"""Report requests: asking for one, producing its file (the Celery task's body), downloads and expiry.

A request's region must lie within the requester's scope for the kind's roles, so a kab/kota
operator can only produce their own kab/kota's recap. The file is produced once, whatever happens to
the worker:
- the task is acknowledged late and re-queued when a worker dies (settings CELERY_TASK_ACKS_LATE,
  CELERY_TASK_REJECT_ON_WORKER_LOST, CELERY_VISIBILITY_TIMEOUT);
- on PostgreSQL a session advisory lock per request keeps two deliveries from running it at the same
  time (the lock goes with the connection of a killed worker);
- the file is written under a temporary name and renamed into place in one step, so the final name
  only ever holds a complete file; a finished request is not run again.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from kesos.accounts.models import Office, place_of
from kesos.accounts.permissions import require
from kesos.accounts.scope import scope_of
from kesos.audit import actions
from kesos.audit.services import audit_export, audit_record
from kesos.core.schedule import Periodic, run_once
from kesos.core.validators import validate_date_in_range
from kesos.wilayah.models import Wilayah

from . import writers
from .kinds import KINDS, MONTHLY
from .models import ReportRequest
from .recap import Params

FAILURE = "Terjadi kesalahan saat membuat laporan. Coba minta lagi; bila berulang, hubungi admin."
LOCK_SPACE = 7007  # first key of pg_advisory_lock(int, int): report requests


class Busy(Exception):
    """Another delivery of the same request holds its lock; try again later."""


def report_root() -> Path:
    return Path(settings.KESOS_REPORT_ROOT)


@transaction.atomic
def report_request(*, actor, kind: str, fmt: str, params: Params) -> ReportRequest:
    """Queue a report for `actor`. Raises ValidationError (field → message) or PermissionDenied."""
    require(actor, "reports.request")
    spec = KINDS.get(kind)
    if spec is None:
        raise ValidationError({"kind": "Jenis laporan tidak dikenal."})
    scope = scope_of(actor)
    if not scope.has_role(*spec.roles):
        raise PermissionDenied("Anda tidak berwenang meminta laporan ini.")
    if fmt not in spec.formats:
        raise ValidationError({"format": f"{spec.label} tidak tersedia dalam format {fmt.upper()}."})
    region = Wilayah.objects.filter(code=params.region, level__lte=2).first()
    if region is None or not scope.covers(region.code, *spec.roles):
        raise ValidationError({"region": "Wilayah di luar cakupan Anda."})
    for need in spec.needs:
        if not getattr(params, need):
            raise ValidationError({need: "Wajib diisi untuk laporan ini."})
    # The period's end plus a day must still be a date (9999-12-31 would overflow in the recap).
    for name in ("date_from", "date_to"):
        try:
            validate_date_in_range(getattr(params, name))
        except ValidationError as exc:
            raise ValidationError({name: exc.messages}) from exc
    if params.event:
        _check_event(params)
    report = ReportRequest.objects.create(
        kind=kind, format=fmt, params=params.as_json(), region=region, requested_by=actor
    )
    audit_record(
        action=actions.REPORT_REQUEST, actor=actor, obj=report, wilayah_code=region.code,
        object_repr=f"{spec.label} ({fmt.upper()})", detail={"params": report.params},
    )  # fmt: skip
    _queue(report)
    return report


def _check_event(params: Params) -> None:
    """R6's event must be organised in the request's region (the builder's own check, asked up front);
    one outside it is "not found", as any record out of scope."""
    from .recaps.pilar import event_of

    try:
        event_of(params)
    except ValidationError:
        raise ValidationError({"event": "Kegiatan tidak ditemukan di wilayah ini."}) from None


def _queue(report: ReportRequest) -> None:
    from .tasks import generate_report

    transaction.on_commit(lambda: generate_report.apply_async(args=[report.pk], queue=settings.KESOS_REPORT_QUEUE))


@contextlib.contextmanager
def _exclusive(pk: int):
    """Hold the request's advisory lock (PostgreSQL) for the run; raise Busy when another run holds it."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_SPACE, pk])
        if not cursor.fetchone()[0]:
            raise Busy(pk)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_SPACE, pk])


def _set(pk: int, **fields) -> None:
    ReportRequest.objects.filter(pk=pk).update(updated_at=timezone.now(), **fields)


def file_name(report: ReportRequest) -> str:
    return f"laporan-{report.pk}-{report.kind}-{report.region_id}.{report.format}"


def report_generate(*, pk: int) -> None:
    """Produce the request's file (the body of the Celery task). Safe to run again at any point."""
    with _exclusive(pk):
        report = ReportRequest.objects.select_related("region", "requested_by").filter(pk=pk).first()
        if report is None or report.finished:
            return  # deleted, or a redelivery of a request already finished
        _set(pk, status=ReportRequest.Status.RUNNING, progress=5, attempts=report.attempts + 1,
             started_at=timezone.now(), error="")  # fmt: skip
        root = report_root()
        root.mkdir(parents=True, exist_ok=True)
        for stale in root.glob(f"laporan-{pk}-*.part"):  # left by a run that was killed
            stale.unlink(missing_ok=True)
        final = root / file_name(report)
        part = root / f"{final.name}.{uuid.uuid4().hex[:8]}.part"
        try:
            rows = _write(report, part)
        except Exception as exc:
            part.unlink(missing_ok=True)
            expected = isinstance(exc, ValidationError | ValueError)
            message = " ".join(getattr(exc, "messages", [str(exc)])) if expected else FAILURE
            _set(pk, status=ReportRequest.Status.FAILED, progress=100, finished_at=timezone.now(), error=message)
            if not expected:
                raise  # logged by the worker (and Sentry); the user sees FAILURE
            return
        checksum, size = _digest(part)
        os.replace(part, final)  # atomic: the final name holds a complete file or nothing
        now = timezone.now()
        _set(pk, status=ReportRequest.Status.DONE, progress=100, file=final.name, size=size, checksum=checksum,
             rows=rows, finished_at=now,
             expires_at=now + datetime.timedelta(hours=settings.KESOS_REPORT_RETENTION_HOURS))  # fmt: skip


def _write(report: ReportRequest, path: Path) -> int:
    spec = KINDS[report.kind]
    params = Params.from_json(report.params)
    recap = spec.build(params, user=report.requested_by)
    _set(report.pk, progress=50)
    total = recap.row_count or 0

    def progress(done: int) -> None:
        if total:
            _set(report.pk, progress=50 + int(45 * min(done, total) / total))

    letterhead, signature = _letter(report)
    return writers.write(recap, report.format, path, letterhead=letterhead, signature=signature, progress=progress)


def _letter(report: ReportRequest) -> tuple[list[str], dict]:
    """The letterhead and signature of the office whose region the report covers (else the requester's)."""
    office = Office.objects.filter(wilayah=report.region).first() or getattr(report.requested_by, "office", None)
    name = office.name if office else settings.KESOS_OFFICE_NAME
    letterhead = [name.upper(), *(office.address.splitlines() if office and office.address else [])]
    signature = {
        "place": office.signing_place if office else place_of(report.region),
        "date": timezone.localdate(),  # printed as a long date by the PDF writer
        "title": f"Kepala {name}",
        "name": office.head_name if office else "",
        "nip": office.head_nip if office else "",
    }
    return letterhead, signature


def _digest(path: Path) -> tuple[str, int]:
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest(), path.stat().st_size


def report_download(*, actor, report: ReportRequest) -> Path:
    """The finished file's path, after the checks; the download is audited (by-name lists as exports)."""
    spec = KINDS[report.kind]
    if report.status != ReportRequest.Status.DONE or not report.file:
        raise ValidationError("Berkas laporan belum tersedia atau sudah kedaluwarsa.")
    if not scope_of(actor).covers(report.region_id, *spec.roles):
        raise PermissionDenied("Anda tidak berwenang mengunduh laporan ini.")
    path = report_root() / report.file
    if spec.by_name:
        audit_export(
            actor=actor, what=spec.label, count=report.rows or 0, filters=report.params, roles=spec.roles,
            region=report.region_id, fmt=report.format,
        )  # fmt: skip
    else:
        audit_record(
            action=actions.REPORT_DOWNLOAD, actor=actor, obj=report, wilayah_code=report.region_id,
            object_repr=f"{spec.label} ({report.format.upper()})",
        )  # fmt: skip
    return path


def reports_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of finished requests past their expiry time; returns how many."""
    now = now or timezone.now()
    due = list(
        ReportRequest.objects.filter(status=ReportRequest.Status.DONE, expires_at__lte=now).values_list("pk", "file")
    )
    for _, name in due:
        if name:
            (report_root() / name).unlink(missing_ok=True)
    return ReportRequest.objects.filter(pk__in=[pk for pk, _ in due], status=ReportRequest.Status.DONE).update(
        status=ReportRequest.Status.EXPIRED, file="", updated_at=now
    )


# Beat sends the job every few minutes and at its start; the month's run happens once, from 01:00 on the 1st.
MONTHLY_RUN = Periodic("reports-monthly", every="month", at=datetime.time(1, 0))


def monthly_recaps_schedule(*, now: datetime.datetime | None = None) -> list[ReportRequest]:
    """The month just ended's recaps for the office's province, once per month: the first run from
    01:00 on the 1st makes them, later runs (another beat, a resend) add nothing (kesos/core/schedule.py).
    A recap already there for that month (the unique constraint) is not made again either."""
    return run_once(MONTHLY_RUN, _monthly_recaps, now=now) or []


def _monthly_recaps(month_start: datetime.date) -> list[ReportRequest]:
    month_end = month_start - datetime.timedelta(days=1)
    region = Wilayah.objects.get(code=settings.KESOS_PROVINCE_CODE)
    params = Params(region=region.code, year=month_end.year, month=month_end.month).as_json()
    made = []
    for kind, fmt in MONTHLY:
        try:
            with transaction.atomic():
                report = ReportRequest.objects.create(
                    kind=kind, format=fmt, params=params, region=region, scheduled=True, period=month_end.replace(day=1)
                )
        except IntegrityError:
            continue
        _queue(report)
        made.append(report)
    return made
