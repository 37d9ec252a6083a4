from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fees.importing.xlsx import MAX_BYTES
from fees.models import FeeComplaint, FeeFiling, FeeFilingLine, FeeImport, FeeItem, ProductKind
from fees.models.filings import EARLIEST_EFFECTIVE_DATE
from fees.money import parse_amount
from portal.accounts.scope import Scope
from portal.forms import ScopedModelForm, StyledForm, styled
from portal.uploads import FileRule
from supervision.models import Platform, Region


class AmountField(forms.Field):
    """Yuan to the fen, parsed strictly as Decimal (never through float)."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "maxlength": "20"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if len(str(value)) > 20:
            raise forms.ValidationError(_("The amount is too long."))
        try:
            return parse_amount(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


class ProductKindForm(ScopedModelForm):
    class Meta:
        model = ProductKind
        fields = ["code", "name", "order"]


class FeeItemForm(ScopedModelForm):
    class Meta:
        model = FeeItem
        fields = ["code", "name", "prohibited", "forbidden_by", "one_off", "description", "order"]


class FeeFilingForm(ScopedModelForm):
    class Meta:
        model = FeeFiling
        fields = ["vendor", "region", "effective_date", "note"]
        widgets = {"effective_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.user
        if user.vendor_id:
            self.fields["vendor"].initial = user.vendor_id
            self.fields["vendor"].disabled = True
            self.instance.vendor_id = user.vendor_id
        if user.is_administrator and not user.is_superuser:
            scope = Scope.of(user)
            if scope is not None:
                self.fields["region"].queryset = Region.objects.filter(_region_scope(scope))
        if not user.is_superuser and not user.vendor_id:
            self.fields["vendor"].queryset = self.fields["vendor"].queryset.order_by("name")
        if self.instance.pk and not self.instance.editable:
            for field in self.fields.values():
                field.disabled = True


def _region_scope(scope):
    """Regions (themselves, not rows with a region) an administrator supervises."""
    code = scope.region_code
    if scope.region_level == "province":
        return Q(code=code) | Q(parent=code) | Q(parent__parent=code)
    return Q(code=code) | Q(parent=code, province_governed=False)


class FeeFilingLineForm(forms.ModelForm):
    amount = AmountField(label=_("amount (yuan)"))

    class Meta:
        model = FeeFilingLine
        fields = ["product", "item", "amount", "per_platform", "note"]

    def __init__(self, *args, filing: FeeFiling, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.filing = filing
        styled(self, size="sm")


class ReturnForm(StyledForm):
    reason = forms.CharField(label=_("reason for return"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class AcceptForm(StyledForm):
    override_reason = forms.CharField(
        label=_("override reason"),
        max_length=2000,
        required=False,
        help_text=_("Required only while the vendor has an open case about a fee breach."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# A fee sheet to import: an Excel 2007+ workbook (the import job opens it and reports its damage row by row).
IMPORT_FILE = FileRule(types=("xlsx",), max_bytes=MAX_BYTES, allow_empty=False, check_package=False)


class ImportForm(forms.ModelForm):
    class Meta:
        model = FeeImport
        fields = ["file", "submit_after"]
        widgets = {
            "file": forms.ClearableFileInput(attrs={"accept": IMPORT_FILE.accept(), "class": "form-control"}),
            "submit_after": forms.CheckboxInput(attrs={"class": "form-check-input"}),
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        IMPORT_FILE.validate(upload)
        return upload


class ComplaintForm(forms.ModelForm):
    amount = AmountField(label=_("amount charged (yuan)"))
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # a trap for robots

    class Meta:
        model = FeeComplaint
        fields = [
            "vendor",
            "platform",
            "product",
            "item",
            "charged_on",
            "amount",
            "held_elsewhere",
            "description",
            "contact_name",
            "contact",
        ]
        widgets = {
            "charged_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platform"].queryset = Platform.objects.filter(active=True).select_related("region")
        styled(self)

    def clean_charged_on(self):
        value = self.cleaned_data["charged_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        if value < EARLIEST_EFFECTIVE_DATE:
            raise forms.ValidationError(_("The date cannot be before 2000-01-01."))
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(_("The form could not be sent."))
        return cleaned


class ComplaintReviewForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[(FeeComplaint.Status.UPHELD, _("Uphold")), (FeeComplaint.Status.NOT_UPHELD, _("Do not uphold"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("explanation for the complainant"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TrackForm(forms.Form):
    number = forms.CharField(
        label=_("tracking number"),
        max_length=20,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )

    def clean_number(self):
        return self.cleaned_data["number"].strip().upper().replace(" ", "").replace("-", "")
