"""The Django admin site of Kesos: Django's, refusing a staff session that has not passed the second factor."""

from django.conf import settings
from django.contrib import admin


class KesosAdminSite(admin.AdminSite):
    """With KESOS_REQUIRE_2FA on, a password alone opens no page of the admin, whatever the middleware does."""

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return not settings.KESOS_REQUIRE_2FA or request.user.is_verified()
