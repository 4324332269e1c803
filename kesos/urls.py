from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from kesos.accounts.forms import LoginForm
from kesos.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path(
        "masuk/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("akun/", include("kesos.accounts.twofactor_urls")),
    path("pengguna/", include("kesos.accounts.urls")),
    path("notifikasi/", include("kesos.accounts.inbox_urls")),
    path("lks/", include("lks.urls")),
    path("pilar/", include("pilar.urls")),
    path("audit/", include("kesos.audit.urls")),
    path("ppks/", include("ppks.urls")),
    path("laporan/", include("kesos.reports.urls")),
    path("dasbor/", include("kesos.reports.urls_dashboard")),
    path("wilayah/", include("kesos.wilayah.urls")),
    path("api/v1/", include("kesos.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

handler403 = "kesos.core.views.error_403"
handler404 = "kesos.core.views.error_404"
handler500 = "kesos.core.views.error_500"
