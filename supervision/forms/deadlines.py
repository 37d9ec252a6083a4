"""Forms of the deadlines engine: directives, obligations, findings, cases, criticism, reminder policy."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.scope import Scope
from portal.forms import ScopedModelForm, styled
from supervision.models import (
    CAVendor,
    Criticism,
    Directive,
    Finding,
    Obligation,
    Platform,
    RectificationCase,
    Region,
    ReminderPolicy,
)
from supervision.models.reminders import validate_stages
from supervision.models.uploads import EVIDENCE, validate_upload

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input, each checked for size, type and content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files]
        errors = []
        for upload in cleaned:
            try:
                validate_upload(upload)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


class DirectiveForm(ScopedModelForm):
    class Meta:
        model = Directive
        fields = ["number", "title", "issuer", "year", "issued_on", "forwards", "addressed_vendors", "text"]
        widgets = {"issued_on": DATE, "addressed_vendors": forms.CheckboxSelectMultiple}


class PartyFormMixin:
    """Exactly one of vendor / platform / authority, checked with a clear message."""

    def clean(self):
        cleaned = super().clean()
        chosen = [name for name in ("vendor", "platform", "authority") if cleaned.get(name)]
        if len(chosen) != 1:
            raise ValidationError(_("Choose exactly one responsible party: a CA vendor, a platform or an authority."))
        return cleaned


class ObligationForm(PartyFormMixin, ScopedModelForm):
    class Meta:
        model = Obligation
        fields = ["vendor", "platform", "authority", "kind", "title", "description", "directive", "due_date", "key"]
        widgets = {"due_date": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["directive"].queryset = Directive.objects.citable_by(user)


class CampaignForm(forms.Form):
    """The same duty for every CA vendor, or every platform of a region, at once."""

    TARGETS = [("vendors", _("every CA vendor")), ("platforms", _("every active platform of the region"))]

    target = forms.ChoiceField(label=_("for"), choices=TARGETS)
    region = forms.ModelChoiceField(
        label=_("region (for platforms)"), queryset=Region.objects.none(), required=False, to_field_name="code"
    )
    kind = forms.ChoiceField(label=_("kind"), choices=Obligation.Kind.choices)
    title = forms.CharField(label=_("title"), max_length=150)
    description = forms.CharField(label=_("description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    directive = forms.ModelChoiceField(label=_("directive"), queryset=Directive.objects.none(), required=False)
    due_date = forms.DateField(label=_("due date"), required=False, widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["region"].queryset = Region.objects.visible_to(user).filter(
            level__in=[Region.Level.PROVINCE, Region.Level.CITY]
        ) | Region.objects.visible_to(user).filter(province_governed=True)
        self.fields["directive"].queryset = Directive.objects.citable_by(user)
        styled(self)

    def parties(self):

        if self.cleaned_data["target"] == "vendors":
            return list(CAVendor.objects.visible_to(self.user).order_by("pk"))
        region = self.cleaned_data["region"]
        platforms = Platform.objects.visible_to(self.user).filter(active=True)
        scope = Scope(role="city_admin", region_code=region.code, region_level=region.level)
        return list(platforms.filter(scope.regions_q("region")).order_by("pk"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("target") == "platforms" and not cleaned.get("region"):
            self.add_error("region", _("Choose the region whose platforms receive the duty."))
        directive, due = cleaned.get("directive"), cleaned.get("due_date")
        if directive and due and due < directive.earliest_date:
            self.add_error(
                "due_date",
                _("The due date %(due)s is before the directive's date %(issued)s.")
                % {"due": due.isoformat(), "issued": directive.earliest_date.isoformat()},
            )
        return cleaned


class FulfilForm(forms.Form):
    evidence = forms.CharField(label=_("what was done (evidence)"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence_url = forms.URLField(label=_("evidence link"), required=False, assume_scheme="https")
    files = MultipleFileField(label=_("evidence files"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = EVIDENCE.help_text()  # what the rule accepts, as configured
        styled(self)


class ReturnReportForm(forms.Form):
    reason = forms.CharField(label=_("what is still missing"), max_length=2000)


class WaiveForm(forms.Form):
    reason = forms.CharField(label=_("reason for waiving"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)


class ConfirmUnmetForm(forms.Form):
    reason = forms.CharField(
        label=_("facts of the time (why the duty was not met)"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)


class FindingForm(PartyFormMixin, ScopedModelForm):
    class Meta:
        model = Finding
        fields = ["vendor", "platform", "authority", "kind", "summary", "evidence"]


class CaseOpenForm(forms.Form):
    findings = forms.ModelMultipleChoiceField(
        label=_("findings"), queryset=Finding.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    title = forms.CharField(label=_("title"), max_length=200, required=False)
    facts = forms.CharField(label=_("facts and requirements"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    due_date = forms.DateField(label=_("due date"), widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["findings"].queryset = Finding.objects.visible_to(user).filter(status=Finding.Status.OPEN)
        if not self.is_bound:
            days = ReminderPolicy.current().case_due_days
            self.fields["due_date"].initial = timezone.localdate() + datetime.timedelta(days=days)
        styled(self)


class ResponseForm(forms.Form):
    text = forms.CharField(label=_("what was done"), widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label=_("supporting files"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = EVIDENCE.help_text()
        styled(self)


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    due_date = forms.DateField(label=_("new due date (when returning)"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)


class CriticismDraftForm(forms.Form):
    cases = forms.ModelMultipleChoiceField(
        label=_("escalated cases"), queryset=RectificationCase.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = RectificationCase.objects.visible_to(user).filter(
            status=RectificationCase.Status.ESCALATED
        )


class CriticismForm(ScopedModelForm):
    class Meta:
        model = Criticism
        fields = ["number", "title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}


class StagesField(forms.CharField):
    """ "14, 7, 1, 0" → [14, 7, 1, 0], with a clear message for anything else."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        text = (super().to_python(value) or "").strip().strip("[]")
        parts = [p.strip() for p in text.replace("，", ",").split(",") if p.strip()]
        stages = []
        for part in parts:
            try:
                stages.append(int(part))
            except ValueError:
                raise ValidationError(
                    _(
                        "Enter the reminder stages as whole numbers of days separated by commas, e.g. 14, 7, 1, 0; “%(value)s” is not a whole number."
                    )
                    % {"value": part},
                    code="stage_not_integer",
                ) from None
        validate_stages(stages)
        return stages


class ReminderPolicyForm(ScopedModelForm):
    stages = StagesField(label=_("reminder stages (days before the due date)"), help_text=_("For example: 14, 7, 1, 0"))

    class Meta:
        model = ReminderPolicy
        fields = [
            "stages",
            "overdue_every_days",
            "asap_every_days",
            "asap_escalate_days",
            "case_due_days",
            "max_attempts",
        ]
