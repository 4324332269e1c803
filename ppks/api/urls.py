from rest_framework.routers import SimpleRouter

from .views import CaseViewSet, HouseholdViewSet, PersonViewSet, PpksCategoryViewSet, ReferensiViewSet

app_name = "ppks-api"
router = SimpleRouter()
router.register("orang", PersonViewSet, basename="person")
router.register("keluarga", HouseholdViewSet, basename="household")
router.register("kasus", CaseViewSet, basename="case")
router.register("jenis-ppks", PpksCategoryViewSet, basename="category")
router.register("referensi", ReferensiViewSet, basename="referensi")
urlpatterns = router.urls
