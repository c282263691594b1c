from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from mediaportal.admin import PortalAdminMixin

from .models import User

# What only a superuser may set: who opens the admin and with which rights.
PRIVILEGE_FIELDS = ["is_staff", "is_superuser", "groups", "user_permissions"]


@admin.register(User)
class UserAdmin(PortalAdminMixin, DjangoUserAdmin):
    """Django's user admin, closed to privilege escalation (the warning in
    Django's docs on ``UserAdmin``): a member of staff who may change users
    still cannot grant staff, superuser, groups or permissions, cannot edit a
    staff or superuser account other than their own, and cannot set anyone's
    password but their own. Superusers keep the full admin."""

    ordering = ["email"]
    list_display = ["email", "full_name", "organisation", "country", "is_staff", "is_active"]
    search_fields = ["email", "full_name", "organisation"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["full_name", "organisation", "job_title", "country", "preferred_language"]}),
        (_("Permissions"), {"fields": ["is_active", *PRIVILEGE_FIELDS]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or request.user.is_superuser or obj.pk == request.user.pk:
            return True
        return not (obj.is_staff or obj.is_superuser)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or request.user.is_superuser or obj.pk == request.user.pk:
            return fieldsets
        # The password field links to the set-password form, which is refused.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += [f for f in PRIVILEGE_FIELDS if f not in readonly]
        return readonly

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        if user is not None and not request.user.is_superuser and user.pk != request.user.pk:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)
