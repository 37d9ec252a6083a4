"""Serializers of the trial's API (model validation through ``ModelCleanSerializer``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework import serializers

from portal.api.base import ModelCleanSerializer
from portal.api.fields import ScopedFileField
from supervision.models import CAVendor, Platform
from trial.models import (
    Agreement,
    AgreementParty,
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
from trial.models.usage import COUNT_FIELDS


class TrialRoundSerializer(ModelCleanSerializer):
    class Meta:
        model = TrialRound
        fields = [
            "id",
            "code",
            "name",
            "directive",
            "starts_on",
            "announcement_due",
            "remedy_plan_due",
            "agreement_due",
            "coverage_due",
            "coverage_domains",
            "usage_columns",
            "columns_confirmed",
            "cumulative",
            "published_at",
            "created",
            "updated",
        ]
        read_only_fields = ["published_at"]


class ReportingPeriodSerializer(ModelCleanSerializer):
    class Meta:
        model = ReportingPeriod
        fields = ["id", "round", "label", "starts_on", "ends_on", "due_date", "created", "updated"]


class TrialParticipantSerializer(ModelCleanSerializer):
    class Meta:
        model = TrialParticipant
        fields = ["id", "round", "platform", "is_pilot_city", "reporter", "notes", "created", "updated"]


class AnnouncementSerializer(ModelCleanSerializer):
    public_url = serializers.SerializerMethodField()

    class Meta:
        model = Announcement
        fields = [
            "id",
            "round",
            "platform",
            "title",
            "business_types",
            "scope",
            "procedure",
            "notes",
            "status",
            "approved_at",
            "approved_by",
            "published_at",
            "published_by",
            "public_url",
            "created",
            "updated",
        ]
        read_only_fields = ["status", "approved_at", "approved_by", "published_at", "published_by"]

    def get_public_url(self, obj) -> str:
        return obj.get_public_url() if obj.is_published else ""

    def validate(self, attrs):
        if self.instance is not None:
            if self.instance.status != Announcement.Status.DRAFT:
                raise serializers.ValidationError(
                    {"non_field_errors": [_("Only a draft can be edited; return it to draft first.")]}
                )
            for name in ("round", "platform"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError({name: [_("This cannot be changed.")]})
        return super().validate(attrs)


class CoverageSerializer(ModelCleanSerializer):
    class Meta:
        model = Coverage
        fields = ["id", "platform", "domain", "level", "accepted", "since", "notes", "created", "updated"]


class AgreementSerializer(ModelCleanSerializer):
    class Meta:
        model = Agreement
        fields = [
            "id",
            "kind",
            "platform",
            "title",
            "counterparty",
            "signed_on",
            "term_start",
            "term_end",
            "scan",
            "renews",
            "notes",
            "created",
            "updated",
        ]


class AgreementPartySerializer(ModelCleanSerializer):
    vendor = serializers.PrimaryKeyRelatedField(queryset=CAVendor.objects.all(), allow_null=True, required=False)

    class Meta:
        model = AgreementParty
        fields = ["id", "agreement", "role", "vendor", "name", "signed_on", "created", "updated"]


class RemedyPlanSerializer(ModelCleanSerializer):
    class Meta:
        model = RemedyPlan
        fields = [
            "id",
            "platform",
            "kind",
            "agreement",
            "description",
            "effective_from",
            "document",
            "created",
            "updated",
        ]


class IncidentSerializer(ModelCleanSerializer):
    vendor = serializers.PrimaryKeyRelatedField(queryset=CAVendor.objects.all(), allow_null=True, required=False)

    class Meta:
        model = DecryptionIncident
        fields = [
            "id",
            "platform",
            "occurred_on",
            "project_code",
            "project_name",
            "bidder",
            "vendor",
            "cause",
            "remedy_applied",
            "outcome",
            "responsible",
            "notes",
            "created",
            "updated",
        ]


class UsageLineSerializer(serializers.ModelSerializer):
    platform = serializers.IntegerField(source="report.platform_id", read_only=True)
    period = serializers.IntegerField(source="report.period_id", read_only=True)

    class Meta:
        model = UsageLine
        fields = ["id", "report", "platform", "period", "vendor", *COUNT_FIELDS]


class LineInputSerializer(serializers.Serializer):
    vendor = serializers.PrimaryKeyRelatedField(queryset=CAVendor.objects.all())
    registered_entities = serializers.IntegerField(min_value=0)
    bids = serializers.IntegerField(min_value=0)
    cross_region_bids = serializers.IntegerField(min_value=0)
    decryption_failures = serializers.IntegerField(min_value=0)
    remedies_used = serializers.IntegerField(min_value=0)


class UsageReportSerializer(serializers.ModelSerializer):
    lines = UsageLineSerializer(many=True, read_only=True)

    class Meta:
        model = UsageReport
        fields = [
            "id",
            "platform",
            "period",
            "starts_on",
            "ends_on",
            "submitted_at",
            "submitted_by",
            "via",
            "is_late",
            "notes",
            "lines",
        ]
        read_only_fields = fields


class UsageSubmitSerializer(serializers.Serializer):
    """A report with its lines. Any participating platform is accepted here, so a report for another
    platform gets a clear refusal from the same check as the web form."""

    platform = serializers.PrimaryKeyRelatedField(queryset=Platform.objects.all())
    period = serializers.PrimaryKeyRelatedField(queryset=ReportingPeriod.objects.all())
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    lines = LineInputSerializer(many=True, allow_empty=False)


class NationalRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    registered_entities = serializers.IntegerField()
    bids = serializers.IntegerField()
    cross_region_bids = serializers.IntegerField()
    decryption_failures = serializers.IntegerField()
    remedies_used = serializers.IntegerField()


class NationalTableSerializer(serializers.Serializer):
    platforms = NationalRowSerializer(many=True)
    provinces = NationalRowSerializer(many=True)
    vendors = NationalRowSerializer(many=True)
    total = serializers.DictField(child=serializers.IntegerField())


class FeedbackSerializer(serializers.ModelSerializer):
    attachment = ScopedFileField(read_only=True)

    class Meta:
        model = Feedback
        fields = [
            "id",
            "tracking_number",
            "category",
            "platform",
            "vendor",
            "description",
            "attachment",
            "attachment_name",
            "contact",
            "status",
            "answer",
            "answered_at",
            "finding",
            "national_attention",
            "national_note",
            "created",
        ]
        read_only_fields = fields


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=4000)


class FindingInputSerializer(serializers.Serializer):
    party = serializers.ChoiceField(choices=["platform", "vendor"], default="platform")
    summary = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")


class NationalInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=4000)


class AnnouncementDisplaySerializer(ModelCleanSerializer):
    class Meta:
        model = AnnouncementDisplay
        fields = [
            "id",
            "announcement",
            "place",
            "location",
            "shown_from",
            "shown_until",
            "evidence",
            "evidence_url",
            "recorded_by",
            "created",
            "updated",
        ]
        read_only_fields = ["recorded_by"]


class WrittenReportSerializer(serializers.ModelSerializer):
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = WrittenReport
        fields = [
            "id",
            "period",
            "reporter",
            "number",
            "title",
            "letter",
            "table",
            "cumulative",
            "submitted_at",
            "submitted_by",
            "is_late",
            "pdf_url",
        ]
        read_only_fields = fields

    def get_pdf_url(self, obj) -> str:
        return reverse("trial:writtenreport_pdf", args=[obj.pk])


class WrittenReportSubmitSerializer(serializers.Serializer):
    """The period; the body is the user's own (a lead department's or an enterprise's user)."""

    period = serializers.PrimaryKeyRelatedField(queryset=ReportingPeriod.objects.all())
    letter = serializers.CharField(required=False, allow_blank=True, default="")
