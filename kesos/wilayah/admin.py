from django.contrib import admin

from .models import Wilayah


@admin.register(Wilayah)
class WilayahAdmin(admin.ModelAdmin):
    """Regions come from `load_wilayah`; the admin only browses them."""

    list_display = ["code", "name", "kind", "postal_code", "active"]
    list_filter = ["level", "kind", "active"]
    search_fields = ["code", "name"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
