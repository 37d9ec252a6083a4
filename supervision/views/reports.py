"""Progress reports to the government (进展情况报告): a region's dated reports with the form that asks for
a new one, and each report's page with its progress bar, figures and files (administrators only)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from portal.actions import error_text
from portal.crud import Column, ModelViews, ObjectDetailView
from portal.jobs import progress_block
from supervision import forms
from supervision.engine import progress_report as report_flow
from supervision.models import ProgressReport


class AdministratorsOnly(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (request.user.is_superuser or request.user.is_administrator):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ReportList(AdministratorsOnly, View):
    template_name = "supervision/report_list.html"

    def reports(self):
        return (
            ProgressReport.objects.visible_to(self.request.user)
            .select_related("region", "created_by")
            .order_by("-as_of", "-created", "-pk")[:200]
        )

    def page(self, form):
        can_generate = self.request.user.has_perm(ProgressReport.get_perm("add")) and bool(
            form.fields["region"].queryset
        )
        context = {"reports": self.reports(), "form": form, "can_generate": can_generate}
        return render(self.request, self.template_name, context)

    def get(self, request):
        return self.page(forms.ReportForm(user=request.user))

    def post(self, request):
        if not request.user.has_perm(ProgressReport.get_perm("add")):
            raise PermissionDenied
        form = forms.ReportForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.page(form)
        try:
            report = report_flow.request_report(
                region=form.cleaned_data["region"], as_of=form.cleaned_data["as_of"], by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
            return self.page(form)
        messages.success(request, _("The report is being generated; this page shows its progress."))
        return redirect(report)


class ReportViews(ModelViews):
    model = ProgressReport
    select_related = ("region", "created_by", "issuing_authority")
    fields = [
        Column("region", _("region")),
        Column("as_of", _("as of")),
        Column("number", _("document number (文号)")),
        Column("issuing_authority", _("issuing authority")),
        Column("get_status_display", _("status")),
        Column("created_by", _("requested by")),
        Column("created", _("requested at")),
        Column("finished_at", _("finished at")),
    ]

    @property
    def url_name(self) -> str:
        return "report"


class ReportDetail(ReportViews, ObjectDetailView):  # a row out of scope (any, for a non-administrator): 404
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = False  # a report is a dated record: generate a new one instead
        context["progress"] = report_flow.progress_of(self.object)
        context["sections"] = list(self.object.figures.values()) if self.object.status == "done" else []
        return context


@login_required
def report_progress(request, pk):
    """The progress block, polled by HTMX while the report is generated."""
    report = get_object_or_404(ProgressReport.objects.visible_to(request.user), pk=pk)
    context = {"report": report, "progress": report_flow.progress_of(report)}
    return progress_block(request, "supervision/includes/report_progress.html", context, report)
