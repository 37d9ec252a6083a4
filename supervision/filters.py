"""FilterSets shared by the web lists and the API."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.autocomplete import AutocompleteFilter
from portal.filters import SearchFilterSet
from supervision.models import (
    Authority,
    BusinessDomain,
    CAVendor,
    Contact,
    Criticism,
    Directive,
    Finding,
    Notification,
    Obligation,
    Platform,
    RectificationCase,
    Region,
)


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
    FILING = [("unfiled", _("known to be without a valid filing")), ("valid", _("valid filing on record"))]
    filing = django_filters.ChoiceFilter(label=_("cryptography filing"), choices=FILING, method="filter_filing")

    class Meta:
        model = CAVendor
        fields = ["crypto_filing_status"]

    def filter_filing(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(CAVendor.unfiled_q(today) if value == "unfiled" else CAVendor.filing_valid_q(today))


class ContactFilterSet(SearchFilterSet):
    search_fields = ("name", "email", "phone", "authority__name", "platform__name", "vendor__name")
    authority = AutocompleteFilter("supervision.Authority", field_name="authority_id", label=_("authority"))
    platform = AutocompleteFilter("supervision.Platform", field_name="platform_id", label=_("platform"))
    vendor = AutocompleteFilter("supervision.CAVendor", field_name="vendor_id", label=_("CA vendor"))

    class Meta:
        model = Contact
        fields = ["is_shared_mailbox"]


# --- the deadlines engine ------------------------------------------------------------------------
PARTY_TYPES = [("vendor", _("CA vendor")), ("platform", _("platform")), ("authority", _("authority"))]


class PartyFilterSet(SearchFilterSet):
    """Filters shared by obligations, findings and cases: the party and its type."""

    party_type = django_filters.ChoiceFilter(choices=PARTY_TYPES, method="by_party_type", label=_("party type"))
    vendor = AutocompleteFilter("supervision.CAVendor", field_name="vendor_id", label=_("CA vendor"))
    platform = AutocompleteFilter("supervision.Platform", field_name="platform_id", label=_("platform"))
    authority = AutocompleteFilter("supervision.Authority", field_name="authority_id", label=_("authority"))

    def by_party_type(self, queryset, name, value):
        return queryset.filter(**{f"{value}__isnull": False}) if value else queryset


class DirectiveFilterSet(SearchFilterSet):
    search_fields = ("number", "title", "text")

    class Meta:
        model = Directive
        fields = ["year", "issuer"]


class ObligationFilterSet(PartyFilterSet):
    search_fields = ("title", "vendor__name", "platform__name", "authority__name", "directive__number")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte", label=_("due from"))
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", label=_("due until"))
    no_date = django_filters.BooleanFilter(field_name="due_date", lookup_expr="isnull", label=_("no due date"))

    class Meta:
        model = Obligation
        fields = ["status", "kind", "directive", "campaign"]


class FindingFilterSet(PartyFilterSet):
    search_fields = ("summary", "dedup_key", "vendor__name", "platform__name", "authority__name")

    class Meta:
        model = Finding
        fields = ["status", "kind"]


class CaseFilterSet(PartyFilterSet):
    search_fields = ("number", "title", "vendor__name", "platform__name", "authority__name")

    class Meta:
        model = RectificationCase
        fields = ["status"]


class CriticismFilterSet(SearchFilterSet):
    search_fields = ("title", "number", "body")

    class Meta:
        model = Criticism
        fields = ["status"]


class NotificationFilterSet(SearchFilterSet):
    search_fields = ("subject", "recipient", "recipient_name")
    # Searchable, never a list of every obligation and case: that would name duties and cases outside
    # the user's scope, and a national table's worth of them would make the page megabytes long.
    obligation = AutocompleteFilter("supervision.Obligation", field_name="obligation_id", label=_("obligation"))
    case = AutocompleteFilter("supervision.RectificationCase", field_name="case_id", label=_("rectification case"))

    class Meta:
        model = Notification
        fields = ["status", "channel", "stage", "is_copy"]
