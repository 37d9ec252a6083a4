"""What a bidder buys from a vendor (证书产品) and the vendor's shared mobile APPs (共享应用APP)."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from certificates import predicates as cp
from portal.accounts import predicates as p
from portal.models import BaseModel, ScopedQuerySet


class VendorOwnedQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        # Public directory facts; a vendor's users see (and edit) only their own.
        return Q(vendor_id=scope.vendor_id) if scope.vendor_id else None


VENDOR_OWNED_RULES = {
    "view": p.rules.is_authenticated,
    "add": p.is_superuser | p.is_provincial_admin | p.is_vendor_user,
    "change": cp.vendor_editors,
    "delete": cp.vendor_editors,
}


class Product(BaseModel):
    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("Organisation certificate")
        PERSONAL = "personal", _("Personal certificate")
        SEAL = "seal", _("Electronic seal")

    class Carrier(models.TextChoices):
        USB_KEY = "usb_key", _("USB key")
        MOBILE_APP = "mobile_app", _("Mobile APP")
        CLOUD = "cloud", _("Cloud")

    vendor = models.ForeignKey(
        "supervision.CAVendor", on_delete=models.CASCADE, related_name="products", verbose_name=_("CA vendor")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    carrier = models.CharField(_("carrier"), max_length=20, choices=Carrier.choices)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("on offer"), default=True)
    is_demo = models.BooleanField(_("demonstration data (示例)"), default=False)

    objects = VendorOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate product")
        verbose_name_plural = _("certificate products")
        ordering = ["vendor__name", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "name"], name="product_name_unique_per_vendor"),
            models.CheckConstraint(
                name="product_kind_valid", condition=Q(kind__in=["organisation", "personal", "seal"])
            ),
            models.CheckConstraint(
                name="product_carrier_valid", condition=Q(carrier__in=["usb_key", "mobile_app", "cloud"])
            ),
        ]
        rules_permissions = VENDOR_OWNED_RULES

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}，{self.get_carrier_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("certificates:product_detail", args=[self.pk])


class SharedApp(BaseModel):
    vendor = models.ForeignKey(
        "supervision.CAVendor", on_delete=models.CASCADE, related_name="shared_apps", verbose_name=_("CA vendor")
    )
    name = models.CharField(_("name"), max_length=100)
    version = models.CharField(_("version"), max_length=30, blank=True)
    operating_systems = models.CharField(
        _("operating systems"), max_length=100, blank=True, help_text=_("e.g. Android, iOS, HarmonyOS")
    )
    download_url = models.URLField(_("download address"), blank=True)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("on offer"), default=True)
    is_demo = models.BooleanField(_("demonstration data (示例)"), default=False)

    objects = VendorOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("shared APP")
        verbose_name_plural = _("shared APPs")
        ordering = ["vendor__name", "name"]
        constraints = [models.UniqueConstraint(fields=["vendor", "name"], name="sharedapp_name_unique_per_vendor")]
        rules_permissions = VENDOR_OWNED_RULES

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("certificates:sharedapp_detail", args=[self.pk])
