"""Forms of the offices' documents: a supervision letter (督办函) and a progress report's request."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.forms import styled
from supervision.engine.progress_report import reportable_regions
from supervision.forms.deadlines import DATE
from supervision.models import ReminderPolicy


class LetterForm(forms.Form):
    respond_by = forms.DateField(label=_("report by"), widget=DATE)
    requirement = forms.CharField(
        label=_("requirement"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=_("What the party must do besides completing the duty (optional; printed in the letter)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            days = ReminderPolicy.current().case_due_days
            self.fields["respond_by"].initial = timezone.localdate() + datetime.timedelta(days=days)
        styled(self)


class ReportForm(forms.Form):
    region = forms.ModelChoiceField(label=_("region"), queryset=None, empty_label=None, to_field_name="code")
    as_of = forms.DateField(label=_("as of"), widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = reportable_regions(user).order_by("code")
        self.fields["region"].queryset = regions
        if not self.is_bound:
            self.fields["as_of"].initial = timezone.localdate()
            self.fields["region"].initial = user.region_id or next(iter(regions.values_list("code", flat=True)), None)
        styled(self)
