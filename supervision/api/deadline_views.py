"""API of the deadlines engine: the same scoping (``visible_to``) and the same actions as the pages."""

import uuid

from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from portal.api.base import ScopedModelViewSet, action_map, run
from portal.pagination import LOG_CAP, capped_pagination
from supervision import filters, services
from supervision.api import deadline_serializers as s
from supervision.api import documents
from supervision.engine import cases as case_flow
from supervision.engine import criticism as criticism_flow
from supervision.engine import letters as letter_flow
from supervision.engine import obligations as obligation_actions
from supervision.forms import CampaignForm
from supervision.models import (
    Criticism,
    Directive,
    Finding,
    Notification,
    Obligation,
    RectificationCase,
    ReminderPolicy,
)

PARTY = ("vendor", "platform", "authority")


class DirectiveViewSet(ScopedModelViewSet):
    queryset = Directive.objects.select_related("issuer").prefetch_related("addressed_vendors", "attachments")
    serializer_class = s.DirectiveSerializer
    filterset_class = filters.DirectiveFilterSet


class ObligationViewSet(ScopedModelViewSet):
    queryset = Obligation.objects.select_related(*PARTY, "directive").prefetch_related("files")
    serializer_class = s.ObligationSerializer
    filterset_class = filters.ObligationFilterSet
    permission_type_map = action_map(
        fulfil="fulfil",
        accept="accept",
        return_report="accept",
        waive="waive",
        campaign="add",
        confirm_unmet="confirm_unmet",
        letter="supervise",
    )

    def perform_create(self, serializer):
        serializer.validated_data["created_by"] = self.request.user
        super().perform_create(serializer)

    @extend_schema(request=s.FulfilSerializer, responses=s.ObligationSerializer)
    @action(detail=True, methods=["post"])
    def fulfil(self, request, pk=None):
        obligation = self.get_object()
        data = s.FulfilSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        files = request.FILES.getlist("files") if hasattr(request, "FILES") else []
        run(
            lambda: obligation_actions.fulfil(
                obligation,
                evidence=data.validated_data["evidence"],
                url=data.validated_data["evidence_url"],
                files=files,
                by=request.user,
            )
        )
        return Response(s.ObligationSerializer(obligation, context={"request": request}).data)

    @extend_schema(request=None, responses=s.ObligationSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept the party's reported fulfilment (administrators of the duty's scope)."""
        obligation = self.get_object()
        run(lambda: obligation_actions.accept(obligation, by=request.user))
        return Response(s.ObligationSerializer(obligation, context={"request": request}).data)

    @extend_schema(request=s.WaiveSerializer, responses=s.ObligationSerializer)
    @action(detail=True, methods=["post"], url_path="return-report")
    def return_report(self, request, pk=None):
        """Return the reported fulfilment with the reason (``reason``): the duty is open again."""
        obligation = self.get_object()
        data = s.WaiveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run(lambda: obligation_actions.return_report(obligation, reason=data.validated_data["reason"], by=request.user))
        return Response(s.ObligationSerializer(obligation, context={"request": request}).data)

    @extend_schema(request=s.WaiveSerializer, responses=s.ObligationSerializer)
    @action(detail=True, methods=["post"])
    def waive(self, request, pk=None):
        obligation = self.get_object()
        data = s.WaiveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run(lambda: obligation_actions.waive(obligation, reason=data.validated_data["reason"], by=request.user))
        return Response(s.ObligationSerializer(obligation, context={"request": request}).data)

    @extend_schema(request=s.WaiveSerializer, responses=s.ObligationSerializer)
    @action(detail=True, methods=["post"], url_path="confirm-unmet")
    def confirm_unmet(self, request, pk=None):
        """The province confirms a duty loaded after its deadline (to be confirmed) as unmet."""
        obligation = self.get_object()
        if obligation.status != Obligation.Status.TO_CONFIRM:
            raise serializers.ValidationError(
                {"status": [gettext("Only a duty to be confirmed can be confirmed as unmet.")]}
            )
        data = s.WaiveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.confirm_unmet(obligation, by=request.user, reason=data.validated_data["reason"])
        obligation.refresh_from_db()
        return Response(s.ObligationSerializer(obligation, context={"request": request}).data)

    @extend_schema(request=documents.LetterInputSerializer, responses={201: documents.SupervisionLetterSerializer})
    @action(detail=True, methods=["post"])
    def letter(self, request, pk=None):
        """Issue a supervision letter (督办函) for this overdue duty (the office that decides it): numbered
        now; its PDF is generated and sent to the party in the background."""
        obligation = self.get_object()
        data = documents.LetterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        letter = run(
            lambda: letter_flow.issue_letter(
                obligation,
                by=request.user,
                respond_by=data.validated_data.get("respond_by"),
                requirement=data.validated_data["requirement"],
            )
        )
        letter.refresh_from_db()
        return Response(
            documents.SupervisionLetterSerializer(letter, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=s.CampaignSerializer, responses=s.ObligationSerializer(many=True))
    @action(detail=False, methods=["post"])
    def campaign(self, request):
        s.CampaignSerializer(data=request.data).is_valid(raise_exception=True)
        form = CampaignForm(data=request.data, user=request.user)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        data = form.cleaned_data
        created = run(
            lambda: obligation_actions.campaign(
                parties=form.parties(),
                kind=data["kind"],
                title=data["title"],
                due_date=data["due_date"],
                directive=data["directive"],
                description=data["description"],
                by=request.user,
            )
        )
        return Response(
            s.ObligationSerializer(created, many=True, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class FindingViewSet(ScopedModelViewSet):
    queryset = Finding.objects.select_related(*PARTY)
    serializer_class = s.FindingSerializer
    filterset_class = filters.FindingFilterSet
    permission_type_map = action_map(dismiss="change")

    def perform_create(self, serializer):
        serializer.validated_data["raised_by"] = self.request.user
        serializer.validated_data["dedup_key"] = f"manual:{uuid.uuid4().hex}"
        super().perform_create(serializer)

    @extend_schema(request=None, responses=s.FindingSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        finding = run(lambda: services.dismiss_finding(self.get_object(), by=request.user))
        return Response(s.FindingSerializer(finding).data)


class CaseViewSet(ScopedModelViewSet):
    """Cases are opened from findings (POST), then moved on by actions; never edited directly."""

    queryset = RectificationCase.objects.select_related(*PARTY).prefetch_related(
        "findings", "responses__files", "events"
    )
    serializer_class = s.CaseSerializer
    filterset_class = filters.CaseFilterSet
    http_method_names = ["get", "post", "head", "options"]
    permission_type_map = action_map(respond="respond", close="change", return_for_more="change")

    @extend_schema(request=s.CaseOpenSerializer, responses=s.CaseSerializer)
    def create(self, request, *args, **kwargs):
        data = s.CaseOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = data.validated_data["findings"]
        findings = list(Finding.objects.visible_to(request.user).filter(pk__in=ids))
        if len(findings) != len(set(ids)):
            raise serializers.ValidationError({"findings": ["Unknown finding."]})
        for finding in findings:
            if not request.user.has_perm(Finding.get_perm("open_case"), finding):
                raise PermissionDenied
        case = run(
            lambda: case_flow.open_case(
                findings=findings,
                by=request.user,
                due_date=data.validated_data.get("due_date"),
                title=data.validated_data["title"],
                facts=data.validated_data["facts"],
            )
        )
        return Response(s.CaseSerializer(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.CaseResponseInputSerializer, responses=s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        case = self.get_object()
        data = s.CaseResponseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        files = request.FILES.getlist("files") if hasattr(request, "FILES") else []
        run(lambda: case_flow.respond(case, text=data.validated_data["text"], files=files, by=request.user))
        return Response(s.CaseSerializer(self.get_object()).data)

    @extend_schema(request=s.CaseDecisionSerializer, responses=s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        case = self.get_object()
        data = s.CaseDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run(lambda: case_flow.close(case, by=request.user, note=data.validated_data["note"]))
        return Response(s.CaseSerializer(self.get_object()).data)

    @extend_schema(request=s.CaseDecisionSerializer, responses=s.CaseSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_for_more(self, request, pk=None):
        case = self.get_object()
        data = s.CaseDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run(
            lambda: case_flow.return_for_more(
                case, by=request.user, note=data.validated_data["note"], due_date=data.validated_data.get("due_date")
            )
        )
        return Response(s.CaseSerializer(self.get_object()).data)


class CriticismViewSet(ScopedModelViewSet):
    queryset = Criticism.objects.select_related("region")
    serializer_class = s.CriticismSerializer
    filterset_class = filters.CriticismFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
    permission_type_map = action_map(approve="publish", publish="publish")

    @extend_schema(request=s.CriticismDraftSerializer, responses=s.CriticismSerializer)
    def create(self, request, *args, **kwargs):
        data = s.CriticismDraftSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = data.validated_data["cases"]
        cases = list(RectificationCase.objects.visible_to(request.user).filter(pk__in=ids))
        if len(cases) != len(set(ids)):
            raise serializers.ValidationError({"cases": ["Unknown case."]})
        criticism = run(lambda: criticism_flow.draft_from_cases(cases=cases, by=request.user))
        return Response(s.CriticismSerializer(criticism).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.CriticismSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        criticism = run(lambda: criticism_flow.approve(self.get_object(), by=request.user))
        return Response(s.CriticismSerializer(criticism).data)

    @extend_schema(request=None, responses=s.CriticismSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        criticism = run(lambda: criticism_flow.publish(self.get_object(), by=request.user))
        return Response(s.CriticismSerializer(criticism).data)


class InboxViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The user's own portal inbox."""

    serializer_class = s.InboxSerializer
    permission_classes = [IsAuthenticated]
    queryset = Notification.objects.none()

    def get_queryset(self):
        return Notification.objects.inbox(self.request.user).order_by("-created", "-pk")

    @extend_schema(request=None, responses=s.InboxSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        message = self.get_object()
        Notification.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=timezone.now())
        message.refresh_from_db()
        return Response(s.InboxSerializer(message).data)

    @extend_schema(responses={200: {"type": "object", "properties": {"unread": {"type": "integer"}}}})
    @action(detail=False, methods=["get"])
    def unread(self, request):
        return Response({"unread": self.get_queryset().filter(read_at__isnull=True).count()})


class NotificationViewSet(ScopedModelViewSet):
    """The send log (read-only)."""

    queryset = Notification.objects.all()  # newest first, by the (created, id) index; ids only, no join
    serializer_class = s.NotificationSerializer
    pagination_class = capped_pagination(LOG_CAP)
    filterset_class = filters.NotificationFilterSet
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        if not self.request.user.is_administrator:
            return Notification.objects.none()
        return super().get_queryset()


class ReminderPolicyViewSet(ScopedModelViewSet):
    queryset = ReminderPolicy.objects.all()
    serializer_class = s.ReminderPolicySerializer
    http_method_names = ["get", "put", "patch", "head", "options"]
