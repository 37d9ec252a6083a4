"""Pages of directives, obligations (with campaigns, fulfilment, waiver) and findings."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from portal.crud import Column, ObjectCreateView, ObjectDetailView, ObjectListView, ObjectUpdateView
from supervision import filters, forms
from supervision.engine import obligations as obligation_actions
from supervision.models import Directive, Finding, Obligation
from supervision.views.actions import ObjectActionView, error_text

L = gettext_lazy
PARTY = ("vendor", "platform", "authority")


class DirectiveViews:
    model = Directive
    form_class = forms.DirectiveForm
    filterset_class = filters.DirectiveFilterSet
    select_related = ("issuer", "forwards")


class DirectiveList(DirectiveViews, ObjectListView):
    columns = [
        Column("number", L("document number (文号)"), link=True),
        Column("title", L("title"), link=True),
        Column("issuer", L("issuer")),
        Column("year", L("year")),
        Column("forwards", L("forwards (转发)"), link=True),
    ]


class DirectiveDetail(DirectiveViews, ObjectDetailView):
    prefetch_related = ("addressed_vendors", "attachments", "forwarded_by")
    fields = [
        Column("number", L("document number (文号)")),
        Column("title", L("title")),
        Column("issuer", L("issuer"), link=True),
        Column("year", L("year")),
        Column("issued_on", L("date of issue")),
        Column("forwards", L("forwards (转发)"), link=True),
        Column("addressed_vendors.all", L("addressed CA vendors")),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["obligations"] = (
            Obligation.objects.visible_to(self.request.user)
            .filter(directive=self.object)
            .select_related(*PARTY)
            .order_by("due_date", "pk")[:100]
        )
        return context


class DirectiveCreate(DirectiveViews, ObjectCreateView):
    pass


class DirectiveUpdate(DirectiveViews, ObjectUpdateView):
    pass


class ObligationViews:
    model = Obligation
    form_class = forms.ObligationForm
    filterset_class = filters.ObligationFilterSet
    select_related = (*PARTY, "directive")


class ObligationList(ObligationViews, ObjectListView):
    columns = [
        Column("title", L("title"), link=True),
        Column("party", L("responsible party")),
        Column("get_kind_display", L("kind")),
        Column("due_date", L("due date")),
        Column("get_status_display", L("status")),
        Column("directive", L("directive")),
    ]


class ObligationDetail(ObligationViews, ObjectDetailView):
    fields = [
        Column("title", L("title")),
        Column("party", L("responsible party"), link=True),
        Column("get_kind_display", L("kind")),
        Column("description", L("description")),
        Column("directive", L("directive"), link=True),
        Column("due_date", L("due date")),
        Column("get_status_display", L("status")),
        Column("fulfilled_at", L("fulfilled at")),
        Column("fulfilled_by", L("fulfilled by")),
        Column("evidence", L("evidence")),
        Column("evidence_url", L("evidence link")),
        Column("waived_reason", L("reason for waiving")),
        Column("campaign", L("campaign")),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, obligation = self.request.user, self.object
        context["can_fulfil"] = obligation.is_pending and user.has_perm(Obligation.get_perm("fulfil"), obligation)
        context["can_waive"] = obligation.is_pending and user.has_perm(Obligation.get_perm("change"), obligation)
        context["fulfil_form"] = forms.FulfilForm()
        context["waive_form"] = forms.WaiveForm()
        context["files"] = obligation.files.all()
        days_left = obligation.days_left()
        context["days_left"] = days_left
        context["days_overdue"] = -days_left if days_left is not None and days_left < 0 else 0
        context["findings"] = Finding.objects.visible_to(user).filter(obligation=obligation)
        context["notifications"] = obligation.notifications.order_by("-created", "-pk")[:50]
        return context


class ObligationCreate(ObligationViews, ObjectCreateView):
    def form_valid(self, form):
        form.instance.created_by = self.request.user
        return super().form_valid(form)


class ObligationUpdate(ObligationViews, ObjectUpdateView):
    pass


class ObligationFulfil(ObjectActionView):
    model = Obligation
    permission = "fulfil"
    form_class = forms.FulfilForm
    success_message = L("Recorded as fulfilled.")

    def act(self, obligation, data):
        return obligation_actions.fulfil(
            obligation, evidence=data["evidence"], url=data["evidence_url"], files=data["files"], by=self.request.user
        )


class ObligationWaive(ObjectActionView):
    model = Obligation
    form_class = forms.WaiveForm
    success_message = L("Waived.")

    def act(self, obligation, data):
        return obligation_actions.waive(obligation, reason=data["reason"], by=self.request.user)


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


class FindingViews:
    model = Finding
    form_class = forms.FindingForm
    filterset_class = filters.FindingFilterSet
    select_related = (*PARTY, "obligation")


class FindingList(FindingViews, ObjectListView):
    columns = [
        Column("summary", L("summary"), link=True),
        Column("party", L("responsible party")),
        Column("get_kind_display", L("kind")),
        Column("get_status_display", L("status")),
        Column("created", L("created")),
    ]


class FindingDetail(FindingViews, ObjectDetailView):
    fields = [
        Column("summary", L("summary")),
        Column("party", L("responsible party"), link=True),
        Column("get_kind_display", L("kind")),
        Column("get_status_display", L("status")),
        Column("facts", L("facts")),
        Column("evidence", L("evidence")),
        Column("obligation", L("obligation"), link=True),
        Column("raised_by", L("raised by")),
        Column("dedup_key", L("deduplication key")),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cases"] = self.object.cases.all()
        context["can_open_case"] = self.object.status == Finding.Status.OPEN and self.request.user.has_perm(
            Finding.get_perm("change"), self.object
        )
        return context


class FindingCreate(FindingViews, ObjectCreateView):
    def form_valid(self, form):
        import uuid

        form.instance.raised_by = self.request.user
        form.instance.dedup_key = f"manual:{uuid.uuid4().hex}"
        return super().form_valid(form)


class FindingUpdate(FindingViews, ObjectUpdateView):
    pass


class FindingDismiss(ObjectActionView):
    model = Finding
    success_message = L("Finding dismissed.")

    def act(self, finding, data):
        if not Finding.objects.filter(pk=finding.pk, status=Finding.Status.OPEN).update(
            status=Finding.Status.DISMISSED
        ):
            raise ValidationError(_("Only an open finding can be dismissed."))
        return finding
