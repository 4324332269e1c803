"""Scoped reads for the Reports page: whose requests a user sees, and what they may ask for."""

from __future__ import annotations

import dataclasses
import datetime

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.utils import formats, timezone

from kesos.accounts.scope import scope_of
from kesos.wilayah.models import Wilayah, prefix_q

from .kinds import KINDS, Kind
from .models import ReportRequest


def kinds_for(user) -> list[Kind]:
    scope = scope_of(user)
    return [kind for kind in KINDS.values() if scope.has_role(*kind.roles)]


def report_list(*, user):
    """The user's own requests, and the scheduled recaps of regions they may request that kind for."""
    return (
        ReportRequest.objects.visible_to(user).select_related("region", "requested_by").order_by("-created_at", "-id")
    )


def report_get(*, user, pk) -> ReportRequest:
    if not str(pk).isdigit():  # /laporan/abc/ from the API router: not an id, so not found
        raise Http404("Laporan tidak ditemukan.")
    report = report_list(user=user).filter(pk=pk).first()
    if report is None:
        raise Http404("Laporan tidak ditemukan.")
    return report


@dataclasses.dataclass(frozen=True)
class Reason:
    code: str  # antrean | pekerja | terhenti | dikirim_ulang | percobaan | belum_diketahui
    message: str


@dataclasses.dataclass(frozen=True)
class Wait:
    """Why an unfinished request has not ended yet, as far as we know, for the page and the API."""

    since: datetime.datetime  # queued: since it was asked for; running: since its last progress
    long: bool  # waited longer than KESOS_REPORT_SLOW_SECONDS
    reasons: list[Reason]


def _when(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "d-m-Y H.i")


def wait_of(report: ReportRequest, *, worker: tuple, now: datetime.datetime | None = None) -> Wait | None:
    """The wait of an unfinished request; `worker` is kesos.core.health.worker_heartbeat() (asked once a page)."""
    if report.finished:
        return None
    now = now or timezone.now()
    queued = report.status == ReportRequest.Status.QUEUED
    since = report.created_at if queued else report.updated_at
    long = (now - since).total_seconds() > settings.KESOS_REPORT_SLOW_SECONDS
    most = settings.KESOS_REPORT_MAX_ATTEMPTS
    reasons = []
    if queued and report.dispatch_error:
        reasons.append(Reason("antrean", "Layanan antrean tidak dapat dihubungi. Permintaan sudah tersimpan; laporan "
                                         "akan dibuat otomatis begitu layanan antrean pulih."))  # fmt: skip
    seen, stale = worker
    if stale:
        text = f"sejak {_when(seen)}" if seen else "sama sekali"
        reasons.append(Reason("pekerja", f"Tidak ada pekerja latar belakang yang menjawab ({text}); laporan dibuat "
                                         "begitu pekerja berjalan lagi."))  # fmt: skip
    if queued and report.attempts:
        reasons.append(Reason("terhenti", f"Pembuatan sebelumnya terhenti sebelum selesai; akan dijalankan lagi "
                                          f"(percobaan ke-{report.attempts + 1} dari {most})."))  # fmt: skip
    if not queued and report.attempts > 1:
        reasons.append(Reason("percobaan", f"Percobaan ke-{report.attempts} dari {most}; yang sebelumnya terhenti."))
    if report.dispatches > 1:
        reasons.append(Reason("dikirim_ulang", f"Dikirim ulang ke antrean {report.dispatches - 1} kali."))
    if long and not reasons:
        text = "Penyebabnya belum diketahui (antrean mungkin panjang). Permintaan diperiksa otomatis dan dikirim ulang."
        reasons.append(Reason("belum_diketahui", text))
    return Wait(since=since, long=long, reasons=reasons)


def with_waits(reports) -> list[ReportRequest]:
    """The reports, each with `.wait` (wait_of), asking for the worker's heartbeat once."""
    from kesos.core.health import worker_heartbeat

    reports = list(reports)
    worker = worker_heartbeat() if any(not r.finished for r in reports) else (None, False)
    now = timezone.now()
    for report in reports:
        report.wait = wait_of(report, worker=worker, now=now)
    return reports


def region_choices(user) -> list[Wilayah]:
    """The provinces and kab/kota a user may request recaps for: their regions and the kab/kota in them."""
    q = Q(pk__in=[])
    for kind in kinds_for(user):
        for code in scope_of(user).regions_for(*kind.roles):
            q |= prefix_q(code) if len(code) <= 2 else Q(code=code)
    return list(Wilayah.objects.filter(q, level__lte=2).order_by("code"))


def event_choices(user):
    """Events organised within the user's aggregate regions (for R6)."""
    from kesos.accounts.scope import AGGREGATE_ROLES
    from pilar.models import Event

    return Event.objects.filter(scope_of(user).region_q("wilayah__code", *AGGREGATE_ROLES)).order_by("-starts_on")[:200]
