"""Bulk import (xlsx): a template, a dry-run preview with row-level errors, then all or nothing."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.formats.base_formats import XLSX
from tablib import Dataset

from certificates.exports import XLSX as XLSX_TYPE
from certificates.forms import ImportForm
from certificates.models import RecognitionRecord, TrustListEntry
from certificates.resources import RecognitionResource, TrustListResource

KINDS = {
    "recognition": {
        "resource": RecognitionResource,
        "model": RecognitionRecord,
        "title": gettext_lazy("Import recognition statuses"),
        "example": ["BJCA", "濮阳市公共资源交易中心交易平台", "same_vendor", "", "yes", "in_progress", ""],
    },
    "trust-list": {
        "resource": TrustListResource,
        "model": TrustListEntry,
        "title": gettext_lazy("Import trust lists"),
        "example": ["濮阳市公共资源交易中心交易平台", "SHA-256 fingerprint (64 hex digits)", ""],
    },
}
SESSION_KEY = "certificates_imports"


def _kind(kind: str, user) -> dict:
    spec = KINDS.get(kind)
    if spec is None:
        raise Http404
    if not user.has_perm(spec["model"].get_perm("add")):
        raise PermissionDenied
    return spec


def _import_headers(resource) -> list[str]:
    return [f.column_name for f in resource.get_import_fields() if not f.readonly]


@login_required
def template(request, kind):
    spec = _kind(kind, request.user)
    resource = spec["resource"](request.user)
    dataset = Dataset(headers=_import_headers(resource))
    dataset.append(spec["example"])
    response = HttpResponse(dataset.export("xlsx"), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.xlsx"'
    return response


@login_required
def export(request, kind):
    spec = KINDS.get(kind)
    if spec is None:
        raise Http404
    resource = spec["resource"](request.user)
    dataset = resource.export()
    response = HttpResponse(dataset.export("xlsx"), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{kind}.xlsx"'
    return response


def _load(data: bytes) -> Dataset:
    try:
        dataset = XLSX().create_dataset(data)
    except Exception as exc:  # a damaged workbook: say so, never a 500
        raise ValidationError(_("The workbook cannot be read; download the template and fill it in.")) from exc
    return dataset


def _run(spec, user, data: bytes, *, dry_run: bool):
    dataset = _load(data)
    missing = [h for h in _import_headers(spec["resource"](user)) if h not in (dataset.headers or [])]
    if missing:
        raise ValidationError(
            _("Columns missing from the first row: %(columns)s. Start from the template.")
            % {"columns": ", ".join(missing)}
        )
    if not dataset.height:
        raise ValidationError(_("The workbook has no rows to import."))
    resource = spec["resource"](user)
    try:
        return resource.import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
            collect_failed_rows=False,
        )
    except ValidationError:
        raise
    except Exception as exc:
        raise ValidationError(_("The import could not be run: %(error)s") % {"error": exc}) from exc


def _rows(result) -> list[dict]:
    rows = []
    for number, row in enumerate(result.rows, start=2):  # row 1 holds the column names
        errors = []
        if row.validation_error is not None:
            error = row.validation_error
            if hasattr(error, "error_dict"):
                errors += [f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items()]
            else:
                errors += list(error.messages)
        errors += [str(e.error) for e in row.errors]
        rows.append(
            {
                "number": number,
                "type": row.import_type,
                "values": list((row.row_values or {}).values()),
                "errors": errors,
            }
        )
    return rows


def _headers(result) -> list[str]:
    return list((result.rows[0].row_values or {}).keys()) if result.rows else []


def _summary(result) -> dict:
    totals = result.totals
    return {key: totals.get(key, 0) for key in ("new", "update", "skip", "error", "invalid")}


@login_required
def upload(request, kind):
    spec = _kind(kind, request.user)
    context = {"kind": kind, "title": spec["title"], "form": ImportForm()}
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, kind, spec, context)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            data = form.cleaned_data["file"].read()
            try:
                result = _run(spec, request.user, data, dry_run=True)
            except ValidationError as exc:
                form.add_error("file", exc)
                return render(request, "certificates/import.html", context)
            context |= {"rows": _rows(result), "summary": _summary(result), "headers": _headers(result)}
            context["ok"] = not (result.has_errors() or result.has_validation_errors())
            if context["ok"]:
                token = uuid.uuid4().hex
                default_storage.save(f"imports/{token}.xlsx", ContentFile(data))
                pending = request.session.get(SESSION_KEY, {})
                pending[token] = kind
                request.session[SESSION_KEY] = pending
                context["token"] = token
    return render(request, "certificates/import.html", context)


def _confirm(request, kind, spec, context):
    token = request.POST.get("token", "")
    pending = request.session.get(SESSION_KEY, {})
    if pending.get(token) != kind:
        messages.error(request, _("This preview has expired; upload the file again."))
        return redirect(request.path)
    name = f"imports/{token}.xlsx"
    try:
        with default_storage.open(name) as handle:
            data = handle.read()
    except OSError:
        messages.error(request, _("This preview has expired; upload the file again."))
        return redirect(request.path)
    try:
        result = _run(spec, request.user, data, dry_run=False)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(request.path)
    pending.pop(token, None)
    request.session[SESSION_KEY] = pending
    default_storage.delete(name)
    if result.has_errors() or result.has_validation_errors():
        context |= {"rows": _rows(result), "summary": _summary(result), "headers": _headers(result), "failed": True}
        return render(request, "certificates/import.html", context)
    summary = _summary(result)
    messages.success(
        request,
        _("Imported: %(new)d new, %(update)d changed, %(skip)d unchanged.") % summary,
    )
    return redirect(
        "certificates:recognitionrecord_list" if kind == "recognition" else "certificates:trustlistentry_list"
    )
