"""API of the trial: the same scoping (``visible_to``), rules and workflow hooks as the pages."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from portal.api.base import ScopedModelViewSet, action_map, run
from supervision.models import CAVendor
from trial import feedback as feedback_flow
from trial import filters, national, rounds, usage, workflow
from trial.api import serializers as s
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

# --- rounds --------------------------------------------------------------------------------------


class TrialRoundViewSet(ScopedModelViewSet):
    queryset = TrialRound.objects.select_related("directive").prefetch_related("coverage_domains")
    serializer_class = s.TrialRoundSerializer
    filterset_class = filters.TrialRoundFilterSet
    permission_type_map = action_map(publish="publish")

    def after_save(self, instance) -> None:
        rounds.sync_round(instance, self.request.user)

    @extend_schema(request=None, responses=s.TrialRoundSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """法规司 publishes the round: its notice and every participant's and reporting body's duties."""
        trial_round = self.get_object()
        run(lambda: national.publish_round(trial_round, request.user))
        return Response(s.TrialRoundSerializer(trial_round, context={"request": request}).data)


class ReportingPeriodViewSet(ScopedModelViewSet):
    queryset = ReportingPeriod.objects.select_related("round")
    serializer_class = s.ReportingPeriodSerializer
    filterset_class = filters.ReportingPeriodFilterSet

    def after_save(self, instance) -> None:
        rounds.sync_round(instance.round, self.request.user)


class TrialParticipantViewSet(ScopedModelViewSet):
    queryset = TrialParticipant.objects.select_related("round", "platform")
    serializer_class = s.TrialParticipantSerializer
    filterset_class = filters.TrialParticipantFilterSet

    def after_save(self, instance) -> None:
        rounds.sync_participant(instance, self.request.user)


# --- announcements -------------------------------------------------------------------------------


class AnnouncementViewSet(ScopedModelViewSet):
    queryset = Announcement.objects.select_related("round", "platform").prefetch_related("business_types")
    serializer_class = s.AnnouncementSerializer
    filterset_class = filters.AnnouncementFilterSet
    permission_type_map = action_map(approve="approve", publish="publish", return_to_draft="approve")

    def _step(self, request, step):
        announcement = self.get_object()
        run(lambda: step(announcement, request.user))
        return Response(s.AnnouncementSerializer(announcement, context={"request": request}).data)

    @extend_schema(request=None, responses=s.AnnouncementSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._step(request, workflow.approve)

    @extend_schema(request=None, responses=s.AnnouncementSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._step(request, workflow.publish)

    @extend_schema(request=None, responses=s.AnnouncementSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_to_draft(self, request, pk=None):
        return self._step(request, workflow.return_to_draft)


# --- coverage, agreements, plans, incidents ------------------------------------------------------


class CoverageViewSet(ScopedModelViewSet):
    queryset = Coverage.objects.select_related("platform", "domain")
    serializer_class = s.CoverageSerializer
    filterset_class = filters.CoverageFilterSet

    def after_save(self, instance) -> None:
        workflow.coverage_saved(instance, self.request.user)


class AgreementViewSet(ScopedModelViewSet):
    queryset = Agreement.objects.select_related("platform")
    serializer_class = s.AgreementSerializer
    filterset_class = filters.AgreementFilterSet

    def after_save(self, instance) -> None:
        workflow.agreement_saved(instance, self.request.user)


class AgreementPartyViewSet(ScopedModelViewSet):
    queryset = AgreementParty.objects.select_related("agreement", "agreement__platform", "vendor")
    serializer_class = s.AgreementPartySerializer

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if "vendor" in getattr(serializer, "fields", {}):
            serializer.fields["vendor"].queryset = CAVendor.objects.all()  # any registered vendor may sign
        return serializer


class RemedyPlanViewSet(ScopedModelViewSet):
    queryset = RemedyPlan.objects.select_related("platform", "agreement")
    serializer_class = s.RemedyPlanSerializer
    filterset_class = filters.RemedyPlanFilterSet

    def after_save(self, instance) -> None:
        workflow.plan_saved(instance, self.request.user)


class IncidentViewSet(ScopedModelViewSet):
    queryset = DecryptionIncident.objects.select_related("platform", "vendor")
    serializer_class = s.IncidentSerializer
    filterset_class = filters.IncidentFilterSet

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if "vendor" in getattr(serializer, "fields", {}):
            serializer.fields["vendor"].queryset = CAVendor.objects.all()
        return serializer

    def after_save(self, instance) -> None:
        workflow.incident_saved(instance, self.request.user)


# --- usage statistics ----------------------------------------------------------------------------


class UsageReportViewSet(ScopedModelViewSet):
    """Reports are submitted whole (POST with their lines) and never edited; an administrator may
    withdraw one (DELETE) so that it is submitted again."""

    queryset = UsageReport.objects.select_related("platform", "period").prefetch_related("lines")
    serializer_class = s.UsageReportSerializer
    filterset_class = filters.UsageReportFilterSet
    http_method_names = ["get", "post", "delete", "head", "options"]

    def perform_destroy(self, instance):
        with transaction.atomic():
            rounds.report_withdrawn(instance, self.request.user)
            super().perform_destroy(instance)

    @extend_schema(request=s.UsageSubmitSerializer, responses=s.UsageReportSerializer)
    def create(self, request, *args, **kwargs):
        data = s.UsageSubmitSerializer(data=request.data)
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
        return Response(s.UsageReportSerializer(report).data, status=status.HTTP_201_CREATED)


class UsageLineViewSet(ScopedModelViewSet):
    queryset = UsageLine.objects.select_related("report", "vendor")
    serializer_class = s.UsageLineSerializer
    filterset_class = filters.UsageLineFilterSet
    http_method_names = ["get", "head", "options"]
    permission_type_map = action_map(national=None)  # the rows are scoped; no object to check

    @extend_schema(responses=s.NationalTableSerializer)
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


class FeedbackViewSet(ScopedModelViewSet):
    """Triage of bidders' feedback (the public form is a web page without login)."""

    queryset = Feedback.objects.select_related("platform", "vendor")
    serializer_class = s.FeedbackSerializer
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
        return Response(s.FeedbackSerializer(feedback).data)

    @extend_schema(request=s.AnswerSerializer, responses=s.FeedbackSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        feedback = self.get_object()
        data = s.AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run(lambda: feedback_flow.answer(feedback, text=data.validated_data["answer"], by=request.user))
        return self._reply(request, feedback)

    @extend_schema(request=s.FindingInputSerializer, responses=s.FeedbackSerializer)
    @action(detail=True, methods=["post"])
    def finding(self, request, pk=None):
        feedback = self.get_object()
        data = s.FindingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run(lambda: feedback_flow.to_finding(feedback, by=request.user, **data.validated_data))
        return self._reply(request, feedback)

    @extend_schema(request=s.NationalInputSerializer, responses=s.FeedbackSerializer)
    @action(detail=True, methods=["post"])
    def national(self, request, pk=None):
        feedback = self.get_object()
        data = s.NationalInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run(lambda: feedback_flow.mark_national(feedback, note=data.validated_data["note"], by=request.user))
        return self._reply(request, feedback)

    @extend_schema(request=None, responses=s.FeedbackSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        feedback = self.get_object()
        run(lambda: feedback_flow.close(feedback, by=request.user))
        return self._reply(request, feedback)


# --- the national level --------------------------------------------------------------------------


class AnnouncementDisplayViewSet(ScopedModelViewSet):
    """Where and when an announcement was shown (交易中心场所、网站、指定发布媒介), with evidence."""

    queryset = AnnouncementDisplay.objects.select_related("announcement", "announcement__platform")
    serializer_class = s.AnnouncementDisplaySerializer
    filterset_class = filters.AnnouncementDisplayFilterSet

    def perform_create(self, serializer):
        serializer.validated_data["recorded_by"] = self.request.user
        super().perform_create(serializer)


class WrittenReportViewSet(ScopedModelViewSet):
    """书面报送: submitted whole (POST with the period) by a lead department or an enterprise, never edited."""

    queryset = WrittenReport.objects.select_related("period", "reporter")
    serializer_class = s.WrittenReportSerializer
    filterset_class = filters.WrittenReportFilterSet
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=s.WrittenReportSubmitSerializer, responses=s.WrittenReportSerializer)
    def create(self, request, *args, **kwargs):
        data = s.WrittenReportSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reporter = request.user.authority if request.user.role == "lead_department" else None
        if reporter is None:
            raise PermissionDenied(_("Only a lead department or a participating enterprise submits a written report."))
        report = run(
            lambda: national.submit_written_report(
                reporter=reporter,
                period=data.validated_data["period"],
                by=request.user,
                letter=data.validated_data["letter"],
            )
        )
        return Response(s.WrittenReportSerializer(report).data, status=status.HTTP_201_CREATED)
