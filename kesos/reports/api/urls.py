from rest_framework.routers import SimpleRouter

from .views import ReportViewSet

app_name = "reports-api"
router = SimpleRouter()
router.register("", ReportViewSet, basename="report")
urlpatterns = router.urls
