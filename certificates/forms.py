from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from certificates.models import Product, RecognitionEvidence, RecognitionRecord, SharedApp, TrustListEntry
from certificates.services import require_ca_certificates
from certificates.uploads import read_certificate_upload, validate_evidence
from portal.forms import ScopedModelForm
from supervision.models import CAVendor


class VendorFixedMixin:
    """Vendor users record facts only for their own vendor: the field is fixed for them."""

    def fix_vendor(self, name: str = "vendor") -> None:
        if self.user.vendor_id and name in self.fields:
            self.fields[name].initial = self.user.vendor_id
            self.fields[name].disabled = True
            if not self.instance.pk:
                setattr(self.instance, f"{name}_id", self.user.vendor_id)


class ProductForm(VendorFixedMixin, ScopedModelForm):
    class Meta(ScopedModelForm.Meta):
        model = Product
        fields = ["vendor", "name", "kind", "carrier", "description", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fix_vendor()


class SharedAppForm(VendorFixedMixin, ScopedModelForm):
    class Meta(ScopedModelForm.Meta):
        model = SharedApp
        fields = ["vendor", "name", "version", "operating_systems", "download_url", "description", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fix_vendor()


class TrustListEntryForm(ScopedModelForm):
    class Meta(ScopedModelForm.Meta):
        model = TrustListEntry
        fields = ["platform", "certificate", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certificate"].queryset = self.fields["certificate"].queryset.select_related("vendor")
        if self.user.platform_id:
            self.fields["platform"].initial = self.user.platform_id
            self.fields["platform"].disabled = True
            if not self.instance.pk:
                self.instance.platform_id = self.user.platform_id


class RecognitionRecordForm(VendorFixedMixin, ScopedModelForm):
    """Creating a record and editing its description; the status moves only through the workflow."""

    class Meta(ScopedModelForm.Meta):
        model = RecognitionRecord
        fields = ["vendor", "platform", "scope", "other_vendor", "seals_included"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other_vendor"].queryset = CAVendor.objects.all()  # naming another vendor is no disclosure
        self.fix_vendor()
        if self.instance.pk:  # the identity of a record does not change once work has started
            for name in self.fields:
                self.fields[name].disabled = True


class CertificateUploadForm(forms.Form):
    vendor = forms.ModelChoiceField(queryset=CAVendor.objects.none(), label=_("CA vendor"))
    file = forms.FileField(
        label=_("certificate file"),
        allow_empty_file=True,  # an empty file gets the parser's own message, naming the file
        help_text=_("PEM (one certificate or a bundle), DER (.cer, .crt) or PKCS#7 (.p7b); at most 1 MB."),
    )
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = CAVendor.objects.visible_to(user)
        if user.vendor_id:
            self.fields["vendor"].initial = user.vendor_id
            self.fields["vendor"].disabled = True
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.parsed = read_certificate_upload(upload)
        require_ca_certificates(self.parsed, upload.name)
        return upload


class ClaimDecisionForm(forms.Form):
    """The provincial office's confirmation or rejection of a certificate claim, with its reason."""

    reason = forms.CharField(
        label=_("reason for the decision"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class TransitionForm(forms.Form):
    to_status = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    test_report = forms.FileField(label=_("test report"), required=False)
    sample_signed = forms.FileField(label=_("sample signed file"), required=False)

    def evidence(self) -> list[tuple[str, object]]:
        items = []
        if self.cleaned_data.get("test_report"):
            items.append((RecognitionEvidence.Kind.TEST_REPORT, self.cleaned_data["test_report"]))
        if self.cleaned_data.get("sample_signed"):
            items.append((RecognitionEvidence.Kind.SAMPLE_SIGNED, self.cleaned_data["sample_signed"]))
        return items

    def clean(self):
        data = super().clean()
        for name in ("test_report", "sample_signed"):
            if data.get(name):
                try:
                    validate_evidence(data[name])
                except ValidationError as exc:
                    self.add_error(name, exc)
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("xlsx file"), help_text=_("Start from the template; at most 5 MB."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise ValidationError(_("The file is larger than 5 MB."))
        upload.seek(0)
        if not upload.read(4).startswith(b"PK\x03\x04"):
            raise ValidationError(_("The file is not an xlsx workbook; download the template and fill it in."))
        upload.seek(0)
        return upload
