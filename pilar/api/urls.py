from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import CoverageView, MemberViewSet, PilarTypeViewSet

app_name = "pilar-api"
router = SimpleRouter()
router.register("jenis-pilar", PilarTypeViewSet, basename="type")
router.register("anggota", MemberViewSet, basename="member")
urlpatterns = [path("cakupan/", CoverageView.as_view(), name="coverage"), *router.urls]
