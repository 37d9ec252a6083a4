"""The base of every admin page: scoped like the rest of the portal, with change history."""

from rules.contrib.admin import ObjectPermissionsModelAdminMixin
from simple_history.admin import SimpleHistoryAdmin


class ScopedAdmin(ObjectPermissionsModelAdminMixin, SimpleHistoryAdmin):
    """Non-superusers see and pick only what ``visible_to`` allows; writes follow the rules."""

    def get_queryset(self, request):
        return self.model.objects.visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field.queryset, "visible_to"):
            field.queryset = field.queryset.visible_to(request.user)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and hasattr(field.queryset, "visible_to"):
            field.queryset = field.queryset.visible_to(request.user)
        return field

    def save_model(self, request, obj, form, change):
        from django.core.exceptions import PermissionDenied

        if not request.user.has_perm(obj.get_perm("change"), obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)
