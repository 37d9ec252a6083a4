"""Pages of the trial's usage statistics (form, xlsx import, national table with charts and export)
and of the bidders' feedback (the public form and status page, triage by administrators)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.actions import ObjectActionView, error_text
from portal.crud import Column, ModelViews, ObjectDetailView, ObjectListView
from supervision.models import CAVendor
from trial import filters, forms, rounds, usage, xlsx
from trial.models import TrialRound, UsageLine, UsageReport
from trial.models.usage import COUNT_FIELDS
from trial.views.rounds import TrialMixin


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=xlsx.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _can_report(user) -> bool:
    """Whether to offer the report buttons: the user may report and acts for a participating platform."""
    return user.has_perm(UsageReport.get_perm("add")) and rounds.participant_platforms(user).exists()


# --- reports ---------------------------------------------------------------------------------------


class ReportViews(TrialMixin, ModelViews):
    model = UsageReport
    filterset_class = filters.UsageReportFilterSet
    select_related = ("platform", "period", "period__round", "submitted_by")
    columns = [
        Column("platform", gettext_lazy("platform"), link=True),
        Column("period", gettext_lazy("reporting period")),
        Column("starts_on", gettext_lazy("period from")),
        Column("ends_on", gettext_lazy("period to")),
        Column("submitted_at", gettext_lazy("submitted at")),
        Column("is_late", gettext_lazy("reported late")),
        Column("get_via_display", gettext_lazy("submitted via")),
    ]
    fields = [
        Column("platform", gettext_lazy("platform"), link=True),
        Column("period", gettext_lazy("reporting period")),
        Column("starts_on", gettext_lazy("period from")),
        Column("ends_on", gettext_lazy("period to")),
        Column("submitted_at", gettext_lazy("submitted at")),
        Column("submitted_by", gettext_lazy("submitted by")),
        Column("get_via_display", gettext_lazy("submitted via")),
        Column("is_late", gettext_lazy("reported late")),
        Column("notes", gettext_lazy("notes")),
    ]


class ReportList(ReportViews, ObjectListView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = False  # reports are submitted through their own pages
        context["can_report"] = _can_report(self.request.user)
        return context


class ReportDetail(ReportViews, ObjectDetailView):
    template_name = "trial/usagereport_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = False
        context["lines"] = (
            UsageLine.objects.visible_to(self.request.user).filter(report=self.object).select_related("vendor")
        )
        context["totals"] = self.object.totals()
        context["count_fields"] = [UsageLine._meta.get_field(name).verbose_name for name in COUNT_FIELDS]
        context["can_delete"] = self.request.user.has_perm(UsageReport.get_perm("delete"), self.object)
        return context


class ReportDelete(ObjectActionView):
    model = UsageReport
    permission = "delete"
    success_message = gettext_lazy("Report withdrawn; the platform can submit it again.")

    def act(self, report, data):
        with transaction.atomic():
            rounds.report_withdrawn(report, self.request.user)
            report.delete()
        return report

    def redirect_to(self, report):
        return reverse("trial:usagereport_list")


def _lines(formset) -> list[dict]:
    return [
        {name: form.cleaned_data[name] for name in ("vendor", *COUNT_FIELDS)}
        for form in formset.forms
        if form.has_changed() and form.cleaned_data
    ]


@login_required
def report_submit(request):
    """The report form: platform, period and one line per CA vendor."""
    if not request.user.has_perm(UsageReport.get_perm("add")):
        raise PermissionDenied  # a user who may report but has no participating platform is told why
    header = forms.UsageHeaderForm(request.POST or None, user=request.user)
    formset = forms.UsageLineFormSet(request.POST or None, prefix="lines")
    if request.method == "POST":
        header_ok, lines_ok = header.is_valid(), formset.is_valid()
        if header_ok and lines_ok:
            data = header.cleaned_data
            try:
                report = usage.submit_report(
                    platform=data["platform"],
                    period=data["period"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    notes=data["notes"],
                    lines=_lines(formset),
                    by=request.user,
                    via=UsageReport.Via.FORM,
                )
            except ValidationError as exc:
                header.add_error(None, error_text(exc))
            else:
                message = _("Report submitted.")
                if report.is_late:
                    message = _("Report submitted after the due date: it is recorded as late.")
                messages.success(request, message)
                return redirect(report.get_absolute_url())
    return render(request, "trial/usage_submit.html", {"form": header, "formset": formset})


@login_required
def report_import(request):
    """Upload the filled-in template: every row is checked like a line of the form; one bad row and
    nothing is written."""
    if not request.user.has_perm(UsageReport.get_perm("add")):
        raise PermissionDenied  # a user who may report but has no participating platform is told why
    form = forms.UsageImportForm(request.POST or None, request.FILES or None, user=request.user)
    row_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lines, row_errors = import_lines(data["file"])
            if not row_errors:
                report = usage.submit_report(
                    platform=data["platform"],
                    period=data["period"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    notes=data["notes"],
                    lines=lines,
                    by=request.user,
                    via=UsageReport.Via.XLSX,
                )
                messages.success(request, _("%(n)d rows imported.") % {"n": len(lines)})
                return redirect(report.get_absolute_url())
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
    return render(request, "trial/usage_import.html", {"form": form, "row_errors": row_errors})


def import_lines(upload) -> tuple[list[dict], list[str]]:
    """Rows of the workbook validated with ``UsageLineForm``: (lines, errors "Row 5, bids: …")."""
    vendors = {}
    for vendor in CAVendor.objects.all():
        vendors[vendor.name] = vendor
        vendors[vendor.short_name] = vendor
    lines, errors = [], []
    for number, raw in xlsx.read_rows(upload):
        vendor = vendors.get(raw["vendor_name"])
        if vendor is None:
            errors.append(
                _("Row %(row)d, CA vendor: “%(name)s” is not in the registry of CA vendors.")
                % {"row": number, "name": raw["vendor_name"] or "—"}
            )
            continue
        form = forms.UsageLineForm(data={"vendor": vendor.pk, **{name: raw[name] for name in COUNT_FIELDS}})
        if not form.is_valid():
            for name, messages_ in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                errors.extend(
                    _("Row %(row)d, %(field)s: %(message)s") % {"row": number, "field": label, "message": m}
                    for m in messages_
                )
            continue
        lines.append({name: form.cleaned_data[name] for name in ("vendor", *COUNT_FIELDS)})
    return lines, errors


@login_required
def report_template(request):
    return xlsx_response(xlsx.import_template(), "usage-statistics-template.xlsx")


# --- the national table ----------------------------------------------------------------------------


def _table_context(request):
    form = forms.NationalTableForm(request.GET or None)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    trial_round = data.get("round") or TrialRound.objects.current()
    period = data.get("period")
    if period is not None and trial_round is not None and period.round_id != trial_round.pk:
        trial_round = period.round
    lines = UsageLine.objects.visible_to(request.user)
    if period is not None:
        lines = lines.filter(report__period=period)
        period_text = f"{period.label}（{period.starts_on:%Y-%m-%d}至{period.ends_on:%Y-%m-%d}）"
    elif trial_round is not None:
        lines = lines.filter(report__period__round=trial_round)
        period_text = f"{trial_round.name}（全部统计期间）"
    else:
        lines, period_text = lines.none(), ""
    table = usage.national_table(lines)
    matrix = usage.submission_matrix(trial_round, request.user) if trial_round else {"periods": [], "rows": []}
    return form, trial_round, period, period_text, table, matrix


def _remarks(matrix: dict, period) -> tuple[dict, list[str]]:
    """Remarks of the export: late reports, and participants without a report for the chosen period."""
    notes, missing = {}, []
    for row in matrix["rows"]:
        platform = row["participant"].platform
        for column, cell in zip(matrix["periods"], row["cells"]):
            if period is not None and column.pk != period.pk:
                continue
            if cell.state == "late":
                notes[platform.pk] = "逾期报送"
            elif cell.state == "missing" and platform.name not in missing:
                missing.append(platform.name)
    return notes, missing


@login_required
def national_table(request):
    form, trial_round, period, period_text, table, matrix = _table_context(request)
    chart = {
        "provinces": {
            "labels": [g.label for g in table["provinces"]],
            "bids": [g.totals["bids"] for g in table["provinces"]],
            "cross": [g.totals["cross_region_bids"] for g in table["provinces"]],
        },
        "vendors": {
            "labels": [g.extra["short"] for g in table["vendors"]],
            "bids": [g.totals["bids"] for g in table["vendors"]],
            "entities": [g.totals["registered_entities"] for g in table["vendors"]],
        },
        "series": {
            "bids": _("bids submitted with a network-shared certificate"),
            "cross": _("of which cross-region bids"),
            "entities": _("market entities registered with a network-shared certificate"),
        },
    }
    return render(
        request,
        "trial/national_table.html",
        {
            "form": form,
            "round": trial_round,
            "period": period,
            "period_text": period_text,
            "table": table,
            "matrix": matrix,
            "chart": chart,  # json_script encodes it
            "count_fields": [UsageLine._meta.get_field(name).verbose_name for name in COUNT_FIELDS],
            "export_query": request.GET.urlencode(),
            "can_report": _can_report(request.user),
        },
    )


@login_required
def national_table_xlsx(request):
    form, trial_round, period, period_text, table, matrix = _table_context(request)
    notes, missing = _remarks(matrix, period)
    content = xlsx.national_workbook(table, period_text=period_text, notes=notes, missing=missing)
    name = f"national-usage-{(period.pk if period else (trial_round.code if trial_round else 'none'))}.xlsx"
    return xlsx_response(content, name)
