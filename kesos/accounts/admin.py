"""The Django admin: where the system administrator manages staff and superuser accounts and gives the
roles an Admin Provinsi may not (Admin Provinsi, Auditor, Pimpinan).

Its door is guarded twice when KESOS_REQUIRE_2FA is on: SecondFactorMiddleware holds every staff account
at the 2FA pages, and the site itself refuses a session that has not passed the second factor. Only a
superuser changes who is staff or superuser, and only a superuser edits a superuser's account.
"""

import datetime

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from .models import Assignment, Office, User
from .services import duty_conflict

PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


def _overlap(a: dict, b: dict) -> bool:
    end_a, end_b = a.get("ends_on") or datetime.date.max, b.get("ends_on") or datetime.date.max
    return a["starts_on"] < end_b and b["starts_on"] < end_a


class AssignmentInlineFormSet(BaseInlineFormSet):
    """The separation of duties of kesos.accounts.services, over the rows being saved together."""

    def clean(self):
        super().clean()
        rows = [
            form.cleaned_data
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("role")
            and form.cleaned_data.get("starts_on")
        ]
        for i, row in enumerate(rows):
            for other in rows[i + 1 :]:
                if _overlap(row, other) and (message := duty_conflict(row["role"], [other["role"]])):
                    raise ValidationError(message)


class AssignmentInline(admin.TabularInline):
    model = Assignment
    formset = AssignmentInlineFormSet
    extra = 0
    autocomplete_fields = ["wilayah"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "office", "is_active", "is_staff"]
    list_select_related = ["office"]
    search_fields = ["username", "full_name", "nip"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Data pribadi", {"fields": ["full_name", "nip", "phone", "email", "office"]}),
        ("Hak akses", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Waktu penting", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "full_name", "office", "password1", "password2"]})
    ]
    inlines = [AssignmentInline]

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return readonly if request.user.is_superuser else (*readonly, *PRIVILEGE_FIELDS)

    def get_queryset(self, request):
        # Staff who are not superusers never reach a superuser account: not in the list, not by id,
        # not in the bulk "delete selected" action (which checks no object permission).
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(is_superuser=False)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "wilayah", "city", "head_name"]
    list_select_related = ["wilayah"]
    autocomplete_fields = ["wilayah"]
    search_fields = ["name"]
