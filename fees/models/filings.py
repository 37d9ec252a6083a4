"""Fee filings (收费标准备案): a vendor's price list for a region, line by line, reviewed by the
region's administrators. Accepted lines are the tariffs in force (see ``fees.tariffs``)."""

import datetime

import rules
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts import predicates as p
from portal.accounts.scope import Scope
from portal.models import BaseModel, ScopedQuerySet

EARLIEST_EFFECTIVE_DATE = datetime.date(2000, 1, 1)
MAX_YEARS_AHEAD = 10


def latest_effective_date(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + MAX_YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + MAX_YEARS_AHEAD, day=28)


def effective_date_error(value: datetime.date) -> str | None:
    """Why an effective date is refused (before 2000 or more than a decade ahead), or None."""
    if value < EARLIEST_EFFECTIVE_DATE:
        return str(_("the effective date cannot be before 2000-01-01"))
    if value > latest_effective_date():
        return str(_("the effective date cannot be more than ten years ahead"))
    return None


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)


@rules.predicate
def filing_editable(user, filing) -> bool:
    """A draft or returned filing of the user's vendor, or of a region the administrator supervises."""
    if filing is None:
        return True
    if filing.status not in EDITABLE_STATUSES:
        return False
    if user.is_superuser:
        return True
    scope = Scope.of(user) if user.is_authenticated else None
    if scope is None:
        return False
    if scope.vendor_id:
        return filing.vendor_id == scope.vendor_id
    return scope.covers_region(filing.region) if filing.region_id else scope.is_admin


@rules.predicate
def filing_reviewable(user, filing) -> bool:
    """A submitted filing of a region the administrator supervises."""
    if filing is None:
        return p.is_admin(user) or user.is_superuser
    if filing.status != Status.SUBMITTED:
        return False
    if user.is_superuser:
        return True
    scope = Scope.of(user) if user.is_authenticated else None
    return scope is not None and scope.covers_region(filing.region)


class FeeFilingQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        # Accepted tariffs are public; drafts, submitted and returned filings belong to their
        # vendor and the administrators of the filing's region.
        if scope.is_admin:
            return Q(status=Status.ACCEPTED) | scope.regions_q("region")
        if scope.vendor_id:
            return Q(status=Status.ACCEPTED) | Q(vendor_id=scope.vendor_id)
        return Q(status=Status.ACCEPTED)

    def accepted(self):
        return self.filter(status=Status.ACCEPTED)


class FeeFiling(BaseModel):
    Status = Status

    vendor = models.ForeignKey(
        "supervision.CAVendor", on_delete=models.PROTECT, related_name="fee_filings", verbose_name=_("CA vendor")
    )
    region = models.ForeignKey(
        "supervision.Region",
        to_field="code",
        on_delete=models.PROTECT,
        related_name="fee_filings",
        verbose_name=_("region"),
        help_text=_("The whole province, or one city or county."),
    )
    effective_date = models.DateField(_("effective date"))
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    override_reason = models.TextField(
        _("override reason"),
        blank=True,
        help_text=_("Why the filing was accepted although a case about a fee breach of the vendor is open."),
    )
    is_demo = models.BooleanField(_("demonstration data (示例)"), default=False)

    objects = FeeFilingQuerySet.as_manager()

    class Meta:
        verbose_name = _("fee filing")
        verbose_name_plural = _("fee filings")
        ordering = ["-effective_date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "region", "effective_date"], name="feefiling_one_per_day"),
            models.CheckConstraint(
                name="feefiling_status_valid", condition=Q(status__in=["draft", "submitted", "accepted", "returned"])
            ),
            models.CheckConstraint(
                name="feefiling_returned_has_reason", condition=~Q(status="returned") | ~Q(return_reason="")
            ),
            models.CheckConstraint(
                name="feefiling_effective_date_sane", condition=Q(effective_date__gte=EARLIEST_EFFECTIVE_DATE)
            ),
        ]
        indexes = [
            models.Index(fields=["status", "region", "effective_date"], name="feefiling_in_force"),
            models.Index(fields=["effective_date", "id"], name="feefiling_effective_id"),  # the list's order
        ]
        rules_permissions = {
            "view": p.rules.is_authenticated,
            "add": p.is_superuser | p.is_admin | p.is_vendor_user,
            "change": filing_editable,
            "delete": filing_editable,
            "review": filing_reviewable,
        }

    def __str__(self) -> str:
        vendor = self.vendor.short_name if self.vendor_id else "?"
        region = self.region.name if self.region_id else "?"
        return (
            f"{vendor} · {region} · {self.effective_date:%Y-%m-%d}" if self.effective_date else f"{vendor} · {region}"
        )

    def get_absolute_url(self) -> str:
        return reverse("fees:feefiling_detail", args=[self.pk])

    @property
    def submitted_on(self) -> str:
        """When it was submitted, in local time (for lists)."""
        return timezone.localtime(self.submitted_at).strftime("%Y-%m-%d %H:%M") if self.submitted_at else ""

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    def clean(self) -> None:
        super().clean()
        if self.effective_date:
            problem = effective_date_error(self.effective_date)
            if problem:
                raise ValidationError({"effective_date": problem})
        if (
            self.vendor_id
            and self.region_id
            and self.effective_date
            and FeeFiling.objects.filter(
                vendor_id=self.vendor_id, region_id=self.region_id, effective_date=self.effective_date
            )
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError(
                {"effective_date": _("This vendor already has a filing for this region with this effective date.")}
            )


class FeeFilingLineQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        condition = FeeFiling.objects.scope_filter(scope)
        return None if condition is None else Q(filing__in=FeeFiling.objects.filter(condition))


class FeeFilingLine(BaseModel):
    """One price of a filing: product × fee item → amount in yuan."""

    filing = models.ForeignKey(FeeFiling, on_delete=models.CASCADE, related_name="lines", verbose_name=_("filing"))
    product = models.ForeignKey(
        "fees.ProductKind", on_delete=models.PROTECT, related_name="lines", verbose_name=_("product")
    )
    item = models.ForeignKey("fees.FeeItem", on_delete=models.PROTECT, related_name="lines", verbose_name=_("fee item"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    per_platform = models.BooleanField(
        _("charged again for each platform"),
        default=False,
        help_text=_("The fee is charged again when the bidder uses the product on another platform (重复收费)."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = FeeFilingLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("filing line")
        verbose_name_plural = _("filing lines")
        ordering = ["filing", "product__order", "item__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["filing", "product", "item"], name="feefilingline_once_per_filing"),
            models.CheckConstraint(name="feefilingline_amount_not_negative", condition=Q(amount__gte=0)),
        ]
        rules_permissions = {
            "view": p.rules.is_authenticated,
            "add": p.is_superuser | p.is_admin | p.is_vendor_user,
            "change": rules.predicate(lambda user, line: line is None or filing_editable(user, line.filing)),
            "delete": rules.predicate(lambda user, line: line is None or filing_editable(user, line.filing)),
        }

    def __str__(self) -> str:
        return f"{self.product_id and self.product.name} · {self.item_id and self.item.name} · {self.amount}"

    def get_absolute_url(self) -> str:
        return reverse("fees:feefiling_detail", args=[self.filing_id])

    def clean(self) -> None:
        super().clean()
        if self.amount is not None and self.amount < 0:
            raise ValidationError({"amount": _("The amount cannot be negative.")})
        if (
            self.filing_id
            and self.product_id
            and self.item_id
            and FeeFilingLine.objects.filter(filing_id=self.filing_id, product_id=self.product_id, item_id=self.item_id)
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError({"item": _("This filing already has a line for this product and fee item.")})
