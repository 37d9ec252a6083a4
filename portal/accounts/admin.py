from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from portal.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    """Accounts are managed by superusers."""

    # Django's groups and per-user permissions are left out: rights come from each model's rules alone
    # (portal.accounts.backends).
    fieldsets = (
        *(
            (title, {**options, "fields": ("is_active", "is_staff", "is_superuser")})
            if "user_permissions" in options["fields"]
            else (title, options)
            for title, options in DjangoUserAdmin.fieldsets
        ),
        (_("Role"), {"fields": ("name", "role", "region", "vendor", "platform")}),
    )
    list_display = ["username", "name", "role", "region", "vendor", "platform", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    list_select_related = ["region", "vendor", "platform"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser


# Django's groups carry permissions, which grant nothing here (portal.accounts.backends): not offered.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)
