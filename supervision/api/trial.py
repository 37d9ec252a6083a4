"""API of the trial: the same scoping (``visible_to``), rules and workflow hooks as the pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from portal.api.base import ModelCleanSerializer, ScopedModelViewSet
from supervision.models import (
    Agreement,
    AgreementParty,
    Announcement,
    CAVendor,
    Coverage,
    DecryptionIncident,
    Feedback,
    Platform,
    RemedyPlan,
    ReportingPeriod,
    TrialParticipant,
    TrialRound,
    UsageLine,
    UsageReport,
)
from supervision.models.trial_usage import COUNT_FIELDS
from supervision.trial import feedback as feedback_flow
from supervision.trial import filters, rounds, usage, workflow


def as_api_error(exc: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(serializers.as_serializer_error(exc))


def run(step):
    try:
        return step()
    except DjangoValidationError as exc:
        raise as_api_error(exc) from exc


def action_map(**extra) -> dict:
    return {**ScopedModelViewSet.permission_type_map, **extra}


class HookedViewSet(ScopedModelViewSet):
    """Calls ``after_save(instance)`` once a create or update is saved in scope."""

    def after_save(self, instance) -> None:
        pass

    def perform_create(self, serializer):
        super().perform_create(serializer)
        self.after_save(serializer.instance)

    def perform_update(self, serializer):
        super().perform_update(serializer)
        self.after_save(serializer.instance)


# --- rounds --------------------------------------------------------------------------------------


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
            "created",
            "updated",
        ]


class TrialRoundViewSet(HookedViewSet):
    queryset = TrialRound.objects.select_related("directive").prefetch_related("coverage_domains")
    serializer_class = TrialRoundSerializer
    filterset_class = filters.TrialRoundFilterSet

    def after_save(self, instance) -> None:
        rounds.sync_round(instance, self.request.user)


class ReportingPeriodSerializer(ModelCleanSerializer):
    class Meta:
        model = ReportingPeriod
        fields = ["id", "round", "label", "starts_on", "ends_on", "due_date", "created", "updated"]


class ReportingPeriodViewSet(HookedViewSet):
    queryset = ReportingPeriod.objects.select_related("round")
    serializer_class = ReportingPeriodSerializer
    filterset_class = filters.ReportingPeriodFilterSet

    def after_save(self, instance) -> None:
        rounds.sync_round(instance.round, self.request.user)


class TrialParticipantSerializer(ModelCleanSerializer):
    class Meta:
        model = TrialParticipant
        fields = ["id", "round", "platform", "is_pilot_city", "notes", "created", "updated"]


class TrialParticipantViewSet(HookedViewSet):
    queryset = TrialParticipant.objects.select_related("round", "platform")
    serializer_class = TrialParticipantSerializer
    filterset_class = filters.TrialParticipantFilterSet

    def after_save(self, instance) -> None:
        rounds.sync_participant(instance, self.request.user)


# --- announcements -------------------------------------------------------------------------------


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


class AnnouncementViewSet(ScopedModelViewSet):
    queryset = Announcement.objects.select_related("round", "platform").prefetch_related("business_types")
    serializer_class = AnnouncementSerializer
    filterset_class = filters.AnnouncementFilterSet
    permission_type_map = action_map(approve="approve", publish="publish", return_to_draft="approve")

    def _step(self, request, step):
        announcement = self.get_object()
        run(lambda: step(announcement, request.user))
        return Response(AnnouncementSerializer(announcement, context={"request": request}).data)

    @extend_schema(request=None, responses=AnnouncementSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._step(request, workflow.approve)

    @extend_schema(request=None, responses=AnnouncementSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._step(request, workflow.publish)

    @extend_schema(request=None, responses=AnnouncementSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_to_draft(self, request, pk=None):
        return self._step(request, workflow.return_to_draft)


# --- coverage, agreements, plans, incidents ------------------------------------------------------


class CoverageSerializer(ModelCleanSerializer):
    class Meta:
        model = Coverage
        fields = ["id", "platform", "domain", "level", "accepted", "since", "notes", "created", "updated"]


class CoverageViewSet(HookedViewSet):
    queryset = Coverage.objects.select_related("platform", "domain")
    serializer_class = CoverageSerializer
    filterset_class = filters.CoverageFilterSet

    def after_save(self, instance) -> None:
        workflow.coverage_saved(instance, self.request.user)


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


class AgreementViewSet(HookedViewSet):
    queryset = Agreement.objects.select_related("platform")
    serializer_class = AgreementSerializer
    filterset_class = filters.AgreementFilterSet

    def after_save(self, instance) -> None:
        workflow.agreement_saved(instance, self.request.user)


class AgreementPartySerializer(ModelCleanSerializer):
    vendor = serializers.PrimaryKeyRelatedField(queryset=CAVendor.objects.all(), allow_null=True, required=False)

    class Meta:
        model = AgreementParty
        fields = ["id", "agreement", "role", "vendor", "name", "signed_on", "created", "updated"]


class AgreementPartyViewSet(ScopedModelViewSet):
    queryset = AgreementParty.objects.select_related("agreement", "agreement__platform", "vendor")
    serializer_class = AgreementPartySerializer

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if "vendor" in getattr(serializer, "fields", {}):
            serializer.fields["vendor"].queryset = CAVendor.objects.all()  # any registered vendor may sign
        return serializer


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


class RemedyPlanViewSet(HookedViewSet):
    queryset = RemedyPlan.objects.select_related("platform", "agreement")
    serializer_class = RemedyPlanSerializer
    filterset_class = filters.RemedyPlanFilterSet

    def after_save(self, instance) -> None:
        workflow.plan_saved(instance, self.request.user)


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


class IncidentViewSet(HookedViewSet):
    queryset = DecryptionIncident.objects.select_related("platform", "vendor")
    serializer_class = IncidentSerializer
    filterset_class = filters.IncidentFilterSet

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if "vendor" in getattr(serializer, "fields", {}):
            serializer.fields["vendor"].queryset = CAVendor.objects.all()
        return serializer

    def after_save(self, instance) -> None:
        workflow.incident_saved(instance, self.request.user)


# --- usage statistics ----------------------------------------------------------------------------


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


class UsageReportViewSet(ScopedModelViewSet):
    """Reports are submitted whole (POST with their lines) and never edited; an administrator may
    withdraw one (DELETE) so that it is submitted again."""

    queryset = UsageReport.objects.select_related("platform", "period").prefetch_related("lines")
    serializer_class = UsageReportSerializer
    filterset_class = filters.UsageReportFilterSet
    http_method_names = ["get", "post", "delete", "head", "options"]

    @extend_schema(request=UsageSubmitSerializer, responses=UsageReportSerializer)
    def create(self, request, *args, **kwargs):
        data = UsageSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        report = run(
            lambda: usage.submit_report(
                platform=values["platform"],
                period=values["period"],
                starts_on=values.get("starts_on"),
                ends_on=values.get("ends_on"),
                notes=values.get("notes", ""),
                lines=[dict(line) for line in values["lines"]],
                by=request.user,
                via=UsageReport.Via.API,
            )
        )
        return Response(UsageReportSerializer(report).data, status=status.HTTP_201_CREATED)


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


class UsageLineViewSet(ScopedModelViewSet):
    queryset = UsageLine.objects.select_related("report", "vendor")
    serializer_class = UsageLineSerializer
    filterset_class = filters.UsageLineFilterSet
    http_method_names = ["get", "head", "options"]
    permission_type_map = action_map(national=None)  # the rows are scoped; no object to check

    @extend_schema(responses=NationalTableSerializer)
    @action(detail=False, methods=["get"])
    def national(self, request):
        """The national table (Attachment 2) over the lines you may see, filtered like the list
        (``round``, ``period``, ``platform``, ``vendor``)."""
        table = usage.national_table(self.filter_queryset(self.get_queryset()))

        def rows(groups):
            return [{"key": str(g.key), "label": g.label, **g.totals} for g in groups]

        return Response(
            {
                "platforms": rows(table["platforms"]),
                "provinces": rows(table["provinces"]),
                "vendors": rows(table["vendors"]),
                "total": table["total"],
            }
        )


# --- feedback ------------------------------------------------------------------------------------


class FeedbackSerializer(serializers.ModelSerializer):
    class Meta:
        model = Feedback
        fields = [
            "id",
            "tracking_number",
            "category",
            "platform",
            "vendor",
            "description",
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


class FeedbackViewSet(ScopedModelViewSet):
    """Triage of bidders' feedback (the public form is a web page without login)."""

    queryset = Feedback.objects.select_related("platform", "vendor")
    serializer_class = FeedbackSerializer
    filterset_class = filters.FeedbackFilterSet
    http_method_names = ["get", "post", "head", "options"]
    permission_type_map = action_map(create=None, answer="change", finding="change", national="change", close="change")

    @extend_schema(exclude=True)
    def create(self, request, *args, **kwargs):
        return Response(
            {"detail": _("Bidders send feedback through the public web form.")},
            status=status.HTTP_405_METHOD_NOT_ALLOWED,
        )

    def _reply(self, request, feedback):
        feedback.refresh_from_db()
        return Response(FeedbackSerializer(feedback).data)

    @extend_schema(request=AnswerSerializer, responses=FeedbackSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        feedback = self.get_object()
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run(lambda: feedback_flow.answer(feedback, text=data.validated_data["answer"], by=request.user))
        return self._reply(request, feedback)

    @extend_schema(request=FindingInputSerializer, responses=FeedbackSerializer)
    @action(detail=True, methods=["post"])
    def finding(self, request, pk=None):
        feedback = self.get_object()
        data = FindingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run(lambda: feedback_flow.to_finding(feedback, by=request.user, **data.validated_data))
        return self._reply(request, feedback)

    @extend_schema(request=NationalInputSerializer, responses=FeedbackSerializer)
    @action(detail=True, methods=["post"])
    def national(self, request, pk=None):
        feedback = self.get_object()
        data = NationalInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run(lambda: feedback_flow.mark_national(feedback, note=data.validated_data["note"], by=request.user))
        return self._reply(request, feedback)

    @extend_schema(request=None, responses=FeedbackSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        feedback = self.get_object()
        run(lambda: feedback_flow.close(feedback, by=request.user))
        return self._reply(request, feedback)


router = DefaultRouter()
router.register("trial-rounds", TrialRoundViewSet)
router.register("trial-periods", ReportingPeriodViewSet)
router.register("trial-participants", TrialParticipantViewSet)
router.register("trial-announcements", AnnouncementViewSet)
router.register("trial-coverage", CoverageViewSet)
router.register("trial-agreements", AgreementViewSet)
router.register("trial-agreement-parties", AgreementPartyViewSet)
router.register("trial-remedy-plans", RemedyPlanViewSet)
router.register("trial-incidents", IncidentViewSet)
router.register("trial-usage-reports", UsageReportViewSet)
router.register("trial-usage-lines", UsageLineViewSet)
router.register("trial-feedback", FeedbackViewSet)
