"""Admin pages. Certificates are read-only facts (upload through the portal); a recognition record's
status changes only through the workflow, so it is read-only here too."""

from django.contrib import admin

from certificates.models import (
    CACertificate,
    CertificateClaim,
    Product,
    RecognitionRecord,
    SharedApp,
    TrustListEntry,
)
from portal.admin import ScopedAdmin


@admin.register(CACertificate)
class CACertificateAdmin(ScopedAdmin):
    list_display = ["subject_cn", "vendor", "role", "key_algorithm", "not_after", "chain_status"]
    list_filter = ["role", "chain_status", "key_algorithm"]
    search_fields = ["subject", "sha256_fingerprint", "sm3_fingerprint"]
    list_select_related = ["vendor"]
    exclude = ["der", "spki_der"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in ("notes", "der", "spki_der")]

    def has_add_permission(self, request):
        return False


@admin.register(CertificateClaim)
class CertificateClaimAdmin(ScopedAdmin):
    """Read-only: a claim is decided in the portal (its page or the API), where the decision's rules run."""

    list_display = ["certificate", "vendor", "status", "basis", "created", "decided_at"]
    list_filter = ["status", "basis"]
    list_select_related = ["certificate", "vendor"]
    search_fields = ["certificate__subject", "certificate__sha256_fingerprint", "vendor__name"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Product)
class ProductAdmin(ScopedAdmin):
    list_display = ["name", "vendor", "kind", "carrier", "active"]
    list_filter = ["kind", "carrier", "active"]
    list_select_related = ["vendor"]


@admin.register(SharedApp)
class SharedAppAdmin(ScopedAdmin):
    list_display = ["name", "vendor", "version", "active"]
    list_select_related = ["vendor"]


@admin.register(TrustListEntry)
class TrustListEntryAdmin(ScopedAdmin):
    list_display = ["platform", "certificate"]
    list_select_related = ["platform", "certificate"]
    raw_id_fields = ["certificate"]


@admin.register(RecognitionRecord)
class RecognitionRecordAdmin(ScopedAdmin):
    list_display = ["vendor", "platform", "scope", "other_vendor", "seals_included", "status", "confirmed_by_platform"]
    list_filter = ["scope", "status", "confirmed_by_platform"]
    list_select_related = ["vendor", "platform", "other_vendor"]
    readonly_fields = [
        "status",
        "status_changed_at",
        "done_at",
        "confirmed_by_platform",
        "confirmed_at",
        "confirmed_by",
        "verified_at",
        "verified_by",
    ]
