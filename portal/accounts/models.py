"""Users and their roles. A user belongs to one organisation with one role."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# The national seat (全国): the region of 国家发展改革委 and of the national administrators.
NATIONAL_SEAT = "100000"


class Role(models.TextChoices):
    PROVINCIAL_ADMIN = "provincial_admin", _("Provincial administrator")
    CITY_ADMIN = "city_admin", _("City administrator")
    VENDOR_USER = "vendor_user", _("CA vendor user")
    PLATFORM_OPERATOR = "platform_operator", _("Platform operator")
    # The 2023 national trial (发改办法规〔2023〕54号): 法规司 staff at the national seat, and the
    # reporting bodies of the participants (a locality's lead department, a participating enterprise).
    NATIONAL_ADMIN = "national_admin", _("National administrator (法规司)")
    LEAD_DEPARTMENT = "lead_department", _("Lead department or participating enterprise (牵头部门)")

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
    authority = models.ForeignKey(
        "supervision.Authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("authority"),
        help_text=_("For lead departments: the body they report for; for national administrators: their office."),
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="user_role_has_its_organisation",
                condition=Q(role="")
                | Q(
                    role__in=Role.administrators(),
                    region__isnull=False,
                    vendor__isnull=True,
                    platform__isnull=True,
                    authority__isnull=True,
                )
                | Q(
                    role=Role.VENDOR_USER,
                    vendor__isnull=False,
                    region__isnull=True,
                    platform__isnull=True,
                    authority__isnull=True,
                )
                | Q(
                    role=Role.PLATFORM_OPERATOR,
                    platform__isnull=False,
                    region__isnull=True,
                    vendor__isnull=True,
                    authority__isnull=True,
                )
                | Q(role=Role.NATIONAL_ADMIN, region__isnull=False, vendor__isnull=True, platform__isnull=True)
                | Q(
                    role=Role.LEAD_DEPARTMENT,
                    authority__isnull=False,
                    region__isnull=True,
                    vendor__isnull=True,
                    platform__isnull=True,
                ),
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
        if self.role == Role.NATIONAL_ADMIN and (self.region is None or self.region.code != NATIONAL_SEAT):
            errors["region"] = _("A national administrator's region is the national seat (100000).")
        if self.role == Role.LEAD_DEPARTMENT and self.authority is None:
            errors["authority"] = _("A lead department user needs the body they report for.")
        if errors:
            raise ValidationError(errors)
        # Fields another role does not use are cleared rather than refused.
        if self.role not in (*Role.administrators(), Role.NATIONAL_ADMIN):
            self.region = None
        if self.role not in (Role.LEAD_DEPARTMENT, Role.NATIONAL_ADMIN):
            self.authority = None
        if self.role != Role.VENDOR_USER:
            self.vendor = None
        if self.role != Role.PLATFORM_OPERATOR:
            self.platform = None

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or self.role in Role.administrators()

    @property
    def is_national_admin(self) -> bool:
        return self.role == Role.NATIONAL_ADMIN and self.region_id == NATIONAL_SEAT

    @property
    def is_lead_department(self) -> bool:
        return self.role == Role.LEAD_DEPARTMENT and self.authority_id is not None

    @property
    def organisation(self):
        """The organisation the user acts for: a region's office, a vendor, a platform or a reporting body."""
        return self.vendor or self.platform or self.authority or self.region


# django-simple-history names the module of an app whose label differs from its package ("accounts" in
# "portal.accounts") after the package, where the class is not: ``manage.py shell`` then fails to import
# "portal.accounts.HistoricalUser". The class lives in this module; say so.
User.history.model.__module__ = __name__
