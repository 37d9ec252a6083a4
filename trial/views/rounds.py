"""Pages of the trial: overview, rounds (periods, participants), announcements, coverage, agreements,
remedy plans and decryption incidents. Usage statistics and feedback are in ``trial_usage``."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.actions import ObjectActionView
from portal.crud import Column, ModelViews, ObjectDetailView, ObjectUpdateView
from supervision.models import BusinessDomain, Obligation, Platform
from trial import filters, forms, rounds, workflow
from trial.models import (
    Announcement,
    AnnouncementDisplay,
    Coverage,
    ReportingPeriod,
    TrialParticipant,
    TrialRound,
    UsageLine,
)


class TrialMixin:
    """Generic pages whose URLs live in the "trial" namespace."""

    template_base = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["url_prefix"] = f"trial:{self.url_name}"
        return context


def pick_round(request) -> TrialRound | None:
    code = request.GET.get("round")
    if code:
        return TrialRound.objects.filter(code=code).first() or TrialRound.objects.current()
    return TrialRound.objects.current()


# --- overview --------------------------------------------------------------------------------------

DUTY_COLUMNS = [
    (Obligation.Kind.ANNOUNCEMENT, gettext_lazy("Announcement")),
    (Obligation.Kind.REMEDY_PLAN, gettext_lazy("Remedy plan")),
    (Obligation.Kind.COMPONENT_AGREEMENT, gettext_lazy("Component agreement")),
    (Obligation.Kind.COVERAGE, gettext_lazy("Coverage (pilot cities)")),
]


@login_required
def overview(request):
    """Every participant's duties of the round at a glance (what the user may see of them)."""
    trial_round = pick_round(request)
    if trial_round is None:
        return render(request, "trial/overview.html", {"round": None})
    periods = list(trial_round.periods.all())
    obligations = Obligation.objects.visible_to(request.user).filter(campaign=f"trial:{trial_round.code}")
    cells = {(o.platform_id, o.kind, o.key): o for o in obligations}
    late = set(trial_round.periods.filter(reports__is_late=True).values_list("reports__platform_id", "pk").order_by())
    key = rounds.round_key(trial_round)
    rows = []
    for participant in trial_round.participants.select_related("platform", "platform__region"):
        pid = participant.platform_id
        duty_cells = [cells.get((pid, kind, key)) for kind, _label in DUTY_COLUMNS]
        period_cells = [
            (cells.get((pid, Obligation.Kind.USAGE_STATISTICS, rounds.period_key(p))), (pid, p.pk) in late)
            for p in periods
        ]
        rows.append({"participant": participant, "duties": duty_cells, "periods": period_cells})
    return render(
        request,
        "trial/overview.html",
        {
            "round": trial_round,
            "rounds": TrialRound.objects.all(),
            "periods": periods,
            "columns": [label for _kind, label in DUTY_COLUMNS],
            "rows": rows,
            "today": timezone.localdate(),
        },
    )


# --- rounds, periods, participants -----------------------------------------------------------------


class RoundViews(TrialMixin, ModelViews):
    model = TrialRound
    form_class = forms.TrialRoundForm
    filterset_class = filters.TrialRoundFilterSet
    select_related = ("directive",)
    columns = [
        Column("name", gettext_lazy("name"), link=True),
        Column("code", gettext_lazy("code")),
        Column("directive", gettext_lazy("directive")),
        Column("starts_on", gettext_lazy("starts on")),
    ]
    fields = [
        Column("name", gettext_lazy("name")),
        Column("code", gettext_lazy("code")),
        Column("directive", gettext_lazy("directive"), link=True),
        Column("starts_on", gettext_lazy("starts on")),
        Column("announcement_due", gettext_lazy("announcement due")),
        Column("remedy_plan_due", gettext_lazy("remedy plan due")),
        Column("agreement_due", gettext_lazy("component agreement due")),
        Column("coverage_due", gettext_lazy("coverage checked on")),
        Column("coverage_domains.all", gettext_lazy("fields pilot cities must cover")),
    ]

    @property
    def url_name(self) -> str:
        return "round"

    def after_save(self, obj) -> None:
        rounds.sync_round(obj, self.request.user)


class RoundDetail(RoundViews, ObjectDetailView):
    template_name = "trial/round_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["periods"] = self.object.periods.all()
        context["participants"] = self.object.participants.select_related("platform", "platform__region", "reporter")
        context["can_manage"] = self.request.user.has_perm(TrialRound.get_perm("change"), self.object)
        context["can_publish"] = self.request.user.has_perm(TrialRound.get_perm("publish"), self.object)
        context["columns"] = [UsageLine._meta.get_field(name).verbose_name for name in self.object.columns()]
        return context


class RoundSync(ObjectActionView):
    model = TrialRound

    def act(self, trial_round, data):
        created = rounds.sync_round(trial_round, self.request.user)
        messages.success(
            self.request,
            _("%(count)d obligations created; dates and fulfilments brought up to date.") % {"count": created},
        )
        return trial_round


class PeriodViews(TrialMixin, ModelViews):
    model = ReportingPeriod
    form_class = forms.ReportingPeriodForm
    filterset_class = filters.ReportingPeriodFilterSet
    select_related = ("round",)
    columns = [
        Column("label", gettext_lazy("label"), link=True),
        Column("round", gettext_lazy("round")),
        Column("starts_on", gettext_lazy("period from")),
        Column("ends_on", gettext_lazy("period to")),
        Column("due_date", gettext_lazy("report due")),
    ]
    fields = columns

    @property
    def url_name(self) -> str:
        return "period"

    def get_initial(self):
        return {"round": self.request.GET.get("round")}

    def after_save(self, obj) -> None:
        rounds.sync_round(obj.round, self.request.user)


class ParticipantViews(TrialMixin, ModelViews):
    model = TrialParticipant
    form_class = forms.TrialParticipantForm
    filterset_class = filters.TrialParticipantFilterSet
    select_related = ("round", "platform", "platform__region")
    columns = [
        Column("platform", gettext_lazy("platform"), link=True),
        Column("platform.get_kind_display", gettext_lazy("kind")),
        Column("platform.region.name", gettext_lazy("region")),
        Column("is_pilot_city", gettext_lazy("pilot city")),
        Column("round", gettext_lazy("round")),
    ]
    fields = [*columns, Column("notes", gettext_lazy("notes"))]

    @property
    def url_name(self) -> str:
        return "participant"

    def get_initial(self):
        return {"round": self.request.GET.get("round")}

    def after_save(self, obj) -> None:
        rounds.sync_participant(obj, self.request.user)


# --- announcements ---------------------------------------------------------------------------------


class AnnouncementViews(TrialMixin, ModelViews):
    model = Announcement
    form_class = forms.AnnouncementForm
    filterset_class = filters.AnnouncementFilterSet
    select_related = ("round", "platform")
    columns = [
        Column("title", gettext_lazy("title"), link=True),
        Column("platform", gettext_lazy("platform")),
        Column("round", gettext_lazy("round")),
        Column("get_status_display", gettext_lazy("status")),
        Column("published_at", gettext_lazy("published at")),
    ]
    fields = [
        Column("platform", gettext_lazy("platform"), link=True),
        Column("round", gettext_lazy("round"), link=True),
        Column("get_status_display", gettext_lazy("status")),
        Column("business_types.all", gettext_lazy("business types covered")),
        Column("scope", gettext_lazy("scope (适用范围)")),
        Column("procedure", gettext_lazy("procedure (操作流程)")),
        Column("notes", gettext_lazy("notes (注意事项)")),
        Column("approved_at", gettext_lazy("approved at")),
        Column("approved_by", gettext_lazy("approved by")),
        Column("published_at", gettext_lazy("published at")),
    ]

    def get_initial(self):
        initial = {"round": TrialRound.objects.current()}
        if self.request.user.platform_id:
            initial["platform"] = self.request.user.platform_id
        return initial


class AnnouncementDetail(AnnouncementViews, ObjectDetailView):
    template_name = "trial/announcement_detail.html"
    prefetch_related = ("business_types",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, obj = self.request.user, self.object
        draft = obj.status == Announcement.Status.DRAFT
        context["can_change"] = draft and context["can_change"]
        context["can_approve"] = draft and user.has_perm(Announcement.get_perm("approve"), obj)
        context["can_publish"] = obj.status == Announcement.Status.APPROVED and user.has_perm(
            Announcement.get_perm("publish"), obj
        )
        context["can_return"] = not draft and user.has_perm(Announcement.get_perm("approve"), obj)
        context["displays"] = AnnouncementDisplay.objects.visible_to(user).filter(announcement=obj)
        context["can_record_display"] = user.has_perm(Announcement.get_perm("change"), obj)
        if context["can_record_display"]:
            context["display_form"] = forms.AnnouncementDisplayForm()
        return context


class AnnouncementUpdate(AnnouncementViews, ObjectUpdateView):
    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if obj.status != Announcement.Status.DRAFT:
            raise PermissionDenied(_("Only a draft can be edited; return it to draft first."))
        return obj


class AnnouncementApprove(ObjectActionView):
    model = Announcement
    permission = "approve"
    success_message = gettext_lazy("Approved. The platform can now publish it.")

    def act(self, obj, data):
        return workflow.approve(obj, self.request.user)


class AnnouncementPublish(ObjectActionView):
    model = Announcement
    permission = "publish"
    success_message = gettext_lazy("Published: the announcement is now on the public pages.")

    def act(self, obj, data):
        return workflow.publish(obj, self.request.user)


class AnnouncementReturn(ObjectActionView):
    model = Announcement
    permission = "approve"
    success_message = gettext_lazy("Returned to draft; it is no longer public.")

    def act(self, obj, data):
        return workflow.return_to_draft(obj, self.request.user)


# --- coverage --------------------------------------------------------------------------------------


class CoverageViews(TrialMixin, ModelViews):
    model = Coverage
    form_class = forms.CoverageForm
    filterset_class = filters.CoverageFilterSet
    select_related = ("platform", "domain")
    columns = [
        Column("platform", gettext_lazy("platform"), link=True),
        Column("domain", gettext_lazy("business field")),
        Column("get_level_display", gettext_lazy("level")),
        Column("accepted", gettext_lazy("network-shared certificates accepted")),
        Column("since", gettext_lazy("since")),
    ]
    fields = [*columns, Column("notes", gettext_lazy("notes"))]

    def after_save(self, obj) -> None:
        workflow.coverage_saved(obj, self.request.user)


@login_required
def coverage_overview(request):
    """Participants × fields × levels, the pilot cities' gaps, and a chart of accepted fields."""
    trial_round = pick_round(request)
    domains = list(BusinessDomain.objects.all())
    levels = list(Coverage.Level)
    rows_by_platform = defaultdict(dict)
    for row in Coverage.objects.visible_to(request.user).select_related("platform"):
        rows_by_platform[row.platform_id][(row.domain_id, row.level)] = row
    participants = trial_round.participants.select_related("platform", "platform__region") if trial_round else []
    visible = set(Platform.objects.visible_to(request.user).values_list("pk", flat=True))
    required = rounds.required_domains(trial_round) if trial_round else []
    today = timezone.localdate()

    def covered(known: dict, domain, level) -> bool:
        row = known.get((domain.pk, level))
        return row is not None and row.accepted and row.since is not None and row.since <= today

    table = []
    for participant in participants:  # in memory: the page's queries do not grow with participants
        shown = participant.platform_id in visible
        known = rows_by_platform.get(participant.platform_id, {})
        cells = [known.get((d.pk, level)) for d in domains for level in levels]
        gaps = (
            [(d, level) for d in required for level in levels if not covered(known, d, level)]
            if shown and participant.is_pilot_city
            else []
        )
        table.append({"participant": participant, "cells": cells, "visible": shown, "gaps": gaps})
    chart = {
        "labels": [d.name for d in domains],
        "datasets": [
            {
                "label": str(level.label),
                "data": [
                    sum(
                        1
                        for platform_rows in rows_by_platform.values()
                        if (row := platform_rows.get((d.pk, level))) and row.accepted
                    )
                    for d in domains
                ],
            }
            for level in levels
        ],
    }
    return render(
        request,
        "trial/coverage_overview.html",
        {
            "round": trial_round,
            "rounds": TrialRound.objects.all(),
            "domains": domains,
            "levels": levels,
            "table": table,
            "chart": chart,  # json_script encodes it
            "can_add": request.user.has_perm(Coverage.get_perm("add")),
        },
    )
