"""FilterSets of the trial, shared by the web lists and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from portal.autocomplete import AutocompleteFilter
from portal.filters import IdFilter, SearchFilterSet
from trial.models import (
    Agreement,
    Announcement,
    AnnouncementDisplay,
    Coverage,
    DecryptionIncident,
    Feedback,
    RemedyPlan,
    ReportingPeriod,
    TrialParticipant,
    TrialRound,
    UsageLine,
    UsageReport,
    WrittenReport,
)


class RoundFilter(django_filters.ModelChoiceFilter):
    """The trial round, chosen from the rounds (a select showing their names) and given by its code in the
    query string (``?round=2023``), as before; an unknown code is refused as an invalid choice."""

    def __init__(self, field_name: str = "round", **kwargs):
        kwargs.setdefault("label", _("round"))
        super().__init__(field_name=field_name, to_field_name="code", queryset=TrialRound.objects.all(), **kwargs)


class PlatformFilterMixin(django_filters.FilterSet):
    platform = AutocompleteFilter("supervision.Platform", field_name="platform_id", label=_("platform"))


class TrialRoundFilterSet(SearchFilterSet):
    search_fields = ("code", "name")

    class Meta:
        model = TrialRound
        fields = ["directive"]


class ReportingPeriodFilterSet(SearchFilterSet):
    search_fields = ("label",)
    round = RoundFilter()

    class Meta:
        model = ReportingPeriod
        fields = []


class TrialParticipantFilterSet(PlatformFilterMixin, SearchFilterSet):
    search_fields = ("platform__name",)
    round = RoundFilter()

    class Meta:
        model = TrialParticipant
        fields = ["is_pilot_city"]


class AnnouncementFilterSet(PlatformFilterMixin, SearchFilterSet):
    search_fields = ("title", "platform__name")
    round = RoundFilter()

    class Meta:
        model = Announcement
        fields = ["status"]


class CoverageFilterSet(PlatformFilterMixin, SearchFilterSet):
    search_fields = ("platform__name", "domain__name")

    class Meta:
        model = Coverage
        fields = ["domain", "level", "accepted"]


class AgreementFilterSet(PlatformFilterMixin, SearchFilterSet):
    search_fields = ("title", "platform__name", "counterparty")

    class Meta:
        model = Agreement
        fields = ["kind"]


class RemedyPlanFilterSet(PlatformFilterMixin, SearchFilterSet):
    search_fields = ("platform__name", "description")

    class Meta:
        model = RemedyPlan
        fields = ["kind"]


class IncidentFilterSet(PlatformFilterMixin, SearchFilterSet):
    search_fields = ("project_code", "project_name", "bidder", "platform__name")
    vendor = AutocompleteFilter("supervision.CAVendor", field_name="vendor_id", label=_("CA vendor"))
    occurred_after = django_filters.DateFilter(field_name="occurred_on", lookup_expr="gte", label=_("occurred from"))
    occurred_before = django_filters.DateFilter(field_name="occurred_on", lookup_expr="lte", label=_("occurred until"))

    class Meta:
        model = DecryptionIncident
        fields = ["cause", "outcome", "responsible"]


class UsageReportFilterSet(PlatformFilterMixin, SearchFilterSet):
    search_fields = ("platform__name",)
    round = RoundFilter("period__round")

    class Meta:
        model = UsageReport
        fields = ["period", "is_late", "via"]


class UsageLineFilterSet(django_filters.FilterSet):
    platform = IdFilter(field_name="report__platform_id", label=_("platform"))
    period = IdFilter(field_name="report__period_id", label=_("reporting period"))
    round = RoundFilter("report__period__round")
    vendor = IdFilter(field_name="vendor_id", label=_("CA vendor"))

    class Meta:
        model = UsageLine
        fields = []


class FeedbackFilterSet(PlatformFilterMixin, SearchFilterSet):
    search_fields = ("tracking_number", "description", "platform__name")

    class Meta:
        model = Feedback
        fields = ["category", "status", "national_attention"]


class AnnouncementDisplayFilterSet(django_filters.FilterSet):
    announcement = django_filters.NumberFilter(field_name="announcement_id", label=_("announcement"))
    platform = django_filters.NumberFilter(field_name="announcement__platform_id", label=_("platform"))

    class Meta:
        model = AnnouncementDisplay
        fields = ["place"]


class WrittenReportFilterSet(SearchFilterSet):
    search_fields = ("number", "reporter__name")
    round = RoundFilter("period__round")

    class Meta:
        model = WrittenReport
        fields = ["period", "reporter", "is_late"]
