"""Pages of directives, obligations (with campaigns, fulfilment, waiver) and findings."""

import uuid

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from portal.actions import ObjectActionView, error_text
from portal.crud import Column, ModelViews, ObjectCreateView, ObjectDetailView
from supervision import filters, forms, register, services
from supervision.engine import letters as letter_flow
from supervision.engine import obligations as obligation_actions
from supervision.models import Directive, Finding, Obligation

PARTY = ("vendor", "platform", "authority")


class DirectiveViews(ModelViews):
    model = Directive
    form_class = forms.DirectiveForm
    filterset_class = filters.DirectiveFilterSet
    select_related = ("issuer", "forwards")
    columns = [
        Column("number", _("document number (文号)"), link=True),
        Column("title", _("title"), link=True),
        Column("issuer", _("issuer")),
        Column("year", _("year")),
        Column("forwards", _("forwards (转发)"), link=True),
    ]
    fields = [
        Column("number", _("document number (文号)")),
        Column("title", _("title")),
        Column("issuer", _("issuer"), link=True),
        Column("year", _("year")),
        Column("issue_date_label", _("date of issue")),
        Column("forwards", _("forwards (转发)"), link=True),
        Column("addressed_vendors.all", _("addressed CA vendors")),
    ]


class DirectiveDetail(DirectiveViews, ObjectDetailView):
    prefetch_related = ("addressed_vendors", "attachments", "forwarded_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["obligations"] = (
            Obligation.objects.visible_to(self.request.user)
            .filter(directive=self.object)
            .select_related(*PARTY)
            .order_by("due_date", "pk")[:100]
        )
        return context


class ObligationViews(ModelViews):
    model = Obligation
    form_class = forms.ObligationForm
    filterset_class = filters.ObligationFilterSet
    select_related = (*PARTY, "directive")
    columns = [
        Column("title", _("title"), link=True),
        Column("party", _("responsible party")),
        Column("get_kind_display", _("kind")),
        Column("due_date", _("due date")),
        Column("days_overdue", _("days overdue")),
        Column("get_status_display", _("status")),
        Column("directive", _("directive")),
    ]
    fields = [
        Column("title", _("title")),
        Column("party", _("responsible party"), link=True),
        Column("get_kind_display", _("kind")),
        Column("description", _("description")),
        Column("directive", _("directive"), link=True),
        Column("basis", _("basis")),
        Column("due_date", _("due date")),
        Column("get_status_display", _("status")),
        Column("fulfilled_at", _("fulfilled at")),
        Column("fulfilled_by", _("fulfilled by")),
        Column("evidence", _("evidence")),
        Column("evidence_url", _("evidence link")),
        Column("waived_reason", _("reason for waiving")),
        Column("campaign", _("campaign")),
    ]


class ObligationDetail(ObligationViews, ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, obligation = self.request.user, self.object
        context["can_fulfil"] = obligation.is_pending and user.has_perm(Obligation.get_perm("fulfil"), obligation)
        context["can_waive"] = obligation.is_pending and user.has_perm(Obligation.get_perm("waive"), obligation)
        context["fulfil_form"] = forms.FulfilForm()
        context["waive_form"] = forms.WaiveForm()
        context["can_accept"] = obligation.status == Obligation.Status.REPORTED and user.has_perm(
            Obligation.get_perm("accept"), obligation
        )
        context["can_confirm_unmet"] = obligation.status == Obligation.Status.TO_CONFIRM and user.has_perm(
            Obligation.get_perm("confirm_unmet"), obligation
        )
        context["confirm_unmet_form"] = forms.ConfirmUnmetForm()
        context["files"] = obligation.files.all()
        days_left = obligation.days_left()
        context["days_left"] = days_left
        context["days_overdue"] = -days_left if days_left is not None and days_left < 0 else 0
        context["findings"] = Finding.objects.visible_to(user).filter(obligation=obligation)
        may_supervise = obligation.status == Obligation.Status.OVERDUE and user.has_perm(
            Obligation.get_perm("supervise"), obligation
        )
        context["letter_refusal"] = letter_flow.refusal(obligation) if may_supervise else ""
        context["can_issue_letter"] = may_supervise and not context["letter_refusal"]
        context["letter_form"] = forms.LetterForm()
        context["letters"] = obligation.letters.select_related("issuing_authority", "issued_by")
        context["notifications"] = obligation.notifications.order_by("-created", "-pk")[:50]
        return context


class ObligationCreate(ObligationViews, ObjectCreateView):
    def form_valid(self, form):
        form.instance.created_by = self.request.user
        return super().form_valid(form)


class ObligationFulfil(ObjectActionView):
    model = Obligation
    permission = "fulfil"
    form_class = forms.FulfilForm

    def act(self, obligation, data):
        return obligation_actions.fulfil(
            obligation, evidence=data["evidence"], url=data["evidence_url"], files=data["files"], by=self.request.user
        )

    def succeeded(self, obligation) -> None:
        if obligation.status == Obligation.Status.REPORTED:
            messages.success(self.request, _("Reported with its evidence: an administrator will accept it."))
        else:
            messages.success(self.request, _("Recorded as fulfilled."))


class ObligationAccept(ObjectActionView):
    """An administrator of the duty's scope accepts the party's reported fulfilment."""

    model = Obligation
    permission = "accept"
    success_message = _("Accepted: the duty is fulfilled.")

    def act(self, obligation, data):
        return obligation_actions.accept(obligation, by=self.request.user)


class ObligationReturnReport(ObjectActionView):
    """… or returns it with what is still missing: the duty is open again."""

    model = Obligation
    permission = "accept"
    form_class = forms.ReturnReportForm
    success_message = _("Returned to the party with your reason.")

    def act(self, obligation, data):
        return obligation_actions.return_report(obligation, reason=data["reason"], by=self.request.user)


class ObligationWaive(ObjectActionView):
    model = Obligation
    permission = "waive"
    form_class = forms.WaiveForm
    success_message = _("Waived.")

    def act(self, obligation, data):
        return obligation_actions.waive(obligation, reason=data["reason"], by=self.request.user)


class ObligationConfirmUnmet(ObjectActionView):
    """The province confirms a duty loaded after its deadline as unmet: overdue, with its finding."""

    model = Obligation
    permission = "confirm_unmet"
    form_class = forms.ConfirmUnmetForm
    success_message = _("Confirmed as unmet: the duty is overdue.")

    def act(self, obligation, data):
        return services.confirm_unmet(obligation, by=self.request.user, reason=data["reason"])


class CampaignCreate(LoginRequiredMixin, FormView):
    """The same duty for every vendor or every platform of a region (administrators)."""

    form_class = forms.CampaignForm
    template_name = "supervision/campaign_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(Obligation.get_perm("add")):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            created = obligation_actions.campaign(
                parties=form.parties(),
                kind=data["kind"],
                title=data["title"],
                due_date=data["due_date"],
                directive=data["directive"],
                description=data["description"],
                by=self.request.user,
            )
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("%(count)d obligations created.") % {"count": len(created)})
        return redirect(f"{reverse('supervision:obligation_list')}?{urlencode({'campaign': created[0].campaign})}")


class FindingViews(ModelViews):
    model = Finding
    form_class = forms.FindingForm
    filterset_class = filters.FindingFilterSet
    select_related = (*PARTY, "obligation", "raised_by")
    columns = [
        Column("summary", _("summary"), link=True),
        Column("party", _("responsible party")),
        Column("get_kind_display", _("kind")),
        Column("get_status_display", _("status")),
        Column("created", _("created")),
    ]
    fields = [
        Column("summary", _("summary")),
        Column("party", _("responsible party"), link=True),
        Column("get_kind_display", _("kind")),
        Column("get_status_display", _("status")),
        Column("basis", _("basis")),
        Column("readable_facts", _("facts")),
        Column("evidence", _("evidence")),
        Column("obligation", _("obligation"), link=True),
        Column("finder", _("raised by")),
    ]


class FindingDetail(FindingViews, ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cases"] = self.object.cases.all()
        is_open, user = self.object.status == Finding.Status.OPEN, self.request.user
        context["can_open_case"] = is_open and user.has_perm(Finding.get_perm("open_case"), self.object)
        context["can_dismiss"] = is_open and user.has_perm(Finding.get_perm("change"), self.object)
        return context


class FindingCreate(FindingViews, ObjectCreateView):
    def form_valid(self, form):
        form.instance.raised_by = self.request.user
        form.instance.dedup_key = f"manual:{uuid.uuid4().hex}"
        return super().form_valid(form)


class FindingDismiss(ObjectActionView):
    model = Finding
    success_message = _("Finding dismissed.")

    def act(self, finding, data):
        return services.dismiss_finding(finding, by=self.request.user)


class RuleRegister(LoginRequiredMixin, TemplateView):
    """Every rule of the portal under the clause it rests on (``portal.clauses``): what a duty or a
    finding is based on, where the code is and which tests hold it."""

    template_name = "supervision/rule_register.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(groups=register.groups(), **kwargs)
