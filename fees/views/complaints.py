"""Complaints: the public form and tracking page (no login, rate-limited, size-limited), and the
administrators' list, detail and review."""

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fees import complaints, filters, forms
from fees.models import FeeComplaint
from portal.actions import ObjectActionView
from portal.crud import Column, ModelViews, ObjectDetailView, ObjectListView
from portal.ratelimit import hit

MAX_BODY = 16 * 1024
COMPLAINTS_PER_HOUR = 5
LOOKUPS_PER_MINUTE = 20
SESSION_KEY = "fees_complaint_number"


def _refuse(request, message: str, status: int):
    return render(request, "fees/complaint_refused.html", {"message": message}, status=status)


def complaint_new(request):
    if request.method == "POST":
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY:
            return _refuse(request, _("The complaint is too long; please shorten the description."), 413)
        form = forms.ComplaintForm(request.POST)
        if form.is_valid():
            if not hit(request, "complaint", COMPLAINTS_PER_HOUR, 3600):
                return _refuse(request, _("Too many complaints from your address; please try again in an hour."), 429)
            complaint = complaints.receive(form.save(commit=False))
            request.session[SESSION_KEY] = complaint.tracking_number
            return redirect("fees:complaint_sent")
    else:
        form = forms.ComplaintForm()
    return render(request, "fees/complaint_form.html", {"form": form})


def complaint_sent(request):
    number = request.session.get(SESSION_KEY)
    if not number:
        return redirect("fees:complaint_new")
    complaint = FeeComplaint.objects.filter(tracking_number=number).first()
    return render(request, "fees/complaint_sent.html", {"complaint": complaint})


def complaint_track(request):
    form = forms.TrackForm(request.GET or None)
    complaint = None
    searched = False
    if form.is_bound and form.is_valid():
        if not hit(request, "track", LOOKUPS_PER_MINUTE, 60):
            return _refuse(request, _("Too many look-ups from your address; please wait a minute."), 429)
        searched = True
        complaint = (
            FeeComplaint.objects.filter(tracking_number=form.cleaned_data["number"])
            .select_related("vendor", "platform", "product", "item")
            .first()
        )
    return render(request, "fees/complaint_track.html", {"form": form, "complaint": complaint, "searched": searched})


class ComplaintViews(ModelViews):
    model = FeeComplaint
    filterset_class = filters.FeeComplaintFilterSet
    select_related = ("vendor", "platform", "product", "item")
    columns = [
        Column("tracking_number", gettext_lazy("tracking number"), link=True),
        Column("created", gettext_lazy("received")),
        Column("vendor.short_name", gettext_lazy("CA vendor")),
        Column("platform.name", gettext_lazy("platform")),
        Column("item.name", gettext_lazy("fee item")),
        Column("amount", gettext_lazy("amount charged (yuan)")),
        Column("get_status_display", gettext_lazy("status")),
    ]
    fields = [
        Column("tracking_number", gettext_lazy("tracking number")),
        Column("get_status_display", gettext_lazy("status")),
        Column("vendor", gettext_lazy("CA vendor")),
        Column("platform", gettext_lazy("platform")),
        Column("product", gettext_lazy("product")),
        Column("item", gettext_lazy("fee item")),
        Column("charged_on", gettext_lazy("date charged")),
        Column("amount", gettext_lazy("amount charged (yuan)")),
        Column(
            "held_elsewhere", gettext_lazy("already held this vendor's product for another platform in the province")
        ),
        Column("description", gettext_lazy("what happened")),
        Column("outcome", gettext_lazy("outcome")),
    ]

    @property
    def url_name(self) -> str:
        return "feecomplaint"


class ComplaintList(ComplaintViews, ObjectListView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = False  # complaints come from the public form
        return context


class ComplaintDetail(ComplaintViews, ObjectDetailView):
    template_name = "fees/feecomplaint_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_change"] = False
        context["can_review"] = user.has_perm("fees.change_feecomplaint", self.object)
        context["show_contact"] = user.is_administrator
        if context["can_review"]:
            context["review_form"] = forms.ComplaintReviewForm()
        return context


class ComplaintReview(ObjectActionView):
    model = FeeComplaint
    select_related = ("platform__region",)
    form_class = forms.ComplaintReviewForm
    success_message = gettext_lazy("The decision was recorded; the complainant sees it under the tracking number.")
    invalid_message = gettext_lazy("Choose a decision and explain it.")

    def act(self, complaint, data):
        complaints.review(complaint, self.request.user, data["decision"], data["note"])
        return complaint
