"""The Reports page: request a recap, watch it being made, download it, see past requests."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from kesos.accounts.permissions import require
from kesos.core.adapters import add_service_errors
from kesos.core.idempotency import idempotent_form
from kesos.core.pagination import page_of
from kesos.core.uploads import private_response

from . import selectors, services
from .forms import ReportForm
from .kinds import KINDS

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
}


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_form
def index(request):
    require(request.user, "reports.request")
    form = ReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.report_request(
                actor=request.user, kind=data["kind"], fmt=data["format"], params=form.params()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # The task is published when the request's transaction commits, which is after this view
            # when the idempotency key holds one open (kesos.core.idempotency): tell the user then.
            transaction.on_commit(lambda: _tell_queued(request, report))
            return redirect("reports:index")
    page = page_of(selectors.report_list(user=request.user), request, 20)
    page.object_list = selectors.with_waits(page.object_list)
    return render(
        request, "reports/index.html", {"form": form, "page": page, "kinds": selectors.kinds_for(request.user)}
    )


def _tell_queued(request, report) -> None:
    label = KINDS[report.kind].label
    if report.dispatch_error:  # saved, but the broker did not take it: the sweeper sends it later
        messages.warning(request, f"Permintaan {label} sudah disimpan, tetapi layanan antrean sedang tidak "
                                  "dapat dihubungi. Laporan akan dibuat otomatis begitu layanan antrean "
                                  "pulih; tidak perlu meminta lagi.")  # fmt: skip
    else:
        messages.success(request, f"{label} sedang disiapkan; pantau kemajuannya di bawah.")


@login_required
@require_GET
def status(request, pk):
    """One request's row, polled by the page (htmx) until it is finished."""
    require(request.user, "reports.request")
    [report] = selectors.with_waits([selectors.report_get(user=request.user, pk=pk)])
    return render(request, "reports/_row.html", {"report": report})


def file_response(report, *, actor):
    """The finished file as a private download (audited by the service); 404 when not there (yet)."""
    try:
        path = services.report_download(actor=actor, report=report)
        handle = open(path, "rb")  # noqa: SIM115 (FileResponse closes it)
    except (ValidationError, FileNotFoundError):
        raise Http404("Berkas laporan belum tersedia atau sudah kedaluwarsa.") from None
    return private_response(
        FileResponse(handle, as_attachment=True, filename=path.name, content_type=CONTENT_TYPES[report.format])
    )


@login_required
@require_GET
def download(request, pk):
    require(request.user, "reports.request")
    return file_response(selectors.report_get(user=request.user, pk=pk), actor=request.user)
