"""Uploaded files are never public: each is served here, to a logged-in user who may see its row.

``/files/<app_label.model>/<pk>/<field>/`` looks the row up in ``Model.objects.visible_to(user)``
(a model without ``visible_to`` has no downloads) and answers the file as an attachment. Pages link
to it with the ``download_url`` template filter, the API with ``portal.api.fields.ScopedFileField``.
There is no ``/media/`` route, in development either.
"""

from pathlib import PurePath

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse


def file_response(field_file: FieldFile, filename: str = "", *, as_attachment: bool = True) -> FileResponse:
    """The stored file, or 404 when the field is empty or the file is gone."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=as_attachment, filename=filename or PurePath(field_file.name).name)


def download_url(field_file: FieldFile | None) -> str:
    """The scoped address of an uploaded file; "" when the field is empty."""
    if not field_file:
        return ""
    row = field_file.instance
    return reverse("download", args=[row._meta.label_lower, row.pk, field_file.field.name])


def download_name(row, field: str) -> str:
    """The name the user gave the file (``original_name`` or ``<field>_name``), else the stored name."""
    for attribute in ("original_name", f"{field}_name"):
        name = getattr(row, attribute, "")
        if isinstance(name, str) and name:
            return name
    return PurePath(getattr(row, field).name).name


@login_required
def download(request, model: str, pk: int, field: str) -> FileResponse:
    try:
        model_class = apps.get_model(model)
        file_field = model_class._meta.get_field(field)
    except (LookupError, ValueError, FieldDoesNotExist) as exc:
        raise Http404 from exc
    manager = model_class._default_manager
    if not isinstance(file_field, models.FileField) or not hasattr(manager, "visible_to"):
        raise Http404
    row = get_object_or_404(manager.visible_to(request.user), pk=pk)
    return file_response(getattr(row, field), download_name(row, field))
