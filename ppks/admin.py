"""Reference lists are data the office maintains: editable here. Persons, households and cases are
not in the admin: every read of them goes through the user's scope (kesos.accounts.scope)."""

from django.contrib import admin

from .models import PpksCategory, Referensi


@admin.register(Referensi)
class ReferensiAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "code", "order", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["label", "code"]
    list_editable = ["order", "active"]


@admin.register(PpksCategory)
class PpksCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "abbreviation", "name", "active"]
    list_filter = ["active"]
    search_fields = ["code", "abbreviation", "name", "legacy_labels"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []  # once set, stable: imports and recaps rely on it
