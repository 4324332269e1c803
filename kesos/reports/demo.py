"""Demo SPM targets (R4) for Kalimantan Selatan, this year and last: invented figures, so the quick
start's R4 shows sasaran, capaian, anggaran and realisasi beside the served counts."""

from django.utils import timezone

from .models import SpmTarget

# service: (sasaran, anggaran Rp, realisasi Rp as a share of it)
TARGETS = {
    SpmTarget.Service.DISABILITAS: (120, 1_450_000_000, 0.92),
    SpmTarget.Service.ANAK: (480, 3_200_000_000, 0.95),
    SpmTarget.Service.LANSIA: (160, 1_800_000_000, 0.9),
    SpmTarget.Service.TUNA_SOSIAL: (90, 650_000_000, 0.88),
    SpmTarget.Service.BENCANA: (1_500, 2_100_000_000, 0.81),
}


def load_spm_targets(report) -> None:
    year = timezone.localdate().year
    for target_year in (year - 1, year):
        for service, (target, budget, share) in TARGETS.items():
            SpmTarget.objects.update_or_create(
                region_id="63", year=target_year, service=service,
                defaults={"target": target, "budget": budget, "spent": int(budget * share)},
            )  # fmt: skip
    report.lines.append("target SPM Kalimantan Selatan tahun lalu dan tahun ini")
