from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Assignment, Office, User


class AssignmentInline(admin.TabularInline):
    model = Assignment
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


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "wilayah", "city", "head_name"]
    list_select_related = ["wilayah"]
    autocomplete_fields = ["wilayah"]
    search_fields = ["name"]
