"""Small reads for the roster pages and API beside pilar.selectors."""

from .selectors import CoverageRow


def coverage_total(region, rows: list[CoverageRow]) -> CoverageRow:
    """The total row of a coverage table: the region's sums, and every kecamatan without an active TKSK."""
    return CoverageRow(
        region.code, region.label,
        kecamatan=sum(r.kecamatan for r in rows), kecamatan_with_tksk=sum(r.kecamatan_with_tksk for r in rows),
        desa=sum(r.desa for r in rows), desa_with_kt=sum(r.desa_with_kt for r in rows),
        desa_with_psm=sum(r.desa_with_psm for r in rows), uncovered=[u for r in rows for u in r.uncovered],
    )  # fmt: skip
