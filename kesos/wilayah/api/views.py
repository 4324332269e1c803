from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics

from kesos.core.api_query import QueryParams, region, validated_query
from kesos.wilayah import selectors

from .serializers import WilayahDetailSerializer, WilayahSerializer

NOT_FOUND = OpenApiResponse(description="Wilayah tidak ada atau di luar provinsi pengguna.")
UNAUTHENTICATED = OpenApiResponse(description="Belum masuk.")


class ChildrenQuery(QueryParams):
    induk = region("Kode induk, mis. 63.72. Kosong: daftar provinsi.")


@extend_schema(
    summary="Anak wilayah (untuk pemilih wilayah berjenjang)",
    parameters=[ChildrenQuery],
    responses={200: WilayahSerializer(many=True), 403: UNAUTHENTICATED, 404: NOT_FOUND},
)
class WilayahChildrenView(generics.ListAPIView):
    """Children of one region: at most a few hundred rows, so the list is not paginated."""

    serializer_class = WilayahSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        parent = validated_query(self, ChildrenQuery)["induk"]
        return selectors.wilayah_children(user=self.request.user, parent=parent).order_by("code")


@extend_schema(
    summary="Satu wilayah beserta induknya",
    responses={200: WilayahDetailSerializer, 403: UNAUTHENTICATED, 404: NOT_FOUND},
)
class WilayahDetailView(generics.RetrieveAPIView):
    serializer_class = WilayahDetailSerializer

    def get_object(self):
        return selectors.wilayah_get(user=self.request.user, code=self.kwargs["code"])
