"""The base of every admin page: scoped like the rest of the portal, with change history."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from rules.contrib.admin import ObjectPermissionsModelAdminMixin
from simple_history.admin import SimpleHistoryAdmin


class ScopedAdmin(ObjectPermissionsModelAdminMixin, SimpleHistoryAdmin):
    """Non-superusers see and pick only what ``visible_to`` allows; writes follow the rules; the history
    of a record (its list and each past version) opens only for a record the user may see."""

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
        if not request.user.has_perm(obj.get_perm("change"), obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    def _visible(self, request, object_id) -> None:
        # simple_history reads the history straight from the model: the record must be in scope first.
        get_object_or_404(self.get_queryset(request), pk=unquote(object_id))

    def history_view(self, request, object_id, extra_context=None):
        self._visible(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._visible(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)
