"""Pagination for lists that may hold a million rows.

An exact COUNT(*) over a province's cases costs 200-350 ms at a million rows (bench/ppks_cases.py)
on every page view. Lists here are search-first: nobody pages to row 400,000. So the count stops
at CAP: above it the page says "lebih dari 10.000" and offers the first CAP rows.
"""

import re

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

CAP = 10_000
PAGE_NUMBER = re.compile(r"[0-9]+")


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


class ApiPagination(PageNumberPagination):
    """The API lists' pages (REST_FRAMEWORK DEFAULT_PAGINATION_CLASS; PAGE_SIZE rows each): `page` is
    an integer from 1 (anything else is a 400 naming it); a page past the end is a 404, in Indonesian."""

    invalid_page_message = "Halaman tidak ada."
    bad_page_message = "Nomor halaman harus bilangan bulat positif."
    last_page_strings = ()

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param, "")
        if raw == "":
            return 1
        if not PAGE_NUMBER.fullmatch(raw) or not raw.strip("0"):
            raise ValidationError({self.page_query_param: [self.bad_page_message]})
        if len(raw.lstrip("0")) > 18:  # far past any list's end (and int() of thousands of digits is refused)
            raise NotFound(self.invalid_page_message)
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
                parameter["description"] = "Nomor halaman, mulai dari 1."
        return parameters
