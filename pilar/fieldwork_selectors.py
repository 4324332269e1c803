"""Small reads for the TKSK field pages: the desa of a kecamatan, the desa a TKSK works in, one photo
of a report, a person the user may see. The report reads themselves are in `pilar.selectors`."""

from django.http import Http404

from kesos.accounts.models import Role
from kesos.accounts.scope import scope_of
from kesos.wilayah.models import Level, Wilayah, prefix_q

from .models import MonthlyReport, ReportPhoto


def desa_of(kecamatan_code: str):
    """The active desa/kelurahan of a kecamatan, in code order."""
    return Wilayah.objects.filter(level=Level.DESA, active=True, parent_id=kecamatan_code).order_by("code")


def tksk_desa(user):
    """The active desa/kelurahan of the kecamatan the user serves as TKSK (their own scope)."""
    regions = scope_of(user).regions_for(Role.TKSK)
    if not regions:
        return Wilayah.objects.none()
    q = prefix_q(regions[0], "code")
    for code in regions[1:]:
        q |= prefix_q(code, "code")
    return Wilayah.objects.filter(q, level=Level.DESA, active=True).order_by("code")


def photo_get(*, report: MonthlyReport, pk) -> ReportPhoto:
    """A photo of a report the caller already fetched through `selectors.report_get`; else 404."""
    try:
        return ReportPhoto.objects.get(report=report, pk=pk)
    except (ReportPhoto.DoesNotExist, ValueError, TypeError):
        raise Http404("Foto tidak ditemukan.") from None


def person_in_scope(*, user, pk):
    """A person the user may see (a candidate the duplicate check listed), or None."""
    from ppks.models import Person

    try:
        return Person.objects.visible_to(user).select_related("wilayah").filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def persons_in_scope(*, user, pks):
    """The persons among `pks` the user may see, with their desa (for the candidates list)."""
    from ppks.models import Person

    return list(Person.objects.visible_to(user).select_related("wilayah").filter(pk__in=list(pks)).order_by("name"))
