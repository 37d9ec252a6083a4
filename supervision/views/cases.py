"""Pages of rectification cases (board, timeline, response, decision) and public criticism."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView

from portal.actions import ObjectActionView, error_text
from portal.crud import Column, ModelViews, ObjectDetailView, ObjectListView
from portal.downloads import file_response
from supervision import filters, forms
from supervision.engine import cases as case_flow
from supervision.engine import criticism as criticism_flow
from supervision.engine.documents import region_office
from supervision.models import CaseEvent, CaseResponse, Criticism, RectificationCase, ResponseFile

PARTY = ("vendor", "platform", "authority")


class CaseViews(ModelViews):
    model = RectificationCase
    filterset_class = filters.CaseFilterSet
    select_related = PARTY
    columns = [
        Column("number", _("case number"), link=True),
        Column("title", _("title"), link=True),
        Column("party", _("responsible party")),
        Column("get_status_display", _("status")),
        Column("due_date", _("due date")),
    ]
    fields = [
        Column("number", _("case number")),
        Column("title", _("title")),
        Column("party", _("responsible party"), link=True),
        Column("get_status_display", _("status")),
        Column("due_date", _("due date")),
        Column("facts_beyond_findings", _("facts and requirements")),
        Column("opened_by", _("opened by")),
    ]

    @property
    def url_name(self) -> str:
        return "case"


class CaseList(CaseViews, ObjectListView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = False  # cases are opened from findings
        return context


class CaseBoard(LoginRequiredMixin, View):
    """Cases by status, one column each: the number in each column and its first cards (soonest due);
    the column's link opens the list filtered by that status. Its size does not grow with the cases."""

    cards = 20

    def get(self, request):
        cases = RectificationCase.objects.visible_to(request.user)
        counts = dict(cases.order_by().values_list("status").annotate(n=Count("pk")))
        list_url = reverse("supervision:case_list")
        columns = [
            {
                "value": value,
                "label": label,
                "count": counts.get(value, 0),
                "cases": list(
                    cases.filter(status=value).select_related(*PARTY).order_by("due_date", "pk")[: self.cards]
                ),
                "url": f"{list_url}?status={value}",
            }
            for value, label in RectificationCase.Status.choices
        ]
        return render(request, "supervision/case_board.html", {"columns": columns})


class CaseDetail(CaseViews, ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, case = self.request.user, self.object
        context["can_change"] = False
        context["can_respond"] = case.status in RectificationCase.ANSWERABLE and user.has_perm(
            RectificationCase.get_perm("respond"), case
        )
        context["can_decide"] = case.status == RectificationCase.Status.RESPONDED and user.has_perm(
            RectificationCase.get_perm("change"), case
        )
        context["response_form"] = forms.ResponseForm()
        context["decision_form"] = forms.DecisionForm()
        context["timeline"] = timeline(case)
        # Each finding with the clause it rests on (the page's "findings and their basis" card).
        context["findings"] = case.findings.select_related("obligation").order_by("pk")
        return context


def timeline(case) -> list[dict]:
    """Events, responses (with files) and notifications of a case, in time order."""
    # A response is shown once, with its files: its "responded" event would repeat its text.
    events = case.events.exclude(kind=CaseEvent.Kind.RESPONDED).select_related("actor")
    entries = [{"when": e.created, "kind": "event", "event": e} for e in events]
    for response in case.responses.select_related("submitted_by").prefetch_related("files"):
        entries.append({"when": response.created, "kind": "response", "response": response})
    sent = case.notifications.filter(is_copy=False).order_by("created")
    groups: dict[tuple, dict] = {}
    for n in sent:
        group = groups.setdefault(
            (n.topic, n.stage),
            {"when": n.created, "kind": "notifications", "stage": n.stage_label, "rows": []},
        )
        group["rows"].append(n)
    entries.extend(groups.values())
    return sorted(entries, key=lambda entry: entry["when"])


class CaseOpen(LoginRequiredMixin, FormView):
    form_class = forms.CaseOpenForm
    template_name = "supervision/case_open.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(RectificationCase.get_perm("add")):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def get_initial(self):
        return {"findings": self.request.GET.getlist("finding")}

    def form_valid(self, form):
        data = form.cleaned_data
        findings = list(data["findings"])
        for finding in findings:
            if not self.request.user.has_perm(finding.get_perm("open_case"), finding):
                raise PermissionDenied
        if "preview" in self.request.POST:
            try:
                pdf = case_flow.preview_notice(
                    findings=findings,
                    by=self.request.user,
                    due_date=data["due_date"],
                    title=data["title"],
                    facts=data["facts"],
                )
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
                return self.form_invalid(form)
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = 'inline; filename="preview.pdf"'
            return response
        try:
            case = case_flow.open_case(
                findings=findings,
                by=self.request.user,
                due_date=data["due_date"],
                title=data["title"],
                facts=data["facts"],
            )
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
            return self.form_invalid(form)
        messages.success(
            self.request, _("Case %(number)s opened; the notice is being generated and sent.") % {"number": case.number}
        )
        return redirect(case.get_absolute_url())


class CaseRespond(ObjectActionView):
    model = RectificationCase
    permission = "respond"
    form_class = forms.ResponseForm
    success_message = _("Response submitted.")

    def act(self, case, data):
        case_flow.respond(case, text=data["text"], files=data["files"], by=self.request.user)
        return case


class CaseClose(ObjectActionView):
    model = RectificationCase
    form_class = forms.DecisionForm
    success_message = _("Verified and closed.")

    def act(self, case, data):
        return case_flow.close(case, by=self.request.user, note=data["note"])


class CaseReturn(ObjectActionView):
    model = RectificationCase
    form_class = forms.DecisionForm
    success_message = _("Returned for more.")

    def act(self, case, data):
        return case_flow.return_for_more(case, by=self.request.user, note=data["note"], due_date=data["due_date"])


def _file(field, filename: str):
    return file_response(field, filename, as_attachment=False)


def case_notice(request, pk):
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    case = get_object_or_404(RectificationCase.objects.visible_to(request.user), pk=pk)
    return _file(case.notice_pdf, f"{case.number}.pdf")


def response_file(request, pk):
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    responses = CaseResponse.objects.visible_to(request.user)
    upload = get_object_or_404(ResponseFile.objects.filter(response__in=responses), pk=pk)
    return _file(upload.file, upload.original_name)


# --- public criticism ------------------------------------------------------------------------
class CriticismViews(ModelViews):
    model = Criticism
    form_class = forms.CriticismForm
    filterset_class = filters.CriticismFilterSet
    select_related = ("region", "drafted_by", "approved_by")
    columns = [
        Column("title", _("title"), link=True),
        Column("get_status_display", _("status")),
        Column("region", _("drafted in")),
        Column("published_at", _("published at")),
    ]
    fields = [
        Column("title", _("title")),
        Column("number", _("document number")),
        Column("get_status_display", _("status")),
        Column("cases.all", _("escalated cases")),
        Column("region", _("drafted in")),
        Column("drafted_by", _("drafted by")),
        Column("approved_by", _("approved by")),
        Column("published_at", _("published at")),
    ]


class CriticismList(CriticismViews, ObjectListView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = False  # drafted from escalated cases
        context["can_draft"] = self.request.user.has_perm(Criticism.get_perm("add"))
        return context


class CriticismDetail(CriticismViews, ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, criticism = self.request.user, self.object
        may_publish = user.has_perm(Criticism.get_perm("publish"), criticism)
        context["can_approve"] = may_publish and criticism.status in (Criticism.Status.DRAFT, Criticism.Status.PROPOSED)
        context["can_publish"] = may_publish and criticism.status == Criticism.Status.APPROVED
        return context


class CriticismDraft(LoginRequiredMixin, FormView):
    form_class = forms.CriticismDraftForm
    template_name = "supervision/criticism_draft.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(Criticism.get_perm("add")):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def form_valid(self, form):
        try:
            criticism = criticism_flow.draft_from_cases(cases=form.cleaned_data["cases"], by=self.request.user)
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Draft prepared; review and edit it."))
        return redirect(criticism.get_absolute_url())


class CriticismApprove(ObjectActionView):
    model = Criticism
    permission = "publish"
    success_message = _("Approved.")

    def act(self, criticism, data):
        return criticism_flow.approve(criticism, by=self.request.user)


class CriticismPublish(ObjectActionView):
    model = Criticism
    permission = "publish"
    success_message = _("Published.")

    def act(self, criticism, data):
        return criticism_flow.publish(criticism, by=self.request.user)


def public_criticism_list(request):
    notices = Criticism.objects.published().order_by("-published_at")
    return render(request, "supervision/public_criticism_list.html", {"notices": notices})


def public_criticism(request, pk):
    notice = get_object_or_404(Criticism.objects.published(), pk=pk)
    office = region_office(notice.region_id)
    return render(request, "supervision/public_criticism.html", {"notice": notice, "office": office})


def public_criticism_pdf(request, pk):
    notice = get_object_or_404(Criticism.objects.published(), pk=pk)
    if not notice.pdf:
        notice = criticism_flow.render_pdf(notice.pk)
    return _file(notice.pdf, f"criticism-{notice.pk}.pdf")
