from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from kesos.accounts.permissions import require
from kesos.audit.services import audit_list_read
from kesos.core.adapters import api_validation_error
from kesos.core.api import ByNameListThrottle, RuleGate, service_call
from kesos.core.api_query import QueryParams, choice, code, flag, region, search, validated_query
from kesos.core.idempotency import idempotent_api

from .. import selectors, services
from ..choices import LegalStatus, LksStatus
from ..models import Placement
from .serializers import (
    AccreditationSerializer,
    ChangeRequestAcceptedSerializer,
    ExpirySerializer,
    LksSerializer,
    LksTypeSerializer,
    PlacementSerializer,
    RegistrationSerializer,
)

CONFLICT = OpenApiResponse(description="Data LKS telah diubah orang lain sejak dibaca (kirim versi terbaru)")


class LksQuery(QueryParams):
    """The LKS list's filters (kesos.core.api_query): validated and documented from this one class."""

    q = search(help_text="Nama LKS")
    wilayah = region()
    type = code(20, help_text="Kode jenis LKS (GET /api/v1/lks/jenis-lks/)")
    legal_status = choice(LegalStatus.choices, help_text="Status hukum")
    registration = choice(selectors.REGISTRATION_STATES, help_text="Tanda Daftar")
    grade = choice(selectors.GRADE_FILTERS, help_text="Akreditasi (belum: belum atau tidak lagi terakreditasi)")
    expiring = flag("true: surat/akreditasi berakhir dalam 90 hari atau lewat")
    status = choice(LksStatus.choices, help_text="Status LKS")


class LksAccess(RuleGate):
    """Roles that do not work with the LKS registry are refused outright (403); out-of-scope LKS are 404."""

    gate_rule = "lks.view"
    gate_message = "Peran Anda tidak dapat melihat data LKS."


@extend_schema_view(
    list=extend_schema(
        summary="Daftar LKS dalam wilayah pengguna (Operator LKS: LKS-nya sendiri)",
        parameters=[LksQuery],
    ),
    retrieve=extend_schema(summary="Satu LKS"),
    create=extend_schema(summary="Mendaftarkan LKS baru (Dinas Sosial)"),
    partial_update=extend_schema(
        summary="Mengubah data LKS (kirim `version` yang terakhir dibaca)",
        description=(
            "Perubahan data identitas, hukum dan rekening oleh Operator LKS tidak langsung berlaku: "
            "jawabannya 202 dengan usulan perubahan yang menunggu verifikasi Dinas Sosial."
        ),
        responses={200: LksSerializer, 202: ChangeRequestAcceptedSerializer, 409: CONFLICT},
    ),
)
class LksViewSet(
    LksAccess,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The LKS registry, scoped like the pages: out of scope is 404; writes go through lks.services."""

    serializer_class = LksSerializer
    filter_backends = []
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        qs = selectors.lks_list(user=self.request.user, **validated_query(self, LksQuery))
        # The occupancy count groups the rows, and a grouped query drops the model's ordering: restate it.
        qs = selectors.occupancy_of(qs).select_related("izin_operasional").prefetch_related("types")
        return qs.order_by("name", "id")

    def get_object(self):
        return selectors.lks_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_throttles(self):
        throttles = super().get_throttles()
        if getattr(self, "action", None) == "residents" and self.request.method == "GET":
            throttles.append(ByNameListThrottle())  # a by-name list, like the person list
        return throttles

    @idempotent_api
    def create(self, request, *args, **kwargs):
        require(request.user, "lks.add")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        types = data.pop("types")
        lks = service_call(lambda: services.lks_create(actor=request.user, types=types, **data))
        return Response(self.get_serializer(lks).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        lks = self.get_object()
        require(request.user, "lks.change", lks)
        serializer = self.get_serializer(lks, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            version = int(request.data.get("version"))
        except (TypeError, ValueError):
            raise api_validation_error(
                ValidationError({"version": "Sertakan versi data yang terakhir dibaca."})
            ) from None
        data = dict(serializer.validated_data)
        types = data.pop("types", None)
        change = service_call(
            lambda: services.lks_update(actor=request.user, lks=lks, version=version, types=types, **data)
        )
        if change is not None:
            body = {
                "id": change.pk,
                "pending": sorted(change.changes),
                "detail": "Perubahan data identitas/hukum/rekening menunggu verifikasi Dinas Sosial.",
            }
            return Response(ChangeRequestAcceptedSerializer(body).data, status=status.HTTP_202_ACCEPTED)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Penghuni/klien LKS saat ini (GET) atau menempatkan orang dari kasus PPKS (POST)",
        description=(
            "Penempatan yang melebihi kapasitas panti ditolak (400 pada `confirm_over_capacity`) kecuali "
            "dikirim ulang dengan `confirm_over_capacity: true`. NIK disamarkan bagi peran yang tidak berwenang."
        ),
        request=PlacementSerializer,
        responses={200: PlacementSerializer(many=True), 201: PlacementSerializer},
    )
    @idempotent_api
    @action(detail=True, methods=["get", "post"], url_path="penghuni", url_name="residents", pagination_class=None)
    def residents(self, request, pk=None):
        rule = "lks.view_residents" if request.method == "GET" else "lks.place"
        require(request.user, rule)
        lks = self.get_object()
        require(request.user, rule, lks)
        context = self.get_serializer_context()
        if request.method == "GET":
            rows = list(selectors.resident_list(user=request.user, lks=lks, current=True))
            for placement in rows:
                placement.lks = lks  # the NIK rule asks where the row lies: no query per row
            audit_list_read(actor=request.user, rows=rows, model=Placement)
            return Response(PlacementSerializer(rows, many=True, context=context).data)
        serializer = PlacementSerializer(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        placement = service_call(lambda: services.placement_create(actor=request.user, lks=lks, **data))
        return Response(PlacementSerializer(placement, context=context).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Riwayat akreditasi LKS (GET) atau mencatat hasil akreditasi (POST, Dinas Sosial)",
        request=AccreditationSerializer,
        responses={200: AccreditationSerializer(many=True), 201: AccreditationSerializer},
    )
    @idempotent_api
    @action(
        detail=True, methods=["get", "post"], url_path="akreditasi", url_name="accreditations", pagination_class=None
    )
    def accreditations(self, request, pk=None):
        lks = self.get_object()
        return self._history_or_record(
            request, lks, AccreditationSerializer, lks.accreditations.all(), "lks.verify", services.accreditation_record
        )

    @extend_schema(
        summary="Riwayat pendaftaran dan izin LKS (GET) atau mengajukan permohonan Tanda Daftar (POST)",
        request=RegistrationSerializer,
        responses={200: RegistrationSerializer(many=True), 201: RegistrationSerializer},
    )
    @idempotent_api
    @action(
        detail=True, methods=["get", "post"], url_path="pendaftaran", url_name="registrations", pagination_class=None
    )
    def registrations(self, request, pk=None):
        lks = self.get_object()
        return self._history_or_record(
            request, lks, RegistrationSerializer, lks.registrations.all(), "lks.apply", services.registration_apply
        )

    def _history_or_record(self, request, lks, serializer_class, history, rule, service):
        """GET: the LKS's rows of one kind; POST: one new row through `service`, for users with `rule` (201)."""
        if request.method == "GET":
            return Response(serializer_class(history, many=True).data)
        require(request.user, rule, lks)
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        created = service_call(lambda: service(actor=request.user, lks=lks, **data))
        return Response(serializer_class(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Tanda Daftar, izin operasional dan akreditasi yang berakhir dalam 90 hari atau sudah lewat",
        responses={200: ExpirySerializer(many=True)},
    )
    @action(detail=False, methods=["get"], url_path="kedaluwarsa", url_name="expiring", pagination_class=None)
    def expiring(self, request):
        today = timezone.localdate()
        rows = [
            expiry
            for lks in selectors.expiring_lks(user=request.user, today=today)
            for expiry in selectors.expiries_of(lks, today)
        ]
        return Response(ExpirySerializer(rows, many=True).data)


@extend_schema_view(list=extend_schema(summary="Jenis LKS (sasaran layanan): kode, nama, sebutan"))
class LksTypeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = LksTypeSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return selectors.lks_types()
