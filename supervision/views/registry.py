"""Registry pages: list, detail, create and update for each registry model."""

from django.utils.translation import gettext_lazy as _

from portal.crud import (
    Column,
    ModelViews,
    Related,
)
from supervision import filters, forms
from supervision.models import Authority, CAVendor, Contact, Platform, Region

CONTACT_COLUMNS = (
    Column("name", _("name"), link=True),
    Column("role", _("position")),
    Column("email", _("e-mail")),
    Column("phone", _("phone")),
    Column("is_shared_mailbox", _("shared mailbox")),
)
PLATFORM_COLUMNS = (
    Column("name", _("name"), link=True),
    Column("get_kind_display", _("kind")),
    Column("active", _("active")),
)


class RegionViews(ModelViews):
    model = Region
    form_class = forms.RegionForm
    filterset_class = filters.RegionFilterSet
    select_related = ("parent",)
    columns = [
        Column("code", _("code"), link=True),
        Column("name", _("name"), link=True),
        Column("get_level_display", _("level")),
        Column("parent.name", _("parent")),
        Column("province_governed", _("governed by the province")),
    ]
    fields = [
        Column("code", _("code")),
        Column("name", _("name")),
        Column("get_level_display", _("level")),
        Column("parent", _("parent"), link=True),
        Column("province_governed", _("governed by the province")),
    ]
    related = [
        Related(
            _("Authorities"),
            Authority,
            "region",
            (Column("name", _("name"), link=True), Column("get_kind_display", _("kind"))),
        ),
        Related(_("Platforms"), Platform, "region", PLATFORM_COLUMNS),
    ]


class AuthorityViews(ModelViews):
    model = Authority
    form_class = forms.AuthorityForm
    filterset_class = filters.AuthorityFilterSet
    select_related = ("region",)
    columns = [
        Column("name", _("name"), link=True),
        Column("get_kind_display", _("kind")),
        Column("region.name", _("region")),
    ]
    fields = [
        Column("name", _("name")),
        Column("get_kind_display", _("kind")),
        Column("region", _("region"), link=True),
        Column("website", _("website")),
        Column("notes", _("notes")),
    ]
    related = [
        Related(_("Platforms operated"), Platform, "operator_authority", PLATFORM_COLUMNS),
        Related(_("Contacts"), Contact, "authority", CONTACT_COLUMNS),
    ]


class PlatformViews(ModelViews):
    model = Platform
    form_class = forms.PlatformForm
    filterset_class = filters.PlatformFilterSet
    select_related = ("region", "operator_authority")
    prefetch_related = ("domains",)
    columns = [
        Column("name", _("name"), link=True),
        Column("get_kind_display", _("kind")),
        Column("region.name", _("region")),
        Column("operator_name", _("operator")),
        Column("domains.all", _("business domains")),
        Column("active", _("active")),
    ]
    fields = [
        Column("name", _("name")),
        Column("get_kind_display", _("kind")),
        Column("region", _("region"), link=True),
        Column("operator_authority", _("operating authority"), link=True),
        Column("operator_company", _("operating company")),
        Column("domains.all", _("business domains")),
        Column("url", _("address (URL)")),
        Column("active", _("active")),
    ]
    related = [Related(_("Contacts"), Contact, "platform", CONTACT_COLUMNS)]


class VendorViews(ModelViews):
    model = CAVendor
    form_class = forms.CAVendorForm
    filterset_class = filters.CAVendorFilterSet
    columns = [
        Column("name", _("name"), link=True),
        Column("short_name", _("short name")),
        Column("credit_code", _("unified social credit code")),
        Column("get_crypto_filing_status_display", _("cryptography filing status")),
        Column("crypto_filing_expiry", _("cryptography filing expiry")),
    ]
    fields = [
        Column("name", _("name")),
        Column("short_name", _("short name")),
        Column("credit_code", _("unified social credit code")),
        Column("licence_number", _("electronic certification service licence number")),
        Column("get_crypto_filing_status_display", _("cryptography filing status")),
        Column("crypto_filing_number", _("cryptography filing number")),
        Column("crypto_filing_date", _("cryptography filing date")),
        Column("crypto_filing_expiry", _("cryptography filing expiry")),
        Column("crypto_determination_number", _("determination document number")),
        Column("crypto_determination_date", _("determination date")),
        Column("crypto_determination_evidence", _("determination evidence")),
        Column("website", _("website")),
        Column("notes", _("notes")),
    ]
    related = [Related(_("Contacts"), Contact, "vendor", CONTACT_COLUMNS)]

    @property
    def url_name(self) -> str:
        return "vendor"


class ContactViews(ModelViews):
    model = Contact
    form_class = forms.ContactForm
    filterset_class = filters.ContactFilterSet
    select_related = ("authority", "platform", "vendor")
    columns = [
        Column("name", _("name"), link=True),
        Column("organisation", _("organisation")),
        Column("role", _("position")),
        Column("email", _("e-mail")),
        Column("phone", _("phone")),
        Column("is_shared_mailbox", _("shared mailbox")),
    ]
    fields = [
        Column("name", _("name")),
        Column("organisation", _("organisation"), link=True),
        Column("role", _("position")),
        Column("email", _("e-mail")),
        Column("phone", _("phone")),
        Column("is_shared_mailbox", _("shared mailbox")),
    ]
