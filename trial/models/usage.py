"""Usage statistics of the trial (Attachment 2 of 发改办法规〔2023〕54号): one report per platform and
reporting period, one line per CA vendor. Reports are written through ``trial.usage``."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts import predicates as p
from portal.models import BaseModel, ScopedQuerySet
from trial.models.rounds import COUNT_FIELDS, WRITE_RULES, platform_scope_q, region_admins

__all__ = ["COUNT_FIELDS", "UsageLine", "UsageReport"]


class UsageReport(BaseModel):
    class Via(models.TextChoices):
        FORM = "form", _("Web form")
        API = "api", _("API")
        XLSX = "xlsx", _("Excel import")

    platform = models.ForeignKey(
        "supervision.Platform", on_delete=models.PROTECT, related_name="usage_reports", verbose_name=_("platform")
    )
    period = models.ForeignKey(
        "trial.ReportingPeriod",
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("reporting period"),
    )
    starts_on = models.DateField(_("period from"))
    ends_on = models.DateField(_("period to"))
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    via = models.CharField(_("submitted via"), max_length=10, choices=Via.choices, default=Via.FORM)
    is_late = models.BooleanField(_("reported late"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            return platform_scope_q(scope)

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("usage report")
        verbose_name_plural = _("usage reports")
        ordering = ["-period__due_date", "platform__name"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "period"], name="usage_report_once_per_period"),
            models.CheckConstraint(name="usage_report_ordered", condition=Q(ends_on__gte=F("starts_on"))),
        ]
        # A lead department collects the statistics of the platforms it reports for.
        rules_permissions = {**WRITE_RULES, "add": WRITE_RULES["add"] | p.is_lead_department, "change": region_admins}

    def __str__(self) -> str:
        return f"{self.platform} · {self.period.label}"

    def get_absolute_url(self) -> str:
        return reverse("trial:usagereport_detail", args=[self.pk])

    @property
    def submitted_on(self):
        return timezone.localdate(self.submitted_at)

    def totals(self) -> dict[str, int]:
        lines = list(self.lines.all())
        return {name: sum(getattr(line, name) for line in lines) for name in COUNT_FIELDS}


class UsageLine(BaseModel):
    report = models.ForeignKey(UsageReport, on_delete=models.CASCADE, related_name="lines", verbose_name=_("report"))
    vendor = models.ForeignKey(
        "supervision.CAVendor", on_delete=models.PROTECT, related_name="usage_lines", verbose_name=_("CA vendor")
    )
    registered_entities = models.PositiveIntegerField(_("market entities registered with a network-shared certificate"))
    bids = models.PositiveIntegerField(_("bids submitted with a network-shared certificate"))
    cross_region_bids = models.PositiveIntegerField(_("of which cross-region bids"))
    decryption_failures = models.PositiveIntegerField(_("decryption failures"))
    remedies_used = models.PositiveIntegerField(_("remedies used"))

    # A vendor sees its own figures on every platform.
    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            return platform_scope_q(scope, "report__platform", vendors=Q(vendor_id=scope.vendor_id))

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("usage line")
        verbose_name_plural = _("usage lines")
        ordering = ["report", "vendor__name"]
        constraints = [
            models.UniqueConstraint(fields=["report", "vendor"], name="usage_line_once_per_vendor"),
            models.CheckConstraint(
                name="usage_cross_region_within_bids", condition=Q(cross_region_bids__lte=F("bids"))
            ),
            models.CheckConstraint(
                name="usage_remedies_within_failures", condition=Q(remedies_used__lte=F("decryption_failures"))
            ),
        ]
        rules_permissions = {
            "view": p.rules.is_authenticated,
            "add": p.is_superuser | p.is_admin | p.is_platform_operator | p.is_lead_department,
            "change": region_admins,
            "delete": region_admins,
        }

    def __str__(self) -> str:
        return f"{self.report} · {self.vendor}"

    @property
    def platform(self):
        return self.report.platform if self.report_id else None

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.bids is not None and self.cross_region_bids is not None and self.cross_region_bids > self.bids:
            errors["cross_region_bids"] = _("Cross-region bids cannot exceed all bids (%(bids)d).") % {
                "bids": self.bids
            }
        if (
            self.decryption_failures is not None
            and self.remedies_used is not None
            and self.remedies_used > self.decryption_failures
        ):
            errors["remedies_used"] = _("Remedies used cannot exceed the decryption failures (%(n)d).") % {
                "n": self.decryption_failures
            }
        if errors:
            raise ValidationError(errors)
