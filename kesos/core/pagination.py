"""Pagination for lists that may hold a million rows.

An exact COUNT(*) over a province's cases costs 200-350 ms at a million rows (bench/ppks_cases.py)
on every page view. Lists here are search-first: nobody pages to row 400,000. So the count stops
at CAP: above it the page says "lebih dari 10.000" and offers the first CAP rows.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

CAP = 10_000


class CappedPaginator(Paginator):
    @cached_property
    def count(self):
        # COUNT(*) over a LIMITed subquery of ids: bounded work however many rows match. Without the
        # order and the joins, PostgreSQL reads the scope's index instead of walking the sort order.
        return self.object_list.order_by().values("pk")[: CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > CAP


def page_of(queryset, request, per_page: int):
    return CappedPaginator(queryset, per_page).get_page(request.GET.get("page"))
