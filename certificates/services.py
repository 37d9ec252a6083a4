"""Operations shared by the web pages and the API: uploads, trust-list changes, matrix figures."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from certificates import chains, expiry, findings
from certificates.chains import StoreResult, store_certificates
from certificates.models import CACertificate
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


def store_upload(parsed, *, vendor, user, filename: str = "", notes: str = "") -> StoreResult:
    """Store an upload's CA certificates; end-entity-only files are refused (nothing stored)."""
    with transaction.atomic():
        result = store_certificates(parsed, vendor=vendor, user=user, filename=filename)
        if not result.created and not result.existing:
            raise ValidationError(certificate_error_message("no_ca_certificate", filename), code="no_ca_certificate")
        if notes.strip():
            for cert in result.created:
                cert.notes = notes.strip()
                cert.save(update_fields=["notes", "updated"])
        expiry.check_certificates(result.created)
        expiry.fulfil_renewed(result.created, by=user)
    return result


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
