"""Bidders' complaints about a charge (no account needed), followed by a tracking number."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.accounts import predicates as p
from portal.facts import FactList
from portal.models import BaseModel, ScopedQuerySet
from supervision.models import supervised_party_ids

# No 0/O, 1/I/L: easy to read out on the phone. 31 symbols ** 12 ≈ 2 ** 59.
TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
TRACKING_LENGTH = 12


def new_tracking_number() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


class ComplaintQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        if scope.is_admin:
            return Q(platform__in=supervised_party_ids(scope).platforms)
        if scope.vendor_id:
            return Q(vendor_id=scope.vendor_id)
        return Q(platform_id=scope.platform_id)


class FeeComplaint(BaseModel):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received, awaiting review")
        UPHELD = "upheld", _("Upheld: a breach was confirmed")
        NOT_UPHELD = "not_upheld", _("Not upheld: no breach found")

    tracking_number = models.CharField(_("tracking number"), max_length=TRACKING_LENGTH, unique=True, editable=False)
    vendor = models.ForeignKey(
        "supervision.CAVendor", on_delete=models.PROTECT, related_name="fee_complaints", verbose_name=_("CA vendor")
    )
    platform = models.ForeignKey(
        "supervision.Platform", on_delete=models.PROTECT, related_name="fee_complaints", verbose_name=_("platform")
    )
    product = models.ForeignKey("fees.ProductKind", on_delete=models.PROTECT, verbose_name=_("product"))
    item = models.ForeignKey("fees.FeeItem", on_delete=models.PROTECT, verbose_name=_("fee item"))
    charged_on = models.DateField(_("date charged"))
    amount = models.DecimalField(_("amount charged (yuan)"), max_digits=12, decimal_places=2)
    held_elsewhere = models.BooleanField(
        _("already held this vendor's product for another platform in the province"), default=False
    )
    description = models.TextField(_("what happened"), max_length=2000, blank=True)
    contact_name = models.CharField(_("your name or company"), max_length=100, blank=True)
    contact = models.CharField(_("phone or e-mail"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    outcome = models.TextField(_("outcome"), blank=True)
    breaches = models.JSONField(_("breaches found"), default=list, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("fee complaint")
        verbose_name_plural = _("fee complaints")
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(name="feecomplaint_amount_not_negative", condition=Q(amount__gte=0)),
            models.CheckConstraint(
                name="feecomplaint_status_valid", condition=Q(status__in=["received", "upheld", "not_upheld"])
            ),
        ]
        rules_permissions = {
            "view": p.rules.is_authenticated,
            "add": p.rules.always_allow,
            "change": p.is_superuser
            | (p.is_admin & p.rules.predicate(lambda u, c: c is None or p.region_in_scope(u, c.platform.region))),
            "delete": p.is_superuser,
        }

    def __str__(self) -> str:
        return self.tracking_number

    def get_absolute_url(self) -> str:
        return reverse("fees:feecomplaint_detail", args=[self.pk])

    def readable_breaches(self) -> list[FactList]:
        """What the comparison found, each as labelled facts (the rule, the amounts, the filing)."""
        return [FactList(breach) for breach in self.breaches if isinstance(breach, dict)]

    def save(self, *args, **kwargs):
        if not self.tracking_number:
            self.tracking_number = new_tracking_number()
        super().save(*args, **kwargs)
