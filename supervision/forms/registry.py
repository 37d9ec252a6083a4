from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import ScopedModelForm
from supervision import services
from supervision.models import Authority, CAVendor, Contact, Platform, Region


class RegionForm(ScopedModelForm):
    class Meta(ScopedModelForm.Meta):
        model = Region
        fields = ["code", "name", "level", "parent", "province_governed"]


class AuthorityForm(ScopedModelForm):
    class Meta(ScopedModelForm.Meta):
        model = Authority
        fields = ["name", "kind", "region", "website", "document_prefix", "notes"]


class PlatformForm(ScopedModelForm):
    class Meta(ScopedModelForm.Meta):
        model = Platform
        fields = ["name", "kind", "region", "operator_authority", "operator_company", "domains", "url", "active"]
        widgets = {"domains": forms.CheckboxSelectMultiple}


class CAVendorForm(ScopedModelForm):
    # The cryptography-administration filing is attested by administrators, not by the vendor.
    ADMIN_ONLY_FIELDS = [
        "crypto_filing_number",
        "crypto_filing_date",
        "crypto_filing_status",
        "crypto_filing_expiry",
        "crypto_determination_number",
        "crypto_determination_date",
        "crypto_determination_evidence",
    ]

    class Meta(ScopedModelForm.Meta):
        model = CAVendor
        fields = [
            "name",
            "short_name",
            "credit_code",
            "licence_number",
            "crypto_filing_status",
            "crypto_filing_number",
            "crypto_filing_date",
            "crypto_filing_expiry",
            "crypto_determination_number",
            "crypto_determination_date",
            "crypto_determination_evidence",
            "website",
            "notes",
        ]
        widgets = {
            "crypto_filing_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "crypto_filing_expiry": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "crypto_determination_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.user.is_administrator:
            for name in self.ADMIN_ONLY_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Set by the administrators.")

    def clean_credit_code(self):
        return self.cleaned_data["credit_code"].strip().upper()

    def save(self, commit=True):
        vendor = super().save(commit)
        if commit:  # inside the view's transaction: a recorded filing fulfils the filing duty
            services.record_crypto_filing(vendor, by=self.user)
        return vendor


class ContactForm(ScopedModelForm):
    class Meta(ScopedModelForm.Meta):
        model = Contact
        fields = ["authority", "platform", "vendor", "name", "role", "email", "phone", "is_shared_mailbox"]
