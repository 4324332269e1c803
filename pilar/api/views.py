"""The pilar REST API: the roster (scoped like the pages), the pillar types, and the coverage figures."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from kesos.accounts.permissions import require
from kesos.audit import actions
from kesos.audit.services import audit_record
from kesos.core.adapters import api_validation_error
from kesos.core.api import AuditedByNameList, RuleGate, service_call
from kesos.core.api_query import QueryParams, choice, code, region, search, validated_query
from kesos.core.api_search import NumberSearchMixin
from kesos.core.idempotency import idempotent_api

from .. import selectors, services
from ..choices import MemberStatus
from ..roster_selectors import coverage_total
from .serializers import CoverageSerializer, PilarMemberSerializer, PilarTypeSerializer

CONFLICT = OpenApiResponse(description="Data anggota telah diubah orang lain sejak dibaca (kirim versi terbaru)")
# Set when a member is added; afterwards changed only through a posting move (which keeps the history).
CREATE_ONLY = ("type", "wilayah", "starts_on")


# Query parameters of the lists (kesos.core.api_query): validated and documented from one class.
class MemberFilters(QueryParams):
    type = code(30, help_text="Kode jenis pilar (GET /api/v1/pilar/jenis-pilar/)")
    wilayah = region("Kode wilayah, mis. 62.71")
    status = choice(MemberStatus.choices, help_text="Status anggota")


class MemberQuery(MemberFilters):
    q = search(help_text="Nama atau nomor induk anggota (NIK lengkap: POST cari/)")


class CoverageQuery(QueryParams):
    wilayah = region("Kode provinsi atau kabupaten/kota; kosong: wilayah pertama pengguna")


class RosterAccess(RuleGate):
    """Roles that do not keep the roster are refused outright (403); members out of scope are 404."""

    gate_rule = "pilar.view"
    gate_message = "Peran Anda tidak dapat melihat data pilar sosial."


@extend_schema_view(
    list=extend_schema(
        summary="Daftar anggota pilar sosial dalam wilayah pengguna",
        parameters=[MemberQuery],
    ),
    cari=extend_schema(
        summary="Mencari anggota pilar sosial dengan NIK lengkap (dibatasi dan dicatat); filter lain tetap di alamat",
        parameters=[MemberFilters],
        responses={200: PilarMemberSerializer(many=True)},
    ),
    retrieve=extend_schema(summary="Satu anggota pilar sosial"),
    create=extend_schema(summary="Mencatat anggota pilar sosial dengan penugasan pertamanya"),
    partial_update=extend_schema(
        summary="Mengubah data anggota (kirim `version` yang terakhir dibaca)",
        description="Wilayah tugas dan jenis tidak diubah di sini: pindah tugas dicatat sebagai penugasan baru.",
        responses={200: PilarMemberSerializer, 409: CONFLICT},
    ),
)
class MemberViewSet(
    AuditedByNameList,
    RosterAccess,
    NumberSearchMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The pillar roster, scoped like the pages: out of scope is 404; writes go through pilar.services."""

    serializer_class = PilarMemberSerializer
    filter_backends = []
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        filters = validated_query(self, MemberQuery)
        return selectors.member_list(user=self.request.user, **filters).order_by("name", "id")

    def get_object(self):
        return selectors.member_get(user=self.request.user, pk=self.kwargs["pk"])

    def retrieve(self, request, *args, **kwargs):
        member = self.get_object()
        audit_record(action=actions.VIEW, actor=request.user, obj=member)  # NIK and contacts
        return Response(self.get_serializer(member).data)

    @idempotent_api
    def create(self, request, *args, **kwargs):
        require(request.user, "pilar.manage")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        member = service_call(lambda: services.member_create(actor=request.user, **data))
        return Response(self.get_serializer(member).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        member = self.get_object()
        require(request.user, "pilar.manage", member)
        if moved := [name for name in CREATE_ONLY if name in request.data]:
            raise api_validation_error(
                ValidationError(dict.fromkeys(moved, "Tidak dapat diubah di sini: catat pindah tugas."))
            )
        serializer = self.get_serializer(member, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            version = int(request.data.get("version"))
        except (TypeError, ValueError):
            raise api_validation_error(
                ValidationError({"version": "Sertakan versi data yang terakhir dibaca."})
            ) from None
        data = dict(serializer.validated_data)
        service_call(lambda: services.member_update(actor=request.user, member=member, version=version, **data))
        return Response(self.get_serializer(self.get_object()).data)


@extend_schema_view(list=extend_schema(summary="Jenis pilar sosial: kode, nama, unit dan tingkat penugasan"))
class PilarTypeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = PilarTypeSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return selectors.pilar_types()


class CoverageView(APIView):
    """Kecamatan with an active TKSK and desa with Karang Taruna or PSM: aggregates only."""

    @extend_schema(
        summary="Cakupan TKSK, Karang Taruna dan PSM per kabupaten/kota (provinsi) atau per kecamatan",
        parameters=[CoverageQuery],
        responses={200: CoverageSerializer, 404: OpenApiResponse(description="Wilayah tidak ada atau di luar wilayah")},
    )
    def get(self, request):
        require(request.user, "pilar.coverage")
        region = selectors.coverage_region(user=request.user, code=validated_query(self, CoverageQuery)["wilayah"])
        on = timezone.localdate()
        rows = selectors.coverage(within=region.code, on=on)
        total = coverage_total(region, rows)
        body = {"wilayah": region.code, "wilayah_nama": region.label, "on": on, "rows": rows, "total": total}
        return Response(CoverageSerializer(body).data)
