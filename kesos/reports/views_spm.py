"""SPM target pages: the targets of a year per region, and the five-service form to enter or change them.

Rule `reports.spm` (Admin Provinsi, Operator Kab/Kota): other roles get 403; a region outside the
user's supervisor regions is a 404. Reads come from `kesos.reports.spm`'s selectors, writes from its
service.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from kesos.accounts.permissions import require
from kesos.core.adapters import add_service_errors
from kesos.core.idempotency import idempotent_form

from . import spm
from .forms_spm import SpmFilterForm, SpmTargetForm

# Service errors about the region or year belong to the create form's fields of those names.
FIELD_NAMES = {"region": "wilayah", "year": "tahun"}


def _list_url(code: str, year: int) -> str:
    return f"{reverse('reports:spm_list')}?wilayah={code}&tahun={year}"


def _save(request, form, region, year) -> bool:
    """Call the service with the form's entries; on a refusal put its messages on the form (input kept)."""
    try:
        spm.spm_targets_save(actor=request.user, region=region, year=year, entries=form.entries())
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            exc = ValidationError({FIELD_NAMES.get(k, k): v for k, v in exc.error_dict.items()})
        add_service_errors(form, exc)
        return False
    messages.success(request, f"Target SPM {region.label} tahun {year} tersimpan.")
    return True


@login_required
@require_GET
def spm_list(request):
    """The targets of one year, grouped by region; regions in scope without targets are listed to fill in."""
    require(request.user, "reports.spm")
    regions = list(spm.spm_regions(user=request.user))
    form = SpmFilterForm(request.GET or None, regions=regions)
    year, code = form.filters()
    by_region: dict[str, list] = {}
    for target in spm.spm_target_list(user=request.user, year=year, region=code):
        by_region.setdefault(target.region_id, []).append(target)
    order = {service: n for n, service in enumerate(spm.Service.values)}
    shown = [r for r in regions if not code or r.code == code or r.code.startswith(code + ".")]
    groups = [
        {"region": r, "targets": sorted(by_region[r.code], key=lambda t: order[t.service])}
        for r in shown
        if r.code in by_region
    ]
    missing = [r for r in shown if r.code not in by_region]
    context = {"form": form, "year": year, "groups": groups, "missing": missing}
    return render(request, "reports/spm_list.html", context)


@login_required
@idempotent_form
def spm_create(request):
    """Enter a year's targets for a region chosen from the user's regions."""
    require(request.user, "reports.spm")
    regions = list(spm.spm_regions(user=request.user))
    initial = {"wilayah": request.GET.get("wilayah", ""), "tahun": request.GET.get("tahun") or None}
    form = SpmTargetForm(request.POST or None, regions=regions, initial=initial)
    if request.method == "POST" and form.is_valid():
        region = next(r for r in regions if r.code == form.cleaned_data["wilayah"])
        year = form.cleaned_data["tahun"]
        if spm.spm_targets_of(region=region, year=year):
            form.add_error(
                "tahun", f"Target SPM {region.label} tahun {year} sudah diisi: ubah lewat daftar target SPM."
            )
        elif _save(request, form, region, year):
            return redirect(_list_url(region.code, year))
    return render(request, "reports/spm_form.html", {"form": form})


@login_required
def spm_edit(request, code: str, year: int):
    """Change (or complete) the five services' targets of one region and year."""
    require(request.user, "reports.spm")
    region = spm.spm_region_get(user=request.user, code=code)
    if not spm.FIRST_YEAR <= year <= spm.last_year():
        raise Http404("Tahun tidak ditemukan.")
    targets = spm.spm_targets_of(region=region, year=year)
    form = SpmTargetForm(request.POST or None, targets=targets)
    if request.method == "POST" and form.is_valid() and _save(request, form, region, year):
        return redirect(_list_url(region.code, year))
    return render(request, "reports/spm_form.html", {"form": form, "region": region, "year": year})
