"""FilterSets shared by the web lists and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from certificates.models import (
    CACertificate,
    CertificateClaim,
    ChainStatus,
    ClaimStatus,
    Product,
    RecognitionRecord,
    RecognitionScope,
    RecognitionStatus,
    SharedApp,
    TrustListEntry,
)
from portal.autocomplete import AutocompleteFilter
from portal.filters import IdFilter, SearchFilterSet


def region_tree_q(code: str, path: str = "platform__region") -> Q:
    """Platforms of the region ``code`` and of the regions below it."""
    return Q(**{f"{path}_id": code}) | Q(**{f"{path}__parent_id": code}) | Q(**{f"{path}__parent__parent_id": code})


class CACertificateFilterSet(SearchFilterSet):
    search_fields = ("subject", "issuer_name", "serial_hex", "sha256_fingerprint", "sm3_fingerprint", "vendor__name")
    vendor = AutocompleteFilter("supervision.CAVendor", field_name="vendor_id", label=_("CA vendor"))
    chain_status = django_filters.ChoiceFilter(choices=ChainStatus.choices, label=_("chain status"))
    key_algorithm = django_filters.ChoiceFilter(
        choices=[("RSA", "RSA"), ("EC", "EC"), ("SM2", "SM2")], label=_("public key algorithm")
    )

    class Meta:
        model = CACertificate
        fields = ["role"]


class CertificateClaimFilterSet(SearchFilterSet):
    search_fields = ("certificate__subject", "certificate__sha256_fingerprint", "vendor__name", "vendor__short_name")
    status = django_filters.ChoiceFilter(choices=ClaimStatus.choices, label=_("status"))
    vendor = IdFilter(field_name="vendor_id", label=_("CA vendor"))
    certificate = IdFilter(field_name="certificate_id", label=_("CA certificate"))
    conflict = django_filters.BooleanFilter(method="in_conflict", label=_("claimed by two or more vendors"))

    class Meta:
        model = CertificateClaim
        fields = []

    def in_conflict(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if value is None or user is None or not user.is_administrator:
            return queryset  # a vendor never learns whether another vendor claims its certificates
        contested = CertificateClaim.objects.in_conflict().values("pk")
        return queryset.filter(pk__in=contested) if value else queryset.exclude(pk__in=contested)


class ProductFilterSet(SearchFilterSet):
    search_fields = ("name", "description", "vendor__name", "vendor__short_name")
    vendor = AutocompleteFilter("supervision.CAVendor", field_name="vendor_id", label=_("CA vendor"))

    class Meta:
        model = Product
        fields = ["kind", "carrier", "active"]


class SharedAppFilterSet(SearchFilterSet):
    search_fields = ("name", "description", "vendor__name", "vendor__short_name")
    vendor = AutocompleteFilter("supervision.CAVendor", field_name="vendor_id", label=_("CA vendor"))

    class Meta:
        model = SharedApp
        fields = ["active"]


class TrustListEntryFilterSet(SearchFilterSet):
    search_fields = ("platform__name", "certificate__subject", "certificate__sha256_fingerprint")
    platform = AutocompleteFilter("supervision.Platform", field_name="platform_id", label=_("platform"))
    vendor = AutocompleteFilter("supervision.CAVendor", field_name="certificate__vendor_id", label=_("CA vendor"))

    class Meta:
        model = TrustListEntry
        fields = []


class RecognitionRecordFilterSet(SearchFilterSet):
    search_fields = ("platform__name", "vendor__name", "vendor__short_name", "other_vendor__short_name")
    vendor = AutocompleteFilter("supervision.CAVendor", field_name="vendor_id", label=_("CA vendor"))
    platform = AutocompleteFilter("supervision.Platform", field_name="platform_id", label=_("platform"))
    region = django_filters.CharFilter(method="in_region", label=_("region code"))
    scope = django_filters.ChoiceFilter(choices=RecognitionScope.choices, label=_("scope"))
    status = django_filters.MultipleChoiceFilter(choices=RecognitionStatus.choices, label=_("status"))

    class Meta:
        model = RecognitionRecord
        fields = ["seals_included", "confirmed_by_platform"]

    def in_region(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(region_tree_q(value)) if value else queryset
