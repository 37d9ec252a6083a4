"""What is charged for: certificate products, fee items (with the prohibited ones) and each
province's fee policy (reference date and the directive that set it)."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.accounts import predicates as p
from portal.models import BaseModel, ScopedQuerySet


class PublicQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return None  # catalogues are public reference data


class ProductKind(BaseModel):
    """A kind of certificate product a bidder buys (单位证书, 个人证书, 电子签章 …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    objects = PublicQuerySet.as_manager()

    class Meta:
        verbose_name = _("product kind")
        verbose_name_plural = _("product kinds")
        ordering = ["order", "pk"]
        rules_permissions = {
            "view": p.rules.always_allow,
            "add": p.is_superuser | p.is_provincial_admin,
            "change": p.is_superuser | p.is_provincial_admin,
            "delete": p.is_superuser,
        }

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("fees:productkind_detail", args=[self.pk])


class FeeItem(BaseModel):
    """A fee a vendor may charge (新办, 年费 …) or may not (异地用户开通费 …). The list is open."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    prohibited = models.BooleanField(
        _("prohibited"), default=False, help_text=_("Any amount above zero on this item is a breach.")
    )
    forbidden_by = models.ForeignKey(
        "supervision.Directive",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forbidden_fee_items",
        verbose_name=_("forbidden by"),
        help_text=_("The directive that forbids this fee, e.g. 豫公管办〔2019〕23号."),
    )
    one_off = models.BooleanField(
        _("paid once in the province"),
        default=False,
        help_text=_(
            "Charging it again to a bidder who already holds the product for another platform is a repeated charge."
        ),
    )
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    objects = PublicQuerySet.as_manager()

    class Meta:
        verbose_name = _("fee item")
        verbose_name_plural = _("fee items")
        ordering = ["prohibited", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                name="feeitem_prohibited_names_directive", condition=Q(prohibited=False) | Q(forbidden_by__isnull=False)
            ),
        ]
        # Fee items and which of them are prohibited are the province's rules (豫公管办〔2019〕23号 三):
        # a city proposes, the provincial office decides.
        rules_permissions = {
            "view": p.rules.always_allow,
            "add": p.is_superuser | p.is_provincial_admin,
            "change": p.is_superuser | p.is_provincial_admin,
            "delete": p.is_superuser,
        }

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("fees:feeitem_detail", args=[self.pk])

    @property
    def forbidden_by_number(self) -> str:
        """The document number (文号) of the forbidding directive, or ""."""
        return self.forbidden_by.number if self.forbidden_by_id else ""

    def clean(self) -> None:
        super().clean()
        from django.core.exceptions import ValidationError

        if self.prohibited and not self.forbidden_by_id:
            raise ValidationError({"forbidden_by": _("Name the directive that forbids this fee.")})


class FeePolicy(BaseModel):
    """A province's fee rule: from ``reference_date`` (the reduction date, Henan 2019-08-15) fees must be at
    or below the benchmark: the lowest standard in force on a prefecture-level city's (省辖市) platform
    before that date (``fees.clauses``)."""

    province = models.OneToOneField(
        "supervision.Region",
        to_field="code",
        on_delete=models.PROTECT,
        related_name="fee_policy",
        verbose_name=_("province"),
        limit_choices_to={"level": "province"},
    )
    reference_date = models.DateField(_("reference date"))
    directive_number = models.CharField(_("directive (document number)"), max_length=100)
    province_governed_cities_count = models.BooleanField(
        _("province-governed cities count as prefecture-level cities"),
        default=True,
        help_text=_(
            "Whether a city-level unit governed directly by the province (济源) is in the benchmark pool. "
            "Province-governed counties never are."
        ),
    )

    objects = PublicQuerySet.as_manager()

    class Meta:
        verbose_name = _("fee policy")
        verbose_name_plural = _("fee policies")
        ordering = ["province"]
        rules_permissions = {
            "view": p.rules.always_allow,
            "add": p.is_superuser,
            "change": p.is_superuser
            | (p.is_provincial_admin & p.rules.predicate(lambda u, o: o is None or u.region_id == o.province_id)),
            "delete": p.is_superuser,
        }

    def __str__(self) -> str:
        return f"{self.province.name} · {self.reference_date:%Y-%m-%d} · {self.directive_number}"
