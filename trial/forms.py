"""Forms of the trial: rounds, announcements, coverage, agreements, plans, incidents, usage reports,
the xlsx import and the bidders' feedback (public form and triage)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.forms import ScopedModelForm, StyledForm, explain_empty_choices, styled
from supervision.forms.deadlines import DATE
from supervision.models import CAVendor, Platform
from supervision.models.uploads import validate_upload
from trial import feedback as feedback_rules
from trial.models import (
    Agreement,
    AgreementParty,
    Announcement,
    AnnouncementDisplay,
    Coverage,
    DecryptionIncident,
    Feedback,
    RemedyPlan,
    ReportingPeriod,
    TrialParticipant,
    TrialRound,
    UsageLine,
)
from trial.models.usage import COUNT_FIELDS
from trial.rounds import participant_platforms
from trial.usage import check_platform

NO_PARTICIPATING_PLATFORM = _(
    "None of the platforms you act for takes part in a trial round (Attachment 1 of the notice lists the "
    "participants): only a participating platform reports usage statistics or publishes an announcement."
)


def column_choices() -> list[tuple[str, str]]:
    return [(name, UsageLine._meta.get_field(name).verbose_name) for name in COUNT_FIELDS]


class TrialRoundForm(ScopedModelForm):
    usage_columns = forms.MultipleChoiceField(
        label=_("columns of Attachment 2"),
        choices=column_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The notice omits Attachment 2's columns (（略）); none ticked: every column the portal records."),
    )

    class Meta:
        model = TrialRound
        fields = [
            "code",
            "name",
            "directive",
            "starts_on",
            "announcement_due",
            "remedy_plan_due",
            "agreement_due",
            "coverage_due",
            "coverage_domains",
            "usage_columns",
            "columns_confirmed",
            "cumulative",
        ]
        widgets = {
            "starts_on": DATE,
            "announcement_due": DATE,
            "remedy_plan_due": DATE,
            "agreement_due": DATE,
            "coverage_due": DATE,
            "coverage_domains": forms.CheckboxSelectMultiple,
        }


class ReportingPeriodForm(ScopedModelForm):
    class Meta:
        model = ReportingPeriod
        fields = ["round", "label", "starts_on", "ends_on", "due_date"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "due_date": DATE}


class TrialParticipantForm(ScopedModelForm):
    class Meta:
        model = TrialParticipant
        fields = ["round", "platform", "is_pilot_city", "reporter", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reporter = self.fields["reporter"]
        reporter.queryset = reporter.queryset.filter(kind__in=["lead_department", "enterprise"])


class AnnouncementForm(ScopedModelForm):
    class Meta:
        model = Announcement
        fields = ["round", "platform", "title", "business_types", "scope", "procedure", "notes"]
        widgets = {"business_types": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platform"].queryset = participant_platforms(self.user)
        if self.instance.pk:  # the round and platform of an announcement do not change
            for name in ("round", "platform"):
                self.fields[name].disabled = True
        explain_empty_choices(self, {"platform": NO_PARTICIPATING_PLATFORM})


class CoverageForm(ScopedModelForm):
    class Meta:
        model = Coverage
        fields = ["platform", "domain", "level", "accepted", "since", "notes"]
        widgets = {"since": DATE}


class AgreementForm(ScopedModelForm):
    class Meta:
        model = Agreement
        fields = [
            "kind",
            "platform",
            "title",
            "counterparty",
            "signed_on",
            "term_start",
            "term_end",
            "scan",
            "renews",
            "notes",
        ]
        widgets = {"signed_on": DATE, "term_start": DATE, "term_end": DATE}


class AgreementPartyForm(ScopedModelForm):
    class Meta:
        model = AgreementParty
        fields = ["role", "vendor", "name", "signed_on"]
        widgets = {"signed_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = CAVendor.objects.all()  # any vendor of the registry may sign


class RemedyPlanForm(ScopedModelForm):
    class Meta:
        model = RemedyPlan
        fields = ["platform", "kind", "agreement", "description", "effective_from", "document"]
        widgets = {"effective_from": DATE}


class IncidentForm(ScopedModelForm):
    class Meta:
        model = DecryptionIncident
        fields = [
            "platform",
            "occurred_on",
            "project_code",
            "project_name",
            "bidder",
            "vendor",
            "cause",
            "remedy_applied",
            "outcome",
            "responsible",
            "notes",
        ]
        widgets = {"occurred_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = CAVendor.objects.all()


# --- usage statistics ------------------------------------------------------------------------------


class UsageHeaderForm(forms.Form):
    """The report's platform and period. Any participating platform is accepted here, so that a report
    for someone else's platform gets a clear message instead of "not one of the choices"."""

    platform = forms.ModelChoiceField(label=_("platform"), queryset=Platform.objects.none())
    period = forms.ModelChoiceField(label=_("reporting period"), queryset=ReportingPeriod.objects.none())
    starts_on = forms.DateField(
        label=_("period from"), required=False, widget=DATE, help_text=_("Empty: the period's start.")
    )
    ends_on = forms.DateField(
        label=_("period to"), required=False, widget=DATE, help_text=_("Empty: the period's end.")
    )
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Any platform is accepted (and then checked) so that a wrong one gets a clear message; the
        # list offers the participating platforms the user may see.
        self.fields["platform"].queryset = Platform.objects.all()
        self.fields["platform"].widget.choices = [("", "---------")] + [
            (p.pk, p.name) for p in participant_platforms(user).order_by("name")
        ]
        self.fields["period"].queryset = ReportingPeriod.objects.select_related("round")
        if user.platform_id:
            self.fields["platform"].initial = user.platform_id
        styled(self)
        explain_empty_choices(self, {"platform": NO_PARTICIPATING_PLATFORM})

    def clean_platform(self):
        platform = self.cleaned_data["platform"]
        try:
            check_platform(self.user, platform)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["platform"]) from exc
        return platform


class UsageLineForm(forms.Form):
    """One vendor's figures: whole numbers of 0 or more (the same form checks every imported row)."""

    vendor = forms.ModelChoiceField(label=_("CA vendor"), queryset=CAVendor.objects.all())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in COUNT_FIELDS:
            self.fields[name] = forms.IntegerField(
                label=UsageLine._meta.get_field(name).verbose_name,
                min_value=0,
                error_messages={"invalid": _("Enter a whole number (no fractions).")},
            )
        styled(self)

    def clean(self):
        cleaned = super().clean()
        if all(name in cleaned for name in COUNT_FIELDS):
            try:
                UsageLine(**{name: cleaned[name] for name in COUNT_FIELDS}).clean()
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    self.add_error(name, messages)
        return cleaned


UsageLineFormSet = forms.formset_factory(UsageLineForm, extra=3, min_num=1, validate_min=True, max_num=100)


class UsageImportForm(UsageHeaderForm):
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("Upload the filled-in template as an .xlsx file."))
        validate_upload(upload)
        return upload


class NationalTableForm(forms.Form):
    round = forms.ModelChoiceField(
        label=_("round"), queryset=TrialRound.objects.all(), required=False, to_field_name="code"
    )
    period = forms.ModelChoiceField(
        label=_("reporting period"),
        queryset=ReportingPeriod.objects.all(),
        required=False,
        empty_label=_("all periods"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)


# --- feedback --------------------------------------------------------------------------------------


class FeedbackForm(forms.ModelForm):
    """The public form. ``website`` is a trap for robots: people never see it."""

    website = forms.CharField(
        required=False, label="", widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"})
    )

    class Meta:
        model = Feedback
        fields = ["category", "platform", "vendor", "description", "attachment", "contact"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platform"].queryset = (
            Platform.objects.filter(trial_participations__isnull=False, active=True).distinct().order_by("name")
        )
        self.fields["vendor"].queryset = CAVendor.objects.order_by("name")
        self.fields["description"].max_length = feedback_rules.MAX_DESCRIPTION
        self.fields["description"].widget.attrs["maxlength"] = feedback_rules.MAX_DESCRIPTION
        self.fields["description"].validators.append(feedback_rules.validate_description)
        self.fields["attachment"].help_text = feedback_rules.attachment_help()
        styled(self)

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            feedback_rules.validate_attachment(upload)
        return upload

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise ValidationError(_("Leave this field empty."))
        return ""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("category") == Feedback.Category.PROHIBITED_FEE and not cleaned.get("vendor"):
            self.add_error("vendor", _("Name the CA vendor that charged the fee."))
        return cleaned


class FeedbackStatusForm(forms.Form):
    number = forms.CharField(label=_("tracking number"), max_length=30)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)


class FeedbackAnswerForm(StyledForm):
    answer = forms.CharField(label=_("answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class FeedbackFindingForm(StyledForm):
    PARTIES = [("platform", _("the platform")), ("vendor", _("the CA vendor"))]

    party = forms.ChoiceField(label=_("finding against"), choices=PARTIES, initial="platform")
    summary = forms.CharField(label=_("summary"), max_length=250, required=False)

    def __init__(self, *args, feedback=None, **kwargs):
        super().__init__(*args, **kwargs)
        bound = feedback_rules.bound_party(feedback) if feedback is not None else None
        if bound:  # the category's clause binds one party: the only choice
            self.fields["party"].choices = [choice for choice in self.PARTIES if choice[0] == bound]
            self.fields["party"].initial = bound


class FeedbackNationalForm(StyledForm):
    note = forms.CharField(
        label=_("note for the national office"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class AnnouncementDisplayForm(forms.ModelForm):
    class Meta:
        model = AnnouncementDisplay
        fields = ["place", "location", "shown_from", "shown_until", "evidence", "evidence_url"]
        widgets = {"shown_from": DATE, "shown_until": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)


class WrittenReportForm(StyledForm):
    # The period whose statistics the page shows (picked above the form), so what is sent is what was read.
    period = forms.ModelChoiceField(
        label=_("reporting period"), queryset=ReportingPeriod.objects.none(), widget=forms.HiddenInput
    )
    letter = forms.CharField(
        label=_("cover letter"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Empty: the portal's standard letter, shown below."),
    )
