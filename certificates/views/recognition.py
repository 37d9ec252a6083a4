"""Recognition records: list, detail with the workflow's steps, creation, and the step itself."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certificates import filters, forms, matrix, workflow
from certificates.models import RecognitionRecord, RecognitionStatus
from portal.actions import ObjectActionView
from portal.crud import Column, ModelViews, ObjectCreateView, ObjectDetailView


class RecognitionViews(ModelViews):
    model = RecognitionRecord
    form_class = forms.RecognitionRecordForm
    filterset_class = filters.RecognitionRecordFilterSet
    select_related = ("vendor", "platform", "platform__region", "other_vendor")
    columns = [
        Column("vendor.short_name", gettext_lazy("CA vendor")),
        Column("platform.name", gettext_lazy("platform"), link=False),
        Column("get_scope_display", gettext_lazy("scope")),
        Column("other_vendor.short_name", gettext_lazy("other vendor")),
        Column("seals_included", gettext_lazy("seals included")),
        Column("get_status_display", gettext_lazy("status"), link=True),
        Column("confirmed_by_platform", gettext_lazy("confirmed by the platform")),
        Column("status_changed_at", gettext_lazy("status changed at")),
    ]
    fields = [
        Column("vendor", gettext_lazy("CA vendor"), link=True),
        Column("platform", gettext_lazy("platform"), link=True),
        Column("get_scope_display", gettext_lazy("scope")),
        Column("other_vendor", gettext_lazy("other vendor")),
        Column("seals_included", gettext_lazy("seals included")),
        Column("get_status_display", gettext_lazy("status")),
        Column("confirmed_by_platform", gettext_lazy("confirmed by the platform")),
        Column("done_at", gettext_lazy("done at")),
        Column("confirmed_at", gettext_lazy("confirmed at")),
        Column("verified_at", gettext_lazy("verified at")),
        Column("notes", gettext_lazy("notes")),
    ]


class RecognitionDetail(RecognitionViews, ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.object
        context["can_change"] = False
        context["steps"] = workflow.allowed_steps(record, self.request.user)
        context["events"] = record.events.select_related("by")
        context["evidence"] = record.evidence.all()
        context["due"] = matrix.due_map([record.vendor_id]).get((record.vendor_id, record.scope))
        context["statuses"] = RecognitionStatus.choices
        return context


class RecognitionCreate(RecognitionViews, ObjectCreateView):
    def form_valid(self, form):
        if not self.request.user.has_perm(RecognitionRecord.get_perm("change"), form.instance):
            form.add_error(None, _("You may only record this for an organisation or region in your own scope."))
            return self.form_invalid(form)
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            self.object = workflow.create_record(user=self.request.user, via="web", **data)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved: %(object)s") % {"object": self.object})
        return redirect(self.object.get_absolute_url())


class RecognitionStep(ObjectActionView):
    """POST one step of the workflow (``to_status``; ``confirm`` for the platform's confirmation)."""

    model = RecognitionRecord
    permission = None  # the workflow checks the step against the user
    select_related = ("vendor", "platform", "platform__region")
    form_class = forms.TransitionForm
    success_message = gettext_lazy("Recorded.")

    def form_invalid(self, record, form):
        for errors in form.errors.values():
            messages.error(self.request, " ".join(errors))
        return self.respond(record)

    def act(self, record, data):
        if data["to_status"] == "confirm":
            workflow.confirm(record, user=self.request.user, note=data["note"], via="web")
        else:
            workflow.transition(
                record,
                data["to_status"],
                user=self.request.user,
                note=data["note"],
                evidence=self.form.evidence(),
                via="web",
            )
        return record
