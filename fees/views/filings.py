"""Filings: list, detail (lines, rule check, review), create and edit, workflow actions, export,
and a vendor's filing history with the differences between versions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fees import filters, findings, forms, versions, workflow
from fees.benchmarks import BenchmarkCache
from fees.breaches import RuleBook, line_facts
from fees.importing.resource import FilingLineResource
from fees.models import FeeFiling, FeeFilingLine
from fees.regions import RegionTree
from portal.actions import ObjectActionView
from portal.autocomplete import MAX_ID
from portal.crud import Column, ModelViews, ObjectCreateView, ObjectDetailView
from supervision.models import CAVendor


class FilingViews(ModelViews):
    model = FeeFiling
    form_class = forms.FeeFilingForm
    filterset_class = filters.FeeFilingFilterSet
    select_related = ("vendor", "region")
    columns = [
        Column("pk", gettext_lazy("number"), link=True),
        Column("vendor.short_name", gettext_lazy("CA vendor")),
        Column("region.name", gettext_lazy("region")),
        Column("effective_date", gettext_lazy("effective date")),
        Column("get_status_display", gettext_lazy("status")),
        Column("submitted_on", gettext_lazy("submitted at")),
    ]


class FilingCreate(FilingViews, ObjectCreateView):
    def form_valid(self, form):
        form.instance.created_by = self.request.user
        return super().form_valid(form)


def line_rows(filing: FeeFiling, lines, tree: RegionTree | None = None) -> list[dict]:
    """Each line with the benchmark it is held against and the breaches the rules find."""
    tree = tree or RegionTree()
    cache = BenchmarkCache(tree)
    book = RuleBook(tree, cache)
    province = tree.province_of(filing.region_id)
    facts = {fact.line_id: fact for fact in line_facts(FeeFilingLine.objects.filter(filing=filing))}
    rows = []
    for line in lines:
        benchmark = cache.get(province, line.product_id, line.item_id) if province else None
        fact = facts.get(line.pk)
        rows.append(
            {
                "line": line,
                "benchmark": benchmark,
                "breaches": book.evaluate(fact) if fact else [],
            }
        )
    return rows


def lines_context(request, filing: FeeFiling, *, form=None, editing: int | None = None, edit_form=None) -> dict:
    lines = list(filing.lines.select_related("product", "item"))
    editable = request.user.has_perm("fees.change_feefiling", filing)
    return {
        "filing": filing,
        "rows": line_rows(filing, lines),
        "editable": editable,
        "line_form": (form or forms.FeeFilingLineForm(filing=filing)) if editable else None,
        "editing": editing,
        "edit_form": edit_form,
    }


class FilingDetail(FilingViews, ObjectDetailView):
    template_name = "fees/feefiling_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filing = self.object
        user = self.request.user
        context.update(lines_context(self.request, filing))
        context["can_review"] = user.has_perm("fees.review_feefiling", filing)
        context["can_delete"] = user.has_perm("fees.delete_feefiling", filing)
        if context["can_review"]:
            context["blocking_cases"] = findings.blocking_cases(filing.vendor)
            context["accept_form"] = forms.AcceptForm()
            context["return_form"] = forms.ReturnForm()
        previous = versions.previous_version(filing, FeeFiling.objects.visible_to(user))
        context["previous"] = previous
        context["changes"] = [c for c in versions.diff(previous, filing) if c.kind != versions.SAME] if previous else []
        return context


class FilingAction(ObjectActionView):
    """A workflow step on one filing; the workflow checks the reviewer's permission on the locked row."""

    model = FeeFiling
    permission = None
    select_related = ("vendor", "region")


class FilingSubmit(FilingAction):
    def act(self, filing, data):
        self.breaches = workflow.submit(filing, self.request.user)
        return filing

    def succeeded(self, filing) -> None:
        if self.breaches:
            messages.warning(
                self.request,
                _("Submitted. The rules found %(n)d breach(es); each was recorded as a finding for rectification.")
                % {"n": len(self.breaches)},
            )
        else:
            messages.success(self.request, _("Submitted for review."))


class FilingAccept(FilingAction):
    permission = "review"  # asked before the form as well: only a reviewer hears what the form lacks
    form_class = forms.AcceptForm
    success_message = gettext_lazy("Accepted: this filing is now the tariff in force from its effective date.")

    def act(self, filing, data):
        workflow.accept(filing, self.request.user, data.get("override_reason", ""))
        return filing


class FilingReturn(FilingAction):
    permission = "review"
    form_class = forms.ReturnForm
    success_message = gettext_lazy("Returned to the vendor with your reason.")
    invalid_message = gettext_lazy("Say why the filing is returned.")

    def act(self, filing, data):
        workflow.return_(filing, self.request.user, data["reason"])
        return filing


class FilingDelete(FilingAction):
    permission = "delete"
    success_message = gettext_lazy("The draft filing was deleted.")

    def act(self, filing, data):
        filing._history_user = self.request.user
        filing.delete()
        return filing

    def redirect_to(self, filing):
        return reverse("fees:feefiling_list")


def xlsx_response(dataset, name: str) -> HttpResponse:
    response = HttpResponse(
        dataset.export("xlsx"), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def export(request):
    """The lines of the filings the user sees (with the list's filters) as xlsx."""
    filings = filters.FeeFilingFilterSet(request.GET, queryset=FeeFiling.objects.visible_to(request.user)).qs
    lines = (
        FeeFilingLine.objects.filter(filing__in=filings)
        .select_related("filing__vendor", "filing__region", "product", "item")
        .order_by("filing__vendor__short_name", "filing__region_id", "filing__effective_date", "pk")
    )
    dataset = FilingLineResource().export(lines)
    return xlsx_response(dataset, f"fee-filings-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
def vendor_history(request, vendor_pk: int):
    """The versions of a vendor's filings the user may see: a vendor's or platform's user, who sees the
    accepted (public) tariffs of every vendor, sees their history too, though not the vendor's record."""
    if vendor_pk > MAX_ID:  # no row's id, and more than the database compares
        raise Http404
    filings = list(
        FeeFiling.objects.visible_to(request.user).filter(vendor_id=vendor_pk).select_related("region", "vendor")
    )
    vendor = CAVendor.objects.visible_to(request.user).filter(pk=vendor_pk).first()
    if vendor is None and not filings:
        raise Http404
    vendor = vendor or filings[0].vendor
    return render(request, "fees/vendor_history.html", {"vendor": vendor, "groups": versions.history(filings)})
