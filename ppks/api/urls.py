from rest_framework.routers import SimpleRouter

from .views import PersonViewSet

app_name = "ppks-api"
router = SimpleRouter()
router.register("orang", PersonViewSet, basename="person")
urlpatterns = router.urls
