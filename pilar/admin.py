"""Reference lists are data the office maintains: the pillar types are editable here (names, recap
labels and order, whether a type is kept on the roster). Members, events and reports are not in
the admin: every read of them goes through the user's scope (kesos.accounts.scope)."""

from django.contrib import admin

from .models import PilarType


@admin.register(PilarType)
class PilarTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "abbreviation", "name", "kind", "level", "psks", "roster", "recap_label", "recap_order",
                    "order", "active"]  # fmt: skip
    list_filter = ["active", "psks", "roster", "kind", "level"]
    search_fields = ["code", "abbreviation", "name", "recap_label"]
    list_editable = ["recap_order", "order", "active"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []  # once set, stable: coverage, recaps, the demo and the services rely on it
