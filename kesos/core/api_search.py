"""API lists searchable by a full NIK / No. KK: the number travels in a POST body, never in a query string.

`GET /…/?q=<16 digits>` is refused with a 400 that names the POST route (`POST /…/cari/` with
{"q": "…"}; other filters and `page` stay in the query string). Every exact-number search is
counted against the user's limit (429 past it) and audited (kesos.audit.searches).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import action

from kesos.audit.searches import exact_number, number_search_allow, number_search_record
from kesos.core.ratelimit import RateLimited

from .redact import has_number


class NumberSearchSerializer(serializers.Serializer):
    q = serializers.CharField(max_length=100, help_text="Nama, atau NIK/No. KK lengkap (16 angka)")


class SearchThrottled(exceptions.Throttled):
    """429 with our Indonesian message and a Retry-After header."""

    def __init__(self, exc: RateLimited):
        exceptions.APIException.__init__(self, detail=str(exc), code="throttled")
        self.wait = exc.retry_after


class NumberSearchMixin:
    """For list viewsets whose `q` may be a full NIK/No. KK. Their `get_queryset` reads `search_params()`."""

    search_field = "q"

    def search_params(self):
        params = self.request.query_params.copy()
        body = getattr(self, "_search_body", None)
        if body is not None:
            params[self.search_field] = body[self.search_field]
        return params

    def list(self, request, *args, **kwargs):
        if getattr(self, "_search_body", None) is None and has_number(request.query_params.get(self.search_field, "")):
            route = request.path.rstrip("/") + "/cari/"
            raise exceptions.ValidationError(
                {
                    self.search_field: (
                        "NIK/No. KK lengkap tidak dikirim di alamat (query string) karena alamat tercatat di log. "
                        f'Kirim lewat POST {route} dengan badan {{"{self.search_field}": "…"}}.'
                    )
                }
            )
        term = self.search_params().get(self.search_field, "")
        try:
            number_search_allow(actor=request.user, term=term)
        except RateLimited as exc:
            raise SearchThrottled(exc) from exc
        response = super().list(request, *args, **kwargs)
        if exact_number(term):
            page = getattr(getattr(self, "paginator", None), "page", None)
            rows = response.data.get("count", 0) if isinstance(response.data, dict) else len(response.data)
            route = request.resolver_match.view_name if request.resolver_match else request.path
            number_search_record(actor=request.user, term=term, route=route, rows=rows, found=page or ())
        return response

    @extend_schema(request=NumberSearchSerializer)
    @action(detail=False, methods=["post"], url_path="cari")
    def cari(self, request, *args, **kwargs):
        body = NumberSearchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        self._search_body = body.validated_data
        return self.list(request, *args, **kwargs)
