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

And every request ends, `done` or `failed` with a reason in Indonesian, whatever fails:
- a publish that fails (broker down) leaves the row `queued` with `dispatch_error`; the user is told;
- every error of a run is caught: storage (missing, read-only, full) fails it with a reason, a database
  error is retried with backoff by the task and then fails it ("basis data tidak tersedia");
- the sweeper (`reports_sweep`, every minute on beat) sends again what waits with nothing running, and
  re-sends or fails runs that died (the advisory lock is free, or no progress for a long time).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import errno
import hashlib
import logging
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from kesos.accounts.models import Office, place_of
from kesos.accounts.permissions import require
from kesos.accounts.scope import scope_of
from kesos.audit import actions
from kesos.audit.services import audit_export, audit_record
from kesos.core.schedule import Periodic, run_once
from kesos.core.tasks import publish_now
from kesos.core.validators import validate_date_in_range
from kesos.wilayah.models import Wilayah

from . import writers
from .kinds import KINDS, MONTHLY
from .models import ReportRequest
from .recap import Params

log = logging.getLogger(__name__)

FAILURE = "Terjadi kesalahan saat membuat laporan. Coba minta lagi; bila berulang, hubungi admin."
STORAGE_FULL = (
    "Laporan tidak dapat disimpan: penyimpanan penuh. Hubungi admin untuk mengosongkan ruang, lalu minta lagi."
)
STORAGE_READ_ONLY = (
    "Laporan tidak dapat disimpan: penyimpanan tidak dapat ditulis (hanya-baca atau tanpa izin). "
    "Hubungi admin, lalu minta lagi."
)
STORAGE_MISSING = (
    "Laporan tidak dapat disimpan: folder penyimpanan laporan tidak ada atau bukan folder. "
    "Hubungi admin, lalu minta lagi."
)
STORAGE_OTHER = "Laporan tidak dapat disimpan: galat penyimpanan ({code}). Hubungi admin, lalu minta lagi."
DATABASE_DOWN = (
    "Laporan tidak dapat dibuat: basis data tidak tersedia (sudah dicoba {tries} kali). Coba minta lagi nanti; "
    "bila berulang, hubungi admin."
)
TIME_UP = (
    "Laporan tidak dapat dibuat: waktu pembuatan habis (lebih dari {minutes} menit). "
    "Persempit periode atau wilayahnya, lalu minta lagi."
)
STOPPED = (
    "Laporan tidak dapat dibuat: pembuatannya terhenti {times} kali sebelum selesai (pekerja latar belakang "
    "berhenti di tengah jalan). Coba minta lagi; bila berulang, hubungi admin."
)
GAVE_UP_WAITING = (
    "Laporan tidak dibuat: sudah {hours} jam menunggu di antrean tanpa diambil pekerja latar belakang. "
    "Silakan minta lagi; bila berulang, hubungi admin."
)
QUEUE_DOWN = "layanan antrean tidak dapat dihubungi"  # recorded on the row (dispatch_error); the page says more
DATABASE_ERRORS = (OperationalError, InterfaceError)  # the server gone or restarting: worth trying again
LOCK_SPACE = 7007  # first key of pg_advisory_lock(int, int): report requests
SWEEP_LOCK = 0  # second key for the sweeper itself (request ids start at 1)
UNSENT_GRACE = datetime.timedelta(seconds=30)  # a request's own publish runs right after its commit
UNFINISHED = (ReportRequest.Status.QUEUED, ReportRequest.Status.RUNNING)


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
    """Send the request to the worker once its row is committed (a failed send is recorded, never raised)."""
    transaction.on_commit(lambda: _publish(report))


def _publish(report: ReportRequest) -> bool:
    """Hand the task to the broker; record on the row when it was sent, or why it could not be.

    A broker that is down or frozen must not turn the committed request into an error page: the row
    stays `queued` with `dispatch_error`, the page says it waits for the queue, and the sweeper sends it
    when the broker answers again. Returns whether the task was sent.
    """
    from .tasks import generate_report

    now = timezone.now()
    if generate_report.app.conf.task_always_eager:
        # No broker (quick start): the task runs here and now and records its own outcome on the row.
        report.dispatched_at, report.dispatch_error = now, ""
        report.dispatches += 1
        _set(report.pk, dispatched_at=now, dispatches=models.F("dispatches") + 1, dispatch_error="")
        _run_here(report.pk)
        return True
    if publish_now(generate_report, args=[report.pk], queue=settings.KESOS_REPORT_QUEUE) is not None:
        report.dispatch_error = QUEUE_DOWN
        with contextlib.suppress(*DATABASE_ERRORS):  # the database down too: the row simply stays unsent
            _set(report.pk, dispatch_error=QUEUE_DOWN)
        return False
    report.dispatched_at, report.dispatch_error = now, ""
    report.dispatches += 1
    with contextlib.suppress(*DATABASE_ERRORS):  # sent but not noted: the sweeper sends it again (harmless)
        _set(report.pk, dispatched_at=now, dispatches=models.F("dispatches") + 1, dispatch_error="")
    return True


def _run_here(pk: int) -> None:
    """Run the task in this process, its retries at once (an eager task's retry raises instead of running)."""
    from celery.exceptions import Retry

    from .tasks import generate_report

    signature = generate_report.si(pk)
    for _ in range(settings.KESOS_REPORT_DB_RETRIES + 2):
        try:
            signature.apply(throw=True)
        except Retry as retry:
            signature = retry.sig
        except Exception:
            log.exception("Laporan %s gagal dibuat (dijalankan langsung)", pk)  # its row says so
            return
        else:
            return


@contextlib.contextmanager
def _exclusive(pk: int):
    """Hold the request's advisory lock (PostgreSQL) for the run; raise Busy when another run holds it."""
    if connection.vendor != "postgresql":
        yield
        return
    if not _try_lock(pk):
        raise Busy(pk)
    try:
        yield
    finally:
        _unlock(pk)


def _try_lock(key: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_SPACE, key])
        return cursor.fetchone()[0]


def _unlock(key: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_SPACE, key])


def _set(pk: int, **fields) -> None:
    ReportRequest.objects.filter(pk=pk).update(updated_at=timezone.now(), **fields)


def file_name(report: ReportRequest) -> str:
    return f"laporan-{report.pk}-{report.kind}-{report.region_id}.{report.format}"


def report_generate(*, pk: int) -> None:
    """Produce the request's file (the body of the Celery task). Safe to run again at any point.

    Every error ends the request `failed` with a reason, except a database error: that one is raised for
    the task to retry with backoff (kesos.reports.tasks.generate_report), since the row cannot be written
    while the database is away anyway.
    """
    with _exclusive(pk):
        report = ReportRequest.objects.select_related("region", "requested_by").filter(pk=pk).first()
        if report is None or report.finished:
            return  # deleted, or a redelivery of a request already finished
        if report.attempts >= settings.KESOS_REPORT_MAX_ATTEMPTS:  # each earlier run died before it ended
            _fail(pk, STOPPED.format(times=report.attempts))
            return
        _set(pk, status=ReportRequest.Status.RUNNING, progress=5, attempts=report.attempts + 1,
             started_at=timezone.now(), error="")  # fmt: skip
        part = None
        try:
            root = report_root()
            root.mkdir(parents=True, exist_ok=True)
            for stale in root.glob(f"laporan-{pk}-*.part"):  # left by a run that was killed
                stale.unlink(missing_ok=True)
            final = root / file_name(report)
            part = root / f"{final.name}.{uuid.uuid4().hex[:8]}.part"
            rows = _write(report, part)
            checksum, size = _digest(part)
            os.replace(part, final)  # atomic: the final name holds a complete file or nothing
        except DATABASE_ERRORS:
            _discard(part)
            raise  # retried by the task with backoff; the sweeper is the backstop
        except Exception as exc:
            _discard(part)
            if cause := _database_error_in(exc):  # wrapped by a library: still worth retrying
                raise cause from exc
            message, expected = _reason(exc)
            _fail(pk, message)
            if not expected:
                raise  # logged by the worker (and Sentry); the user sees FAILURE
            log.warning("Laporan %s gagal: %s (%r)", pk, message, exc)
            return
        now = timezone.now()
        _set(pk, status=ReportRequest.Status.DONE, progress=100, file=final.name, size=size, checksum=checksum,
             rows=rows, finished_at=now, error="",
             expires_at=now + datetime.timedelta(hours=settings.KESOS_REPORT_RETENTION_HOURS))  # fmt: skip


def _fail(pk: int, message: str) -> None:
    _set(pk, status=ReportRequest.Status.FAILED, progress=100, finished_at=timezone.now(), error=message)


def _discard(part: Path | None) -> None:
    if part is not None:
        with contextlib.suppress(OSError):  # the storage that failed may refuse this too
            part.unlink(missing_ok=True)


def _reason(exc: Exception) -> tuple[str, bool]:
    """The user's message for a run's error, and whether it is an expected one (not worth a traceback)."""
    from celery.exceptions import SoftTimeLimitExceeded

    if isinstance(exc, ValidationError | ValueError):
        return " ".join(getattr(exc, "messages", [str(exc)])), True
    if isinstance(exc, SoftTimeLimitExceeded):
        return TIME_UP.format(minutes=settings.KESOS_REPORT_TIME_LIMIT // 60), True
    code = _errno_of(exc)
    if code is not None:
        if code in (errno.ENOSPC, errno.EDQUOT):
            return STORAGE_FULL, True
        if code in (errno.EACCES, errno.EROFS, errno.EPERM):
            return STORAGE_READ_ONLY, True
        if code in (errno.ENOENT, errno.ENOTDIR):
            return STORAGE_MISSING, True
        return STORAGE_OTHER.format(code=errno.errorcode.get(code, code)), True
    return FAILURE, False


def _database_error_in(exc: BaseException | None) -> BaseException | None:
    for _ in range(5):
        if exc is None or isinstance(exc, DATABASE_ERRORS):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def _errno_of(exc: BaseException | None) -> int | None:
    """The errno of an OSError, also when a writer wrapped it (xlsxwriter raises FileCreateError from it)."""
    for _ in range(5):
        if exc is None:
            return None
        if isinstance(exc, OSError) and exc.errno is not None:
            return exc.errno
        exc = exc.__cause__ or exc.__context__
    return None


def report_give_up(*, pk: int, tries: int) -> None:
    """The task's last word after its database retries: fail the request, unless another run has it now.

    The database may still be away, so this may fail too; the sweeper then ends the request later.
    """
    try:
        with _exclusive(pk):
            ReportRequest.objects.filter(pk=pk, status__in=UNFINISHED).update(
                status=ReportRequest.Status.FAILED, progress=100, finished_at=timezone.now(),
                error=DATABASE_DOWN.format(tries=tries), updated_at=timezone.now(),
            )  # fmt: skip
    except Busy:
        pass
    except DATABASE_ERRORS as exc:
        log.warning("Laporan %s: basis data masih tidak tersedia (%s); diakhiri oleh penyapu", pk, exc)


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


@dataclasses.dataclass
class Sweep:
    """What one sweep did, by request id."""

    sent: list[int] = dataclasses.field(default_factory=list)  # queued, never handed to the broker: sent now
    resent: list[int] = dataclasses.field(default_factory=list)  # sent long ago, never started (message lost?)
    restarted: list[int] = dataclasses.field(default_factory=list)  # the run died: queued and sent again
    failed: list[int] = dataclasses.field(default_factory=list)  # ended with a reason
    unsent: list[int] = dataclasses.field(default_factory=list)  # the broker still refused: next sweep
    skipped: bool = False  # another sweep was running

    @property
    def changed(self) -> bool:
        return bool(self.sent or self.resent or self.restarted or self.failed or self.unsent)

    def __str__(self) -> str:
        if self.skipped:
            return "penyapu lain sedang berjalan; tidak ada yang dilakukan"
        return (
            f"dikirim {len(self.sent)}, dikirim ulang {len(self.resent)}, dijalankan ulang {len(self.restarted)}, "
            f"digagalkan {len(self.failed)}, belum terkirim {len(self.unsent)}"
        )


def reports_sweep(*, now: datetime.datetime | None = None) -> Sweep:
    """Make every unfinished request move (beat runs it every KESOS_REPORT_SWEEP_SECONDS; also
    `manage.py sweep_reports`).

    - `running` whose run is dead (PostgreSQL: its advisory lock is free, so no session runs it;
      elsewhere: no progress for KESOS_REPORT_STALLED_SECONDS): back to `queued` and sent again, or
      `failed` once KESOS_REPORT_MAX_ATTEMPTS runs have died;
    - `queued` never handed to the broker (the publish failed), or handed over more than
      KESOS_REPORT_RESEND_SECONDS ago and never started (Redis may lose its queue on a restart): sent
      again. Sending twice is safe: a run skips a finished request and waits for one that is running;
    - `queued` for more than KESOS_REPORT_GIVE_UP_HOURS: `failed` with a reason.
    One sweep at a time (an advisory lock on PostgreSQL); a sweep that finds the broker down stops sending.
    """
    now = now or timezone.now()
    result = Sweep()
    if connection.vendor == "postgresql" and not _try_lock(SWEEP_LOCK):
        result.skipped = True
        return result
    try:
        _sweep(now, result)
    finally:
        if connection.vendor == "postgresql":
            _unlock(SWEEP_LOCK)
    if result.changed:
        log.warning("Penyapu laporan: %s (ids: %s)", result, dataclasses.asdict(result))
    return result


@contextlib.contextmanager
def _held(pk: int):
    """The request's advisory lock if free (yields True), else False: someone is running it right now."""
    if connection.vendor != "postgresql":
        yield True
        return
    if not _try_lock(pk):
        yield False
        return
    try:
        yield True
    finally:
        _unlock(pk)


def _sweep(now: datetime.datetime, result: Sweep) -> None:
    status = ReportRequest.Status
    give_up = settings.KESOS_REPORT_GIVE_UP_HOURS
    if give_up:
        old = ReportRequest.objects.filter(status=status.QUEUED, created_at__lt=now - datetime.timedelta(hours=give_up))
        for pk in old.values_list("pk", flat=True):
            with _held(pk) as free:
                if free and ReportRequest.objects.filter(pk=pk, status=status.QUEUED).exists():
                    _fail(pk, GAVE_UP_WAITING.format(hours=give_up))
                    result.failed.append(pk)

    running = ReportRequest.objects.filter(status=status.RUNNING)
    if connection.vendor != "postgresql":  # no lock to ask: a run without progress for this long is dead
        running = running.filter(updated_at__lt=now - datetime.timedelta(seconds=settings.KESOS_REPORT_STALLED_SECONDS))
    for pk in running.values_list("pk", flat=True):
        with _held(pk) as free:
            report = ReportRequest.objects.filter(pk=pk, status=status.RUNNING).first() if free else None
            if report is None:
                continue  # alive (its lock is held), or finished meanwhile
            if report.attempts >= settings.KESOS_REPORT_MAX_ATTEMPTS:
                _fail(pk, STOPPED.format(times=report.attempts))
                result.failed.append(pk)
            else:
                _set(pk, status=status.QUEUED, progress=0)
                result.restarted.append(pk)

    never_sent = Q(dispatched_at__isnull=True) & (~Q(dispatch_error="") | Q(created_at__lt=now - UNSENT_GRACE))
    lost = Q(dispatched_at__lt=now - datetime.timedelta(seconds=settings.KESOS_REPORT_RESEND_SECONDS))
    due = ReportRequest.objects.filter(Q(pk__in=result.restarted) | never_sent | lost, status=status.QUEUED)
    broker_down = False
    for report in due.order_by("created_at", "pk"):
        if broker_down or not _publish(report):
            if broker_down:  # no use trying the others now: recorded, for the page and the next sweep
                _set(report.pk, dispatch_error=QUEUE_DOWN)
            broker_down = True
            result.unsent.append(report.pk)
            continue
        if report.pk in result.restarted:
            continue
        (result.sent if report.dispatches == 1 else result.resent).append(report.pk)


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
