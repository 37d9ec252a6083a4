"""Operations shared by the web pages and the API: uploads, trust-list changes, matrix figures."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from certificates import chains, findings, uploading
from certificates.chains import role_of
from certificates.models import CACertificate, CertificateUpload
from certificates.uploads import certificate_error_message
from supervision.models import CAVendor


def upload_vendor(user, vendor: CAVendor | None) -> CAVendor:
    """The vendor an upload is for: a vendor user's own; an administrator names one in scope."""
    if not user.has_perm(CACertificate.get_perm("add")):
        raise PermissionDenied
    if user.vendor_id:
        return user.vendor
    if vendor is None:
        raise ValidationError({"vendor": _("Name the CA vendor the certificates belong to.")})
    if not CAVendor.objects.visible_to(user).filter(pk=vendor.pk).exists():
        raise PermissionDenied
    return vendor


def require_ca_certificates(parsed, filename: str = "") -> None:
    """End-entity-only files are refused before anything is stored."""
    if not any(role_of(item) for item in parsed):
        raise ValidationError(certificate_error_message("no_ca_certificate", filename), code="no_ca_certificate")


def receive_upload(upload_file, parsed, *, vendor, user, notes: str = "") -> CertificateUpload:
    """Keep the uploaded file and process it: store its CA certificates and record ``vendor``'s claims,
    in the request, or in Celery when the file holds many certificates (``certificates.uploading``)."""
    require_ca_certificates(parsed, upload_file.name)
    with transaction.atomic():
        upload = CertificateUpload.objects.create(
            file=upload_file,
            original_name=upload_file.name[:200],
            vendor=vendor,
            created_by=user,
            notes=notes.strip(),
            total=len(parsed),
        )
        uploading.start(upload, len(parsed))
    upload.refresh_from_db()
    return upload


def delete_certificate(cert: CACertificate) -> int:
    """Delete a CA certificate (refused while trust lists hold it: ``ProtectedError``) and rebuild the
    chains that went through it, so no certificate below stays "valid" on a chain that is gone.
    Returns how many chains were rebuilt."""
    with transaction.atomic():
        below = [c for pk, c in chains.affected_by(cert).items() if pk != cert.pk]
        cert.delete()
        return chains.recompute_chains(below)


def trust_list_changed(platform, user) -> int:
    return findings.after_trust_list_change(platform, by=user)


def province_figures(result) -> dict:
    return {
        "region": result.region.code if result.region else "",
        "region_name": result.region.name if result.region else "",
        "scope": result.filters.scope,
        "status": result.filters.status,
        "today": result.today.isoformat(),
        "platforms": [{"id": p["pk"], "name": p["name"], "region": p["region_id"]} for p in result.platforms],
        "platforms_truncated": result.platforms_truncated,
        "vendors": [
            {
                "id": row.vendor.pk,
                "name": row.vendor.name,
                "short_name": row.vendor.short_name,
                "due_date": row.due.isoformat() if row.due else None,
                "total": row.total,
                "verified": row.verified,
                "cells": [
                    {
                        "platform": platform["pk"],
                        "status": cell.status,
                        "total": cell.total,
                        "verified": cell.verified,
                        "unconfirmed": cell.unconfirmed,
                        "days_left": cell.days_left,
                    }
                    for platform, cell in zip(result.platforms, row.cells, strict=True)
                    if cell.total
                ],
            }
            for row in result.rows
        ],
        "page": result.page.number,
        "pages": result.page.paginator.num_pages,
    }


def national_figures(result) -> dict:
    return {
        "scope": result.filters.scope,
        "status": result.filters.status,
        "columns": [{"region": c["code"], "name": c["name"]} for c in result.columns],
        "vendors": [
            {
                "id": row.vendor.pk,
                "name": row.vendor.name,
                "short_name": row.vendor.short_name,
                "total": row.total,
                "verified": row.verified,
                "cells": [
                    {"region": column["code"], "total": share.total, "verified": share.verified, "share": share.share}
                    for column, share in zip(result.columns, row.cells, strict=True)
                    if share.total
                ],
            }
            for row in result.rows
        ],
        "page": result.page.number,
        "pages": result.page.paginator.num_pages,
    }
