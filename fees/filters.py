"""FilterSets shared by the web lists and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from fees.models import FeeComplaint, FeeFiling, FeeFilingLine, FeeItem, ProductKind
from portal.filters import IdFilter, SearchFilterSet
from supervision.models import CAVendor


class ProductKindFilterSet(SearchFilterSet):
    search_fields = ("code", "name")

    class Meta:
        model = ProductKind
        fields = []


class FeeItemFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "forbidden_by__number")

    class Meta:
        model = FeeItem
        fields = ["prohibited"]


class FeeFilingFilterSet(SearchFilterSet):
    search_fields = ("vendor__name", "vendor__short_name", "region__name", "note")
    vendor = django_filters.ModelChoiceFilter(queryset=CAVendor.objects.all(), label=_("CA vendor"))
    region = django_filters.CharFilter(field_name="region__code", label=_("region code"))
    effective_from = django_filters.DateFilter(
        field_name="effective_date", lookup_expr="gte", label=_("effective from")
    )
    effective_to = django_filters.DateFilter(field_name="effective_date", lookup_expr="lte", label=_("effective until"))

    class Meta:
        model = FeeFiling
        fields = ["status"]


class FeeFilingLineFilterSet(django_filters.FilterSet):
    filing = IdFilter(field_name="filing_id", label=_("filing"))
    vendor = IdFilter(field_name="filing__vendor_id", label=_("CA vendor"))
    region = django_filters.CharFilter(field_name="filing__region__code", label=_("region code"))

    class Meta:
        model = FeeFilingLine
        fields = ["product", "item"]


class FeeComplaintFilterSet(SearchFilterSet):
    search_fields = ("tracking_number", "vendor__name", "platform__name", "description")
    vendor = django_filters.ModelChoiceFilter(queryset=CAVendor.objects.all(), label=_("CA vendor"))

    class Meta:
        model = FeeComplaint
        fields = ["status"]
