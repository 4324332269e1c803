"""The dashboard page (/dasbor/): counts and charts of a region, drilled down province → kab/kota → kecamatan.

Aggregates only, for the Admin Provinsi, the kab/kota operators and the Pimpinan. The figures come from
`kesos.reports.dashboard`; the charts are drawn by static/kesos/dashboard.js (Chart.js served by the app)
from a `json_script` block, and every chart's numbers are also in a table, so the page reads without JS.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from kesos.accounts.permissions import require

from .dashboard import Dashboard, dashboard, dashboard_region, dashboard_trail, other_regions


def chart_data(d: Dashboard, index_url: str) -> dict:
    """What dashboard.js draws, keyed by the id of each chart's canvas. Same numbers as the tables."""

    def link(code: str) -> str | None:
        return f"{index_url}?wilayah={code}" if d.drill and code else None

    areas = d.areas
    coverage = d.coverage
    return {
        "grafik-wilayah": {
            "type": "bar",
            "labels": [a.label for a in areas],
            "links": [link(a.code) for a in areas],
            "datasets": [
                {"label": "Orang PPKS", "data": [a.persons for a in areas]},
                {"label": "Keluarga PPKS", "data": [a.households for a in areas]},
                {"label": "Kasus terbuka", "data": [a.open_cases for a in areas]},
            ],
        },
        "grafik-ppks-jenis": {
            "type": "bar",
            "horizontal": True,
            "stacked": True,
            "labels": [c.abbreviation for c in d.categories],
            "titles": [c.name for c in d.categories],
            "datasets": [
                {"label": "Orang", "data": [c.persons for c in d.categories]},
                {"label": "Keluarga", "data": [c.households for c in d.categories]},
            ],
        },
        "grafik-kasus-bulan": {
            "type": "bar",
            "labels": [m.label for m in d.months],
            "datasets": [
                {"label": "Kasus dibuka", "data": [m.opened for m in d.months]},
                {"label": "Kasus ditutup", "data": [m.closed for m in d.months]},
            ],
        },
        "grafik-lks-jenis": {
            "type": "bar",
            "labels": [abbreviation for abbreviation, _, _ in d.lks_types],
            "titles": [name for _, name, _ in d.lks_types],
            "datasets": [{"label": "LKS aktif", "data": [n for _, _, n in d.lks_types]}],
        },
        "grafik-lks-akreditasi": {
            "type": "doughnut",
            "labels": [grade if grade == "Belum" else f"Akreditasi {grade}" for grade, _ in d.lks_grades],
            "datasets": [{"label": "LKS aktif", "data": [n for _, n in d.lks_grades]}],
        },
        "grafik-cakupan": {
            "type": "bar",
            "percent": True,
            "labels": [r.name for r in coverage],
            "links": [link(r.code) for r in coverage],
            "datasets": [
                {"label": "Kecamatan dengan TKSK (%)", "data": [r.tksk_pct for r in coverage]},
                {"label": "Desa/kel dengan Karang Taruna (%)", "data": [r.kt_pct for r in coverage]},
            ],
        },
    }


@login_required
@require_GET
def index(request):
    """The dashboard of `?wilayah=<code>` (the user's own region by default); 404 outside their scope."""
    require(request.user, "reports.dashboard")
    region = dashboard_region(user=request.user, code=request.GET.get("wilayah", "").strip())
    d = dashboard(region=region)
    context = {
        "d": d,
        "region": region,
        "trail": dashboard_trail(user=request.user, region=region),
        "others": other_regions(user=request.user, region=region),
        "charts": chart_data(d, reverse("dashboard:index")),
    }
    return render(request, "reports/dashboard.html", context)
