from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from kesos.accounts.permissions import require
from kesos.audit import actions
from kesos.audit.services import audit_list_read, audit_record
from kesos.core.adapters import api_validation_error
from kesos.core.api import AuditedByNameList, Conflict, RuleGate
from kesos.core.api_query import QueryParams, choice, code, flag, region, search, validated_query
from kesos.core.api_search import NumberSearchMixin
from kesos.core.idempotency import IdempotentCreateMixin, idempotent_api

from .. import selectors, services
from ..models import PersonCategory, RefKind
from ..services import attachments as attachment_services
from ..services import casework
from ..services import referrals as referral_services
from ..workflow import Stage
from .serializers import (
    AssessmentSerializer,
    AttachmentSerializer,
    CaseAssignSerializer,
    CaseNoteSerializer,
    CaseSerializer,
    CaseTransitionSerializer,
    CategoryHoldingSerializer,
    HouseholdSerializer,
    MemberSerializer,
    PersonSerializer,
    PlanItemSerializer,
    PpksCategorySerializer,
    ReferensiSerializer,
    ReferralSerializer,
    ServiceDeliverySerializer,
)


# --- Query parameters of the lists (kesos.core.api_query): validated and documented from one class ---------
class RegionFilter(QueryParams):
    wilayah = region()


class PersonQuery(RegionFilter):
    q = search(help_text="Nama (NIK/No. KK lengkap: POST cari/)")


class HouseholdQuery(RegionFilter):
    q = search(help_text="No. KK lengkap: POST cari/")


class ReferensiQuery(QueryParams):
    jenis = choice(RefKind.choices, help_text="Daftar referensi")


class CaseFilters(QueryParams):
    tahap = choice(Stage.choices, help_text="Tahap kasus")
    jenis = code(7, help_text="Kode jenis PPKS, mis. PPKS-08")
    wilayah = region()
    berjalan = flag("true: hanya kasus yang belum selesai")
    terlambat = flag("true: ada rencana atau rujukan yang lewat batas")
    saya = flag("true: hanya kasus yang ditugaskan kepada saya")


class CaseQuery(CaseFilters):
    q = search(help_text="Nomor kasus atau nama (NIK/No. KK lengkap: POST cari/)")


class ByNameAccess(RuleGate):
    """Roles without by-name access are refused outright (403); out-of-scope records are 404."""

    gate_rule = "ppks.view_person"
    gate_message = "Peran Anda tidak dapat melihat data perorangan."


class ByNameRecords(
    AuditedByNameList,
    ByNameAccess,
    NumberSearchMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    IdempotentCreateMixin,
    viewsets.GenericViewSet,
):
    """What the person, household and case APIs share: by-name access, list pages audited and
    throttled, an exact NIK/No. KK searched only by POST (`cari/`), creation taking an `Idempotency-Key`."""


@extend_schema_view(
    list=extend_schema(
        summary="Daftar orang dalam wilayah pengguna",
        parameters=[PersonQuery],
    ),
    cari=extend_schema(
        summary="Mencari orang dengan NIK/No. KK lengkap (dibatasi dan dicatat dalam jejak audit)",
        parameters=[RegionFilter],
        responses={200: PersonSerializer(many=True)},
    ),
    retrieve=extend_schema(summary="Satu orang (akses dicatat dalam jejak audit)"),
    create=extend_schema(summary="Mencatat orang baru"),
    partial_update=extend_schema(summary="Mengubah data orang (kirim `version` yang terakhir dibaca)"),
)
class PersonViewSet(ByNameRecords, mixins.UpdateModelMixin):
    """Persons, scoped like the pages: out of scope is 404; NIK masked for roles that do not need it."""

    serializer_class = PersonSerializer
    filter_backends = []
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        p = validated_query(self, PersonQuery)
        return selectors.person_list(user=self.request.user, q=p["q"], wilayah=p["wilayah"])

    def get_object(self):
        return selectors.person_get(user=self.request.user, pk=self.kwargs["pk"])

    def retrieve(self, request, *args, **kwargs):
        person = self.get_object()
        audit_record(action=actions.VIEW, actor=request.user, obj=person)
        return Response(self.get_serializer(person).data)

    @extend_schema(
        summary="Jenis PPKS yang dipegang orang ini (GET) atau mencatat yang baru (POST)",
        request=CategoryHoldingSerializer,
        responses={200: CategoryHoldingSerializer(many=True), 201: CategoryHoldingSerializer},
    )
    @idempotent_api
    @action(detail=True, methods=["get", "post"], url_path="kategori", pagination_class=None)
    def categories(self, request, pk=None):
        person = self.get_object()
        if request.method == "GET":
            rows = list(selectors.person_categories(person))
            audit_list_read(actor=request.user, rows=rows, model=PersonCategory, about=person)
            return Response(CategoryHoldingSerializer(rows, many=True).data)
        require(request.user, "ppks.change_person", person)
        serializer = CategoryHoldingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            holding = services.category_add(actor=request.user, person=person, **serializer.validated_data)
        except ValidationError as exc:
            raise api_validation_error(exc) from exc
        return Response(CategoryHoldingSerializer(holding).data, status=status.HTTP_201_CREATED)

    def perform_create(self, serializer):
        try:
            serializer.instance = services.person_create(actor=self.request.user, **serializer.validated_data)
        except ValidationError as exc:
            raise api_validation_error(exc) from exc

    def perform_update(self, serializer):
        version = self.request.data.get("version")
        if version is None:
            raise api_validation_error(ValidationError({"version": "Sertakan versi data yang terakhir dibaca."}))
        try:
            serializer.instance = services.person_update(
                actor=self.request.user, person=serializer.instance, version=int(version), **serializer.validated_data
            )
        except services.StaleEdit as exc:
            raise Conflict(services.STALE_MESSAGE) from exc
        except ValidationError as exc:
            raise api_validation_error(exc) from exc


@extend_schema_view(
    list=extend_schema(
        summary="Daftar keluarga dalam wilayah pengguna",
        parameters=[HouseholdQuery],
    ),
    cari=extend_schema(
        summary="Mencari keluarga dengan No. KK lengkap (dibatasi dan dicatat dalam jejak audit)",
        parameters=[RegionFilter],
        responses={200: HouseholdSerializer(many=True)},
    ),
    retrieve=extend_schema(summary="Satu keluarga dengan anggotanya (akses dicatat)"),
    create=extend_schema(summary="Mencatat keluarga (No. KK yang sudah ada ditolak)"),
)
class HouseholdViewSet(ByNameRecords):
    """Households (keluarga), scoped like persons."""

    serializer_class = HouseholdSerializer
    filter_backends = []

    def get_queryset(self):
        p = validated_query(self, HouseholdQuery)
        return selectors.household_list(user=self.request.user, q=p["q"], wilayah=p["wilayah"])

    def get_object(self):
        return selectors.household_get(user=self.request.user, pk=self.kwargs["pk"])

    def retrieve(self, request, *args, **kwargs):
        household = self.get_object()
        audit_record(action=actions.VIEW, actor=request.user, obj=household)
        return Response(self.get_serializer(household).data)

    def perform_create(self, serializer):
        try:
            serializer.instance = services.household_create(actor=self.request.user, **serializer.validated_data)
        except ValidationError as exc:
            raise api_validation_error(exc) from exc

    @extend_schema(summary="Menambah anggota keluarga", request=MemberSerializer, responses={201: MemberSerializer})
    @idempotent_api
    @action(detail=True, methods=["post"], url_path="anggota")
    def add_member(self, request, pk=None):
        household = self.get_object()
        require(request.user, "ppks.change_person", household)
        serializer = MemberSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        try:
            member = services.household_add_member(actor=request.user, household=household, **serializer.validated_data)
        except ValidationError as exc:
            raise api_validation_error(exc) from exc
        return Response(MemberSerializer(member).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(summary="Ke-26 jenis PPKS (kode tetap, singkatan, sebutan lama)"))
class PpksCategoryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = PpksCategorySerializer
    pagination_class = None
    filter_backends = []
    queryset = selectors.ppks_categories()


@extend_schema_view(
    list=extend_schema(
        summary="Daftar referensi (agama, status perkawinan, pendidikan, hubungan, disabilitas, dasar hukum)",
        parameters=[ReferensiQuery],
    )
)
class ReferensiViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ReferensiSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return selectors.referensi(kind=validated_query(self, ReferensiQuery)["jenis"])


@extend_schema_view(
    list=extend_schema(
        summary="Daftar kasus dalam wilayah pengguna",
        parameters=[CaseQuery],
    ),
    cari=extend_schema(
        summary="Mencari kasus dengan NIK/No. KK lengkap (dibatasi dan dicatat); filter lain tetap di alamat",
        parameters=[CaseFilters],
        responses={200: CaseSerializer(many=True)},
    ),
    retrieve=extend_schema(summary="Satu kasus (akses dicatat)"),
    create=extend_schema(summary="Membuka kasus untuk orang atau keluarga (tahap awal: dilaporkan)"),
)
class CaseViewSet(ByNameRecords):
    """Cases, scoped like the pages; stage moves go through `tahap`, never through a field update."""

    serializer_class = CaseSerializer
    filter_backends = []

    def get_queryset(self):
        p = validated_query(self, CaseQuery)
        return selectors.case_list(
            user=self.request.user, q=p["q"], stage=p["tahap"], category=p["jenis"], wilayah=p["wilayah"],
            open_only=p["berjalan"], overdue=p["terlambat"], worker=self.request.user if p["saya"] else None,
        ).prefetch_related("categories")  # fmt: skip

    def get_object(self):
        return selectors.case_get(user=self.request.user, pk=self.kwargs["pk"])

    def retrieve(self, request, *args, **kwargs):
        case = self.get_object()
        audit_record(action=actions.VIEW, actor=request.user, obj=case)
        return Response(self.get_serializer(case).data)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        try:
            serializer.instance = services.case_open(actor=self.request.user, **data)
        except ValueError as exc:
            raise api_validation_error(ValidationError({"person": "Isi tepat satu: person atau household."})) from exc
        except ValidationError as exc:
            raise api_validation_error(exc) from exc

    @extend_schema(
        summary="Memindahkan kasus ke tahap berikutnya", request=CaseTransitionSerializer,
        responses={200: CaseSerializer, 400: OpenApiResponse(description="Perpindahan tidak diizinkan"),
                   409: OpenApiResponse(description="Kasus telah diubah orang lain")},
    )  # fmt: skip
    @action(detail=True, methods=["post"], url_path="tahap")
    def transition(self, request, pk=None):
        case = self.get_object()
        serializer = CaseTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            case = services.case_transition(actor=request.user, case=case, **serializer.validated_data)
        except services.StaleEdit as exc:
            raise Conflict(services.STALE_MESSAGE) from exc
        except ValidationError as exc:
            raise api_validation_error(exc) from exc
        return Response(CaseSerializer(case, context=self.get_serializer_context()).data)

    def _case_work(self, request, serializer_class, rows, create):
        """GET: the rows of one kind of case work the caller may read, one audit event per read (403 for a
        case whose case work they may not read: the case itself they see, so a 404 would hide nothing, and
        an empty list would say that no work was done); POST: add one through its service."""
        case = self.get_object()
        if request.method == "GET":
            selectors.casework_require(user=request.user, case=case)
            visible = list(selectors.casework_visible(user=request.user, case=case, rows=rows(case)))
            audit_list_read(actor=request.user, rows=visible, model=serializer_class.Meta.model, about=case)
            return Response(serializer_class(visible, many=True).data)
        require(request.user, "ppks.work_case", case)
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            row = create(case, serializer.validated_data)
        except ValidationError as exc:
            raise api_validation_error(exc) from exc
        return Response(serializer_class(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Asesmen kasus",
        request=AssessmentSerializer,
        responses={200: AssessmentSerializer(many=True), 201: AssessmentSerializer},
    )
    @idempotent_api
    @action(detail=True, methods=["get", "post"], url_path="asesmen", pagination_class=None)
    def assessments(self, request, pk=None):
        return self._case_work(request, AssessmentSerializer, lambda c: c.assessments.all(),
                               lambda c, d: casework.assessment_add(actor=request.user, case=c, **d))  # fmt: skip

    @extend_schema(
        summary="Rencana intervensi",
        request=PlanItemSerializer,
        responses={200: PlanItemSerializer(many=True), 201: PlanItemSerializer},
    )
    @idempotent_api
    @action(detail=True, methods=["get", "post"], url_path="rencana", pagination_class=None)
    def plan(self, request, pk=None):
        return self._case_work(request, PlanItemSerializer, lambda c: c.plan_items.all(),
                               lambda c, d: casework.plan_item_add(actor=request.user, case=c, **d))  # fmt: skip

    @extend_schema(
        summary="Layanan yang diberikan", request=ServiceDeliverySerializer,
        responses={200: ServiceDeliverySerializer(many=True), 201: ServiceDeliverySerializer},
    )  # fmt: skip
    @idempotent_api
    @action(detail=True, methods=["get", "post"], url_path="layanan", pagination_class=None)
    def services(self, request, pk=None):
        return self._case_work(request, ServiceDeliverySerializer,
                               lambda c: c.services.select_related("programme", "atensi_component"),
                               lambda c, d: casework.service_record(actor=request.user, case=c, **d))  # fmt: skip

    @extend_schema(
        summary="Catatan kasus",
        request=CaseNoteSerializer,
        responses={200: CaseNoteSerializer(many=True), 201: CaseNoteSerializer},
    )
    @idempotent_api
    @action(detail=True, methods=["get", "post"], url_path="catatan", pagination_class=None)
    def notes(self, request, pk=None):
        return self._case_work(request, CaseNoteSerializer, lambda c: c.notes.all(),
                               lambda c, d: casework.note_add(actor=request.user, case=c, **d))  # fmt: skip

    @extend_schema(
        summary="Rujukan kasus",
        request=ReferralSerializer,
        responses={200: ReferralSerializer(many=True), 201: ReferralSerializer},
    )
    @idempotent_api
    @action(detail=True, methods=["get", "post"], url_path="rujukan", pagination_class=None)
    def referrals(self, request, pk=None):
        def send(case, data):
            return referral_services.referral_send(actor=request.user, case=case, **data)

        return self._case_work(request, ReferralSerializer, lambda c: c.referrals.all(), send)

    @extend_schema(
        summary="Lampiran kasus (unggah multipart; unduh lewat tautan `download`)",
        request={"multipart/form-data": AttachmentSerializer},
        responses={200: AttachmentSerializer(many=True), 201: AttachmentSerializer},
    )  # fmt: skip
    @idempotent_api
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="lampiran",
        parser_classes=[MultiPartParser],
        pagination_class=None,
    )
    def attachments(self, request, pk=None):
        # Letters and photos are often medical, legal or about a child: as on the pages, they are listed
        # to those who may read the case work and added by those who work the case.
        return self._case_work(
            request, AttachmentSerializer, lambda c: c.attachments.all(),
            lambda c, d: attachment_services.attachment_add(actor=request.user, case=c, upload=d["file"],
                                                    description=d.get("description", "")),
        )  # fmt: skip

    @extend_schema(summary="Menugaskan pekerja sosial", request=CaseAssignSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"], url_path="tugaskan")
    def assign(self, request, pk=None):
        case = self.get_object()
        require(request.user, "ppks.assign_case", case)
        serializer = CaseAssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            case = services.case_assign(actor=request.user, case=case, worker=serializer.validated_data["worker"])
        except ValidationError as exc:
            raise api_validation_error(exc) from exc
        return Response(CaseSerializer(case, context=self.get_serializer_context()).data)
