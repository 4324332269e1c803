"""Reference lists are data the office maintains: the LKS types are editable here. LKS, their
residents and documents are not in the admin: every read of them goes through the user's scope
(kesos.accounts.scope)."""

from django.contrib import admin

from .models import LksType


@admin.register(LksType)
class LksTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "abbreviation", "name", "order", "active"]
    list_filter = ["active"]
    search_fields = ["code", "abbreviation", "name"]
    list_editable = ["order", "active"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []  # once set, stable: filters, recaps and the demo rely on it
