"""FilterSets shared by the web lists and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from supervision.models import Authority, BusinessDomain, CAVendor, Contact, Platform, Region


class SearchFilterSet(django_filters.FilterSet):
    """A FilterSet with a free-text ``q`` over ``search_fields``."""

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(method="search", label=_("Search"))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class RegionFilterSet(SearchFilterSet):
    search_fields = ("code", "name")
    parent = django_filters.CharFilter(field_name="parent__code", label=_("parent code"))

    class Meta:
        model = Region
        fields = ["level", "province_governed"]


class AuthorityFilterSet(SearchFilterSet):
    search_fields = ("name", "region__name")
    region = django_filters.CharFilter(field_name="region__code", label=_("region code"))

    class Meta:
        model = Authority
        fields = ["kind"]


class PlatformFilterSet(SearchFilterSet):
    search_fields = ("name", "operator_company", "operator_authority__name", "region__name")
    region = django_filters.CharFilter(field_name="region__code", label=_("region code"))
    domain = django_filters.ModelChoiceFilter(
        field_name="domains", queryset=BusinessDomain.objects.all(), label=_("business domain")
    )

    class Meta:
        model = Platform
        fields = ["kind", "active"]


class CAVendorFilterSet(SearchFilterSet):
    search_fields = ("name", "short_name", "credit_code")

    class Meta:
        model = CAVendor
        fields = ["crypto_filing_status"]


class ContactFilterSet(SearchFilterSet):
    search_fields = ("name", "email", "phone", "authority__name", "platform__name", "vendor__name")
    authority = django_filters.NumberFilter(field_name="authority_id", label=_("authority"))
    platform = django_filters.NumberFilter(field_name="platform_id", label=_("platform"))
    vendor = django_filters.NumberFilter(field_name="vendor_id", label=_("CA vendor"))

    class Meta:
        model = Contact
        fields = ["is_shared_mailbox"]
