"""Pages of the bidders' feedback: the public form and status page (no login) and the triage by the
administrators of the platform's region (answer, finding, national attention, export)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.actions import ObjectActionView
from portal.crud import Column, ModelViews, ObjectDetailView, ObjectListView
from trial import feedback as feedback_flow
from trial import filters, forms, xlsx
from trial.models import Feedback
from trial.views.records import download
from trial.views.rounds import TrialMixin
from trial.views.usage import xlsx_response

# --- feedback: public ------------------------------------------------------------------------------


def feedback_new(request):
    """The public form (no account). Each saved submission counts towards the address's rate limit; a
    post the form refuses does not (the bidder corrects it and sends it again)."""
    form = forms.FeedbackForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if feedback_flow.rate_used_up(request):
            return _rate_limited(request)
        if form.is_valid():
            if not feedback_flow.count_submission(request):
                return _rate_limited(request)
            feedback = feedback_flow.submit(form, request)
            url = reverse("trial:feedback_status") + "?" + urlencode({"number": feedback.tracking_number, "new": 1})
            return redirect(url)
    return render(request, "trial/feedback_form.html", {"form": form})


def _rate_limited(request):
    """429, with the text kept in the form for a later try (the attachment is not kept)."""
    limit, seconds = feedback_flow.rate()
    kept = {name: request.POST.get(name, "") for name in ("category", "platform", "vendor", "description", "contact")}
    message = _(
        "Too many submissions from your address: at most %(limit)d in %(minutes)d minutes. "
        "Nothing was saved; please try again later."
    ) % {"limit": limit, "minutes": seconds // 60}
    return render(
        request,
        "trial/feedback_form.html",
        {"form": forms.FeedbackForm(initial=kept), "rate_limited": message},
        status=429,
    )


def feedback_status(request):
    form = forms.FeedbackStatusForm(request.GET or None)
    feedback = None
    if request.GET.get("number") and form.is_valid():
        number = form.cleaned_data["number"].strip().upper()
        feedback = Feedback.objects.select_related("platform", "vendor").filter(tracking_number=number).first()
        if feedback is None:
            form.add_error("number", _("No feedback has this tracking number."))
    return render(
        request,
        "trial/feedback_status.html",
        {"form": form, "feedback": feedback, "new": request.GET.get("new") == "1"},
    )


# --- feedback: triage ------------------------------------------------------------------------------


class FeedbackViews(TrialMixin, ModelViews):
    model = Feedback
    filterset_class = filters.FeedbackFilterSet
    select_related = ("platform", "vendor", "finding")
    columns = [
        Column("tracking_number", gettext_lazy("tracking number"), link=True),
        Column("created", gettext_lazy("received")),
        Column("get_category_display", gettext_lazy("category")),
        Column("platform", gettext_lazy("platform")),
        Column("vendor", gettext_lazy("CA vendor")),
        Column("get_status_display", gettext_lazy("status")),
        Column("national_attention", gettext_lazy("needs national attention")),
    ]
    fields = [
        Column("tracking_number", gettext_lazy("tracking number")),
        Column("created", gettext_lazy("received")),
        Column("get_category_display", gettext_lazy("category")),
        Column("platform", gettext_lazy("platform"), link=True),
        Column("vendor", gettext_lazy("CA vendor"), link=True),
        Column("description", gettext_lazy("description")),
        Column("contact", gettext_lazy("how to reach you (optional)")),
        Column("get_status_display", gettext_lazy("status")),
        Column("answer", gettext_lazy("answer")),
        Column("finding", gettext_lazy("finding"), link=True),
        Column("national_note", gettext_lazy("note for the national office")),
    ]


def require_triage(user) -> None:
    """Feedback is triaged, and read, by administrators only (the model's "view" permission): anyone else
    is refused its pages rather than shown empty ones."""
    if not user.has_perm(Feedback.get_perm("view")):
        raise PermissionDenied


class FeedbackList(FeedbackViews, ObjectListView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_triage(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = False
        return context


class FeedbackDetail(FeedbackViews, ObjectDetailView):
    template_name = "trial/feedback_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = False
        context["can_triage"] = self.request.user.has_perm(Feedback.get_perm("change"), self.object)
        context["answer_form"] = forms.FeedbackAnswerForm(initial={"answer": self.object.answer})
        context["finding_form"] = forms.FeedbackFindingForm(feedback=self.object)
        context["national_form"] = forms.FeedbackNationalForm(initial={"note": self.object.national_note})
        return context


class FeedbackAnswer(ObjectActionView):
    model = Feedback
    form_class = forms.FeedbackAnswerForm
    success_message = gettext_lazy("Answer saved; the sender sees it with the tracking number.")

    def act(self, obj, data):
        return feedback_flow.answer(obj, text=data["answer"], by=self.request.user)


class FeedbackToFinding(ObjectActionView):
    model = Feedback
    form_class = forms.FeedbackFindingForm
    success_message = gettext_lazy("Finding raised.")

    def act(self, obj, data):
        feedback_flow.to_finding(obj, by=self.request.user, party=data["party"], summary=data["summary"])
        return obj


class FeedbackNational(ObjectActionView):
    model = Feedback
    form_class = forms.FeedbackNationalForm
    success_message = gettext_lazy("Marked for national attention.")

    def act(self, obj, data):
        return feedback_flow.mark_national(obj, note=data["note"], by=self.request.user)


class FeedbackClose(ObjectActionView):
    model = Feedback
    success_message = gettext_lazy("Closed.")

    def act(self, obj, data):
        return feedback_flow.close(obj, by=self.request.user)


@login_required
def feedback_attachment(request, pk):
    feedback = get_object_or_404(Feedback.objects.visible_to(request.user), pk=pk)
    return download(feedback.attachment, feedback.attachment_name or "attachment")


@login_required
def feedback_national(request):
    """Feedback marked for national attention (需要国家层面统筹解决的), as a page or an xlsx for the national office."""
    require_triage(request.user)
    rows = (
        Feedback.objects.visible_to(request.user)
        .filter(national_attention=True)
        .select_related("platform", "vendor")
        .order_by("created", "pk")
    )
    if request.GET.get("format") == "xlsx":
        return xlsx_response(xlsx.feedback_workbook(rows), "feedback-national-attention.xlsx")
    return render(request, "trial/feedback_national.html", {"rows": rows})
