"""The trial's agreements (标准服务协议, 互认组件技术运行服务协议), decryption-failure remedy plans and
the incident log (解密失败). Scoped by platform like the rest of the trial (see ``trial``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import BaseModel, ScopedQuerySet
from supervision.models.uploads import validate_upload
from trial.models.rounds import NATIONAL_PLATFORM, WRITE_RULES, PlatformQuerySet, platform_scope_q

# --- agreements ------------------------------------------------------------------------------------


class Agreement(BaseModel):
    """The standard service agreement (标准服务协议) of a platform's parties, or the platform's component
    operation agreement (互认组件技术运行服务协议) with the national public service platform."""

    class Kind(models.TextChoices):
        STANDARD = "standard", _("Standard service agreement (标准服务协议)")
        COMPONENT = "component", _("Component operation agreement (互认组件技术运行服务协议)")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    platform = models.ForeignKey(
        "supervision.Platform", on_delete=models.PROTECT, related_name="trial_agreements", verbose_name=_("platform")
    )
    title = models.CharField(_("title"), max_length=200)
    counterparty = models.CharField(
        _("counterparty"),
        max_length=200,
        blank=True,
        default=NATIONAL_PLATFORM,
        help_text=_("For the component agreement: the national public service platform."),
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True, help_text=_("Empty while not signed."))
    term_start = models.DateField(_("term starts"), null=True, blank=True)
    term_end = models.DateField(
        _("term ends"), null=True, blank=True, help_text=_("Renewal reminders are sent before this date.")
    )
    scan = models.FileField(
        _("scanned copy"), upload_to="trial/agreements/%Y/", blank=True, validators=[validate_upload]
    )
    renews = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="renewals",
        verbose_name=_("renews"),
    )
    notes = models.TextField(_("notes"), blank=True)

    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            return platform_scope_q(scope, vendors=Q(parties__vendor_id=scope.vendor_id))

        def visible_to(self, user):
            return super().visible_to(user).distinct()

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["platform__name", "kind", "-signed_on"]
        constraints = [
            models.CheckConstraint(name="agreement_kind_valid", condition=Q(kind__in=["standard", "component"])),
            models.CheckConstraint(
                name="agreement_term_ordered",
                condition=Q(term_start__isnull=True) | Q(term_end__isnull=True) | Q(term_end__gte=F("term_start")),
            ),
        ]
        rules_permissions = WRITE_RULES

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("trial:agreement_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.term_start and self.term_end and self.term_end < self.term_start:
            errors["term_end"] = _("The term ends before it starts.")
        if self.signed_on and self.signed_on > timezone.localdate():
            errors["signed_on"] = _("This date is in the future.")
        if self.renews_id and self.renews_id == self.pk:
            errors["renews"] = _("An agreement cannot renew itself.")
        if self.renews_id and self.platform_id and self.renews.platform_id != self.platform_id:
            errors["renews"] = _("The renewed agreement belongs to another platform.")
        if errors:
            raise ValidationError(errors)


class AgreementParty(BaseModel):
    """One signatory of a standard service agreement; CA vendors are chosen from the registry."""

    class Role(models.TextChoices):
        PLATFORM_OPERATOR = "platform_operator", _("Platform operator")
        PLATFORM_DEVELOPER = "platform_developer", _("Platform developer")
        CA_VENDOR = "ca_vendor", _("CA vendor")
        SEAL_PROVIDER = "seal_provider", _("Electronic seal provider")
        APP_OPERATOR = "app_operator", _("Shared APP operator")
        NATIONAL_PLATFORM = "national_platform", _("National public service platform")
        MARKET_ENTITY = "market_entity", _("Market entity")

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="parties", verbose_name=_("agreement")
    )
    role = models.CharField(_("role in the agreement"), max_length=30, choices=Role.choices)
    vendor = models.ForeignKey(
        "supervision.CAVendor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("CA vendor"),
    )
    name = models.CharField(_("name"), max_length=200, blank=True, help_text=_("For parties that are not CA vendors."))
    signed_on = models.DateField(_("signed on"), null=True, blank=True)

    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            return platform_scope_q(scope, "agreement__platform", vendors=Q(vendor_id=scope.vendor_id))

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement party")
        verbose_name_plural = _("agreement parties")
        ordering = ["agreement", "role", "pk"]
        constraints = [
            models.CheckConstraint(name="agreement_party_named", condition=Q(vendor__isnull=False) | ~Q(name="")),
        ]
        rules_permissions = WRITE_RULES

    def __str__(self) -> str:
        return str(self.vendor) if self.vendor_id else self.name

    @property
    def platform(self):
        return self.agreement.platform if self.agreement_id else None

    def get_absolute_url(self) -> str:
        return self.agreement.get_absolute_url()

    def clean(self) -> None:
        super().clean()
        if self.role == self.Role.CA_VENDOR and not self.vendor_id:
            raise ValidationError({"vendor": _("Choose the CA vendor from the registry.")})
        if not self.vendor_id and not self.name.strip():
            raise ValidationError({"name": _("Name the party.")})
        if self.signed_on and self.signed_on > timezone.localdate():
            raise ValidationError({"signed_on": _("This date is in the future.")})


# --- decryption failures ---------------------------------------------------------------------------


class RemedyPlan(BaseModel):
    """A platform's plan for preventing and remedying decryption failures (解密失败的防范和救济保障方案)."""

    class Kind(models.TextChoices):
        OWN = "own", _("Developed and deployed by the platform")
        NATIONAL = "national", _("The national public service platform's, under an agreement")

    platform = models.OneToOneField(
        "supervision.Platform", on_delete=models.PROTECT, related_name="remedy_plan", verbose_name=_("platform")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agreement"),
        help_text=_("For the national platform's plan: the agreement that provides it."),
    )
    description = models.TextField(_("description"))
    effective_from = models.DateField(_("in force from"))
    document = models.FileField(_("document"), upload_to="trial/plans/%Y/", blank=True, validators=[validate_upload])

    objects = PlatformQuerySet.as_manager()

    class Meta:
        verbose_name = _("decryption-failure remedy plan")
        verbose_name_plural = _("decryption-failure remedy plans")
        ordering = ["platform__name"]
        constraints = [
            models.CheckConstraint(name="remedy_plan_kind_valid", condition=Q(kind__in=["own", "national"])),
            models.CheckConstraint(
                name="remedy_plan_national_has_agreement", condition=Q(kind="own") | Q(agreement__isnull=False)
            ),
        ]
        rules_permissions = WRITE_RULES

    def __str__(self) -> str:
        return f"{self.platform} · {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("trial:remedyplan_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.kind == self.Kind.NATIONAL and not self.agreement_id:
            raise ValidationError(
                {"agreement": _("Name the agreement under which the national platform's plan applies.")}
            )
        if self.agreement_id and self.platform_id and self.agreement.platform_id != self.platform_id:
            raise ValidationError({"agreement": _("The agreement belongs to another platform.")})
        if self.platform_id and RemedyPlan.objects.filter(platform_id=self.platform_id).exclude(pk=self.pk).exists():
            raise ValidationError({"platform": _("This platform already has a remedy plan; edit that one.")})


class DecryptionIncident(BaseModel):
    """One decryption failure (解密失败) on a platform and how it was remedied."""

    class Cause(models.TextChoices):
        BIDDER = "bidder", _("Bidder")
        PLATFORM = "platform", _("Platform")
        CA = "ca", _("CA vendor")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        RECOVERED = "recovered", _("Recovered")
        WITHDRAWN = "withdrawn", _("Bid withdrawn")
        REVOKED = "revoked", _("Treated as revoked")

    class Responsible(models.TextChoices):
        BIDDER = "bidder", _("Bidder")
        PLATFORM = "platform", _("Platform")
        CA = "ca", _("CA vendor")
        NATIONAL_PLATFORM = "national_platform", _("National public service platform")
        OTHER = "other", _("Other")

    platform = models.ForeignKey(
        "supervision.Platform",
        on_delete=models.PROTECT,
        related_name="decryption_incidents",
        verbose_name=_("platform"),
    )
    occurred_on = models.DateField(_("date"))
    project_code = models.CharField(_("project number"), max_length=100)
    project_name = models.CharField(_("project"), max_length=200)
    bidder = models.CharField(_("bidder"), max_length=200)
    vendor = models.ForeignKey(
        "supervision.CAVendor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decryption_incidents",
        verbose_name=_("CA vendor"),
    )
    cause = models.CharField(_("cause"), max_length=20, choices=Cause.choices)
    remedy_applied = models.TextField(_("remedy applied"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    responsible = models.CharField(_("responsible party"), max_length=20, choices=Responsible.choices)
    notes = models.TextField(_("notes"), blank=True)

    # A vendor sees the incidents with its own certificates.
    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            return platform_scope_q(scope, vendors=Q(vendor_id=scope.vendor_id))

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("decryption incident")
        verbose_name_plural = _("decryption incidents")
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="incident_cause_valid", condition=Q(cause__in=["bidder", "platform", "ca", "other"])
            ),
            models.CheckConstraint(
                name="incident_outcome_valid", condition=Q(outcome__in=["recovered", "withdrawn", "revoked"])
            ),
        ]
        rules_permissions = WRITE_RULES

    def __str__(self) -> str:
        return f"{self.occurred_on:%Y-%m-%d} {self.project_name}"

    def get_absolute_url(self) -> str:
        return reverse("trial:incident_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.occurred_on and self.occurred_on > timezone.localdate():
            raise ValidationError({"occurred_on": _("This date is in the future.")})
