"""Users and their roles. A user belongs to one organisation with one role."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    PROVINCIAL_ADMIN = "provincial_admin", _("Provincial administrator")
    CITY_ADMIN = "city_admin", _("City administrator")
    VENDOR_USER = "vendor_user", _("CA vendor user")
    PLATFORM_OPERATOR = "platform_operator", _("Platform operator")

    @classmethod
    def administrators(cls) -> tuple[str, str]:
        return (cls.PROVINCIAL_ADMIN, cls.CITY_ADMIN)


class User(AbstractUser):
    name = models.CharField(_("full name"), max_length=100, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    region = models.ForeignKey(
        "supervision.Region",
        to_field="code",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("region"),
        help_text=_("For administrators: the region they supervise."),
    )
    vendor = models.ForeignKey(
        "supervision.CAVendor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("CA vendor"),
    )
    platform = models.ForeignKey(
        "supervision.Platform",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("platform"),
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="user_role_has_its_organisation",
                condition=Q(role="")
                | Q(role__in=Role.administrators(), region__isnull=False, vendor__isnull=True, platform__isnull=True)
                | Q(role=Role.VENDOR_USER, vendor__isnull=False, region__isnull=True, platform__isnull=True)
                | Q(role=Role.PLATFORM_OPERATOR, platform__isnull=False, region__isnull=True, vendor__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.username

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.role in Role.administrators() and self.region is None:
            errors["region"] = _("An administrator needs the region they supervise.")
        if self.role == Role.PROVINCIAL_ADMIN and self.region and self.region.level != "province":
            errors["region"] = _("A provincial administrator's region must be a province.")
        if self.role == Role.CITY_ADMIN and self.region and self.region.level == "province":
            errors["region"] = _("A city administrator's region must be a city or a province-governed county.")
        if self.role == Role.VENDOR_USER and self.vendor is None:
            errors["vendor"] = _("A CA vendor user needs their vendor.")
        if self.role == Role.PLATFORM_OPERATOR and self.platform is None:
            errors["platform"] = _("A platform operator needs their platform.")
        if errors:
            raise ValidationError(errors)
        # Fields another role does not use are cleared rather than refused.
        if self.role not in Role.administrators():
            self.region = None
        if self.role != Role.VENDOR_USER:
            self.vendor = None
        if self.role != Role.PLATFORM_OPERATOR:
            self.platform = None

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or self.role in Role.administrators()

    @property
    def organisation(self):
        """The organisation the user acts for: a region's office, a vendor or a platform."""
        return self.vendor or self.platform or self.region


# django-simple-history names the module of an app whose label differs from its package ("accounts" in
# "portal.accounts") after the package, where the class is not: ``manage.py shell`` then fails to import
# "portal.accounts.HistoricalUser". The class lives in this module; say so.
User.history.model.__module__ = __name__
