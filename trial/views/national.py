"""Pages of the trial's national level: 法规司 publishes a round; a lead department (or a participating
enterprise) collects its platforms' statistics and submits its written report (书面报送); where each
announcement was shown."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.accounts.models import Role
from portal.actions import ObjectActionView, error_text
from portal.autocomplete import IdField
from portal.crud import Column, ModelViews, ObjectDetailView, ObjectListView
from trial import filters, forms, national
from trial.models import Announcement, AnnouncementDisplay, ReportingPeriod, TrialRound, WrittenReport
from trial.views.rounds import TrialMixin

# --- publishing a round ------------------------------------------------------------------------------


class RoundPublish(ObjectActionView):
    model = TrialRound
    permission = "publish"
    success_message = gettext_lazy("Round published: its duties are in force and their reminders will follow.")

    def act(self, obj, data):
        national.publish_round(obj, self.request.user)
        return obj


# --- where an announcement was shown -------------------------------------------------------------------


class DisplayAdd(ObjectActionView):
    model = Announcement
    permission = "change"
    form_class = forms.AnnouncementDisplayForm
    success_message = gettext_lazy("Display recorded.")

    def act(self, obj, data):
        display = AnnouncementDisplay(announcement=obj, recorded_by=self.request.user, **data)
        display.full_clean()
        display._history_user = self.request.user
        display.save()
        return obj


# --- written reports (书面报送) ---------------------------------------------------------------------------


class WrittenReportViews(TrialMixin, ModelViews):
    model = WrittenReport
    filterset_class = filters.WrittenReportFilterSet
    select_related = ("period", "period__round", "reporter", "submitted_by")
    columns = [
        Column("number", gettext_lazy("document number"), link=True),
        Column("reporter", gettext_lazy("reporting body")),
        Column("period", gettext_lazy("period")),
        Column("submitted_at", gettext_lazy("submitted at")),
        Column("is_late", gettext_lazy("reported late")),
    ]
    fields = [
        Column("number", gettext_lazy("document number")),
        Column("title", gettext_lazy("title")),
        Column("reporter", gettext_lazy("reporting body")),
        Column("period", gettext_lazy("period")),
        Column("submitted_at", gettext_lazy("submitted at")),
        Column("submitted_by", gettext_lazy("submitted by")),
        Column("is_late", gettext_lazy("reported late")),
        Column("cumulative", gettext_lazy("cumulative figures")),
        Column("letter", gettext_lazy("cover letter")),
    ]

    @property
    def url_name(self) -> str:
        return "writtenreport"


class WrittenReportList(WrittenReportViews, ObjectListView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = False  # submitted through the collecting page
        return context


class WrittenReportDetail(WrittenReportViews, ObjectDetailView):
    template_name = "trial/writtenreport_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = context["can_delete"] = False
        context["table"] = self.object.table
        return context


@login_required
def written_report_pdf(request, pk):
    report = get_object_or_404(WrittenReport.objects.visible_to(request.user).select_related("reporter"), pk=pk)
    response = HttpResponse(national.letter_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="written-report-{report.pk}.pdf"'
    return response


def _period_id(value) -> int | None:
    """The period asked for by its id; None for anything that is no id (the page shows the latest)."""
    try:
        return IdField(required=False).clean(value)
    except ValidationError:
        return None


@login_required
def written_report_new(request):
    """The lead department's page: its platforms' statistics of a period (Attachment 2 in the round's
    columns), who has not reported yet, and the form that sends the written report to 法规司."""
    user = request.user
    if user.role != Role.LEAD_DEPARTMENT or user.authority_id is None:
        raise PermissionDenied
    reporter = user.authority
    periods = ReportingPeriod.objects.filter(round__participants__reporter=reporter).distinct().select_related("round")
    wanted = _period_id(request.GET.get("period") or request.POST.get("period"))
    period = (periods.filter(pk=wanted).first() if wanted else None) or periods.last()
    form = forms.WrittenReportForm(request.POST or None, initial={"period": period.pk if period else None})
    form.fields["period"].queryset = periods
    if request.method == "POST" and form.is_valid():
        try:
            report = national.submit_written_report(
                reporter=reporter, period=form.cleaned_data["period"], by=user, letter=form.cleaned_data["letter"]
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Written report %(number)s sent to 法规司.") % {"number": report.number})
            return redirect(report)
    collected = national.collect(reporter, period) if period else None
    sent = WrittenReport.objects.filter(reporter=reporter, period=period).first() if period else None
    return render(
        request,
        "trial/written_report_new.html",
        {
            "reporter": reporter,
            "period": period,
            "periods": periods,
            "collected": collected,
            "sent": sent,
            "form": form,
            "default_letter": national.default_letter(collected) if collected else "",
        },
    )
