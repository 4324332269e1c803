from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.response import Response

from kesos.accounts.permissions import can
from kesos.audit import actions
from kesos.audit.services import audit_record
from kesos.core.adapters import api_validation_error

from .. import selectors, services
from .serializers import PersonSerializer


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


@extend_schema_view(
    list=extend_schema(
        summary="Daftar orang dalam wilayah pengguna",
        parameters=[
            OpenApiParameter("q", str, description="Nama, atau NIK/No. KK lengkap"),
            OpenApiParameter("wilayah", str, description="Kode wilayah, mis. 63.71"),
        ],
    ),
    retrieve=extend_schema(summary="Satu orang (akses dicatat dalam jejak audit)"),
    create=extend_schema(summary="Mencatat orang baru"),
    partial_update=extend_schema(summary="Mengubah data orang (kirim `version` yang terakhir dibaca)"),
)
class PersonViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Persons, scoped like the pages: out of scope is 404; NIK masked for roles that do not need it."""

    serializer_class = PersonSerializer
    filter_backends = []
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        params = self.request.query_params
        return selectors.person_list(user=self.request.user, q=params.get("q", ""), wilayah=params.get("wilayah", ""))

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Roles without by-name access are refused outright (403); out-of-scope records are 404.
        if not can(request.user, "ppks.view_person"):
            raise PermissionDenied("Peran Anda tidak dapat melihat data perorangan.")

    def get_object(self):
        return selectors.person_get(user=self.request.user, pk=self.kwargs["pk"])

    def retrieve(self, request, *args, **kwargs):
        person = self.get_object()
        audit_record(action=actions.VIEW, actor=request.user, obj=person)
        return Response(self.get_serializer(person).data)

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
