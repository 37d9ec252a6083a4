"""The base of every admin page: scoped like the rest of the portal, with change history."""

from dataclasses import dataclass

from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models.fields.files import FieldFile
from django.shortcuts import get_object_or_404
from django.utils.html import format_html
from rules.contrib.admin import ObjectPermissionsModelAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from portal.downloads import download_url


@dataclass(frozen=True)
class StoredFile:
    """What the admin's file widget shows of a stored file: its name, linked to ``url``."""

    name: str
    url: str

    def __str__(self) -> str:
        return self.name


class ScopedFileWidget(AdminFileWidget):
    """The admin's file input, linking a stored file to its scoped download view (``portal.downloads``):
    there is no ``/media/`` route, and the download checks that the user may see the row."""

    def is_initial(self, value) -> bool:
        return isinstance(value, FieldFile) and bool(value) and value.instance.pk is not None

    def format_value(self, value):
        if self.is_initial(value):
            return StoredFile(name=value.name, url=download_url(value))
        return None


def file_link(field: models.FileField):
    """A read-only display of ``field`` for the admin: the file's name, linked to its download view."""

    def show(obj) -> str:
        value = getattr(obj, field.name)
        if not value or obj.pk is None:
            return "-"
        return format_html('<a href="{}">{}</a>', download_url(value), value.name)

    show.short_description = field.verbose_name
    return show


class ScopedAdmin(ObjectPermissionsModelAdminMixin, SimpleHistoryAdmin):
    """Non-superusers see and pick only what ``visible_to`` allows; writes follow the rules; the history
    of a record (its list and each past version) opens only for a record the user may see."""

    formfield_overrides = {models.FileField: {"widget": ScopedFileWidget}}

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        # Django shows a read-only file as a link to its storage URL (/media/…, not served): such a
        # file is shown through its own display instead, linked to the scoped download view.
        self.file_links = {f.name: file_link(f) for f in model._meta.fields if isinstance(f, models.FileField)}

    def _read_only_files(self, request, obj) -> list[str]:
        """The file fields shown read-only: all of them on a view-only page, else those named read-only."""
        if obj is not None and not self.has_change_permission(request, obj):
            return list(self.file_links)
        return [name for name in super().get_readonly_fields(request, obj) if name in self.file_links]

    def get_exclude(self, request, obj=None):
        files = self._read_only_files(request, obj)
        exclude = super().get_exclude(request, obj)
        return [*(exclude or ()), *files] if files else exclude

    def get_readonly_fields(self, request, obj=None):
        names = [name for name in super().get_readonly_fields(request, obj) if name not in self.file_links]
        return [*names, *(self.file_links[name] for name in self._read_only_files(request, obj))]

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
