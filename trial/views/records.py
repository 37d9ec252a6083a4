"""Pages of the trial's agreements (with their parties and scanned copies), remedy plans and the
decryption-incident log (with counts per platform and vendor)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy

from portal.actions import ObjectActionView
from portal.crud import Column, ModelViews, ObjectDetailView, ObjectListView
from supervision.models import Obligation
from trial import filters, forms, workflow
from trial.models import Agreement, AgreementParty, DecryptionIncident, RemedyPlan
from trial.views.rounds import TrialMixin

# --- agreements ------------------------------------------------------------------------------------


class AgreementViews(TrialMixin, ModelViews):
    model = Agreement
    form_class = forms.AgreementForm
    filterset_class = filters.AgreementFilterSet
    select_related = ("platform",)
    columns = [
        Column("title", gettext_lazy("title"), link=True),
        Column("get_kind_display", gettext_lazy("kind")),
        Column("platform", gettext_lazy("platform")),
        Column("signed_on", gettext_lazy("signed on")),
        Column("term_end", gettext_lazy("term ends")),
    ]
    fields = [
        Column("get_kind_display", gettext_lazy("kind")),
        Column("platform", gettext_lazy("platform"), link=True),
        Column("counterparty", gettext_lazy("counterparty")),
        Column("signed_on", gettext_lazy("signed on")),
        Column("term_start", gettext_lazy("term starts")),
        Column("term_end", gettext_lazy("term ends")),
        Column("renews", gettext_lazy("renews"), link=True),
        Column("notes", gettext_lazy("notes")),
    ]

    def after_save(self, obj) -> None:
        workflow.agreement_saved(obj, self.request.user)


class AgreementDetail(AgreementViews, ObjectDetailView):
    template_name = "trial/agreement_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["parties"] = AgreementParty.objects.filter(agreement=self.object).select_related("vendor")
        context["party_form"] = forms.AgreementPartyForm(user=self.request.user)
        context["renewals"] = Obligation.objects.visible_to(self.request.user).filter(
            kind=Obligation.Kind.AGREEMENT_RENEWAL, key=f"agreement:{self.object.pk}"
        )
        return context


class AgreementPartyAdd(ObjectActionView):
    model = Agreement
    form_class = forms.AgreementPartyForm
    success_message = gettext_lazy("Party added.")

    def get_form(self, agreement):
        form = self.form_class(self.request.POST, user=self.request.user)
        form.instance.agreement = agreement
        return form

    def form_invalid(self, agreement, form):
        messages.error(self.request, " ".join(m for errors in form.errors.values() for m in errors))
        return self.respond(agreement)

    def act(self, agreement, data):
        self.form.save()
        return agreement


class AgreementPartyDelete(ObjectActionView):
    model = AgreementParty
    permission = "delete"  # the region's administrators, like every trial record (the operator adds parties)
    select_related = ("agreement",)
    success_message = gettext_lazy("Party removed.")

    def act(self, party, data):
        party.delete()
        return party.agreement


def download(field_file, name: str):
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=name)


@login_required
def agreement_scan(request, pk):
    agreement = get_object_or_404(Agreement.objects.visible_to(request.user), pk=pk)
    return download(agreement.scan, agreement.scan.name.rsplit("/", 1)[-1] if agreement.scan else "")


# --- remedy plans and incidents --------------------------------------------------------------------


class PlanViews(TrialMixin, ModelViews):
    model = RemedyPlan
    form_class = forms.RemedyPlanForm
    filterset_class = filters.RemedyPlanFilterSet
    select_related = ("platform", "agreement")
    columns = [
        Column("platform", gettext_lazy("platform"), link=True),
        Column("get_kind_display", gettext_lazy("kind")),
        Column("effective_from", gettext_lazy("in force from")),
        Column("agreement", gettext_lazy("agreement")),
    ]
    fields = [
        *columns,
        Column("description", gettext_lazy("description")),
        Column("document", gettext_lazy("document")),
    ]

    def after_save(self, obj) -> None:
        workflow.plan_saved(obj, self.request.user)


@login_required
def plan_document(request, pk):
    plan = get_object_or_404(RemedyPlan.objects.visible_to(request.user), pk=pk)
    return download(plan.document, plan.document.name.rsplit("/", 1)[-1] if plan.document else "")


class IncidentViews(TrialMixin, ModelViews):
    model = DecryptionIncident
    form_class = forms.IncidentForm
    filterset_class = filters.IncidentFilterSet
    select_related = ("platform", "vendor")
    columns = [
        Column("occurred_on", gettext_lazy("date"), link=True),
        Column("platform", gettext_lazy("platform")),
        Column("project_name", gettext_lazy("project")),
        Column("bidder", gettext_lazy("bidder")),
        Column("vendor", gettext_lazy("CA vendor")),
        Column("get_cause_display", gettext_lazy("cause")),
        Column("get_outcome_display", gettext_lazy("outcome")),
    ]
    fields = [
        Column("occurred_on", gettext_lazy("date")),
        Column("platform", gettext_lazy("platform"), link=True),
        Column("project_code", gettext_lazy("project number")),
        Column("project_name", gettext_lazy("project")),
        Column("bidder", gettext_lazy("bidder")),
        Column("vendor", gettext_lazy("CA vendor")),
        Column("get_cause_display", gettext_lazy("cause")),
        Column("remedy_applied", gettext_lazy("remedy applied")),
        Column("get_outcome_display", gettext_lazy("outcome")),
        Column("get_responsible_display", gettext_lazy("responsible party")),
        Column("notes", gettext_lazy("notes")),
    ]

    @property
    def url_name(self) -> str:
        return "incident"

    def after_save(self, obj) -> None:
        workflow.incident_saved(obj, self.request.user)


class IncidentList(IncidentViews, ObjectListView):
    template_name = "trial/incident_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = context["filter"].qs.order_by()
        context["by_platform"] = rows.values("platform__name").annotate(n=Count("pk")).order_by("-n", "platform__name")
        context["by_vendor"] = rows.values("vendor__name").annotate(n=Count("pk")).order_by("-n", "vendor__name")
        return context
