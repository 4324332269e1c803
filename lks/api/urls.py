from rest_framework.routers import SimpleRouter

from .views import LksTypeViewSet, LksViewSet

app_name = "lks-api"
router = SimpleRouter()
router.register("jenis-lks", LksTypeViewSet, basename="type")
router.register("lks", LksViewSet, basename="lks")
urlpatterns = router.urls
