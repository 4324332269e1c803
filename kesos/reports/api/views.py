"""The reports REST API: request a recap, poll its status, download the file (same service as the page)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from kesos.core.api import RuleGate, service_call
from kesos.core.idempotency import idempotent_api

from .. import selectors, services
from ..recap import Params
from ..views import file_response
from .serializers import ReportOrderSerializer, ReportRequestSerializer


class ReportAccess(RuleGate):
    gate_rule = "reports.request"
    gate_message = "Peran Anda tidak dapat meminta laporan."


@extend_schema_view(
    list=extend_schema(summary="Permintaan laporan pengguna dan rekap terjadwal wilayahnya"),
    retrieve=extend_schema(summary="Status dan kemajuan satu permintaan laporan"),
    create=extend_schema(
        summary="Meminta laporan/rekap (dibuat oleh worker; pantau `status` dan `progress`)",
        request=ReportOrderSerializer,
        responses={202: ReportRequestSerializer},
    ),
)
class ReportViewSet(
    ReportAccess, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = ReportRequestSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.report_list(user=self.request.user)

    def get_object(self):
        return selectors.report_get(user=self.request.user, pk=self.kwargs["pk"])

    def paginate_queryset(self, queryset):
        """Each row of the page with its wait (kesos.reports.selectors.with_waits: one heartbeat read a page)."""
        page = super().paginate_queryset(queryset)
        return selectors.with_waits(page) if page is not None else None

    def retrieve(self, request, *args, **kwargs):
        [report] = selectors.with_waits([self.get_object()])
        return Response(self.get_serializer(report).data)

    @idempotent_api
    def create(self, request, *args, **kwargs):
        order = ReportOrderSerializer(data=request.data)
        order.is_valid(raise_exception=True)
        data = dict(order.validated_data)
        kind, fmt = data.pop("kind"), data.pop("format")
        params = Params(**{k: v for k, v in data.items() if v not in (None, False)})
        report = service_call(lambda: services.report_request(actor=request.user, kind=kind, fmt=fmt, params=params))
        return Response(ReportRequestSerializer(report).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Mengunduh berkas laporan yang selesai (diaudit)",
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="Belum selesai atau kedaluwarsa"),
        },
    )
    @action(detail=True, methods=["get"], url_path="unduh", url_name="download")
    def download(self, request, pk=None):
        return file_response(self.get_object(), actor=request.user)
