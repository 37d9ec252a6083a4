"""The 2023 national trial of network-shared certificates (发改办法规〔2023〕54号): rounds with their
reporting periods and participants, the platforms' announcements, coverage, agreements, decryption-
failure remedy plans and incidents. Usage statistics and bidders' feedback are in ``trial_usage`` and
``trial_feedback``.

Rows belong to a platform: administrators see their regions' platforms, an operator its own
platform; what vendors see is said model by model.
"""

from __future__ import annotations

import rules
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts import predicates as p
from portal.models import BaseModel, ScopedQuerySet
from supervision.models.uploads import validate_upload

NATIONAL_PLATFORM = "中国招标投标公共服务平台"


# --- scoping by platform --------------------------------------------------------------------------


def platform_scope_q(scope, path: str = "platform", vendors: Q | None = None) -> Q:
    """Rows of platforms the scope covers: an administrator's regions, an operator's own platform;
    vendors see ``vendors`` (nothing unless given)."""
    if scope.is_admin:
        return scope.regions_q(f"{path}__region")
    if scope.platform_id:
        return Q(**{f"{path}_id": scope.platform_id})
    return vendors if vendors is not None else Q(pk__in=[])


def platform_covered(user, platform) -> bool:
    """The same rule as ``platform_scope_q`` for one platform (writes: vendors never)."""
    from portal.accounts.scope import Scope

    if platform is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    scope = Scope.of(user)
    if scope is None:
        return False
    if scope.is_admin:
        return scope.covers_region(platform.region)
    return scope.platform_id is not None and scope.platform_id == platform.pk


@rules.predicate
def platform_in_scope(user, obj) -> bool:
    return obj is not None and platform_covered(user, getattr(obj, "platform", None))


platform_writers = p.is_superuser | platform_in_scope
region_admins = p.is_superuser | (p.is_admin & platform_in_scope)
WRITE_RULES = {
    "view": p.rules.is_authenticated,
    "add": p.is_superuser | p.is_admin | p.is_platform_operator,
    "change": platform_writers,
    "delete": region_admins,
}


ROUND_RULES = {
    "view": p.rules.is_authenticated,
    "add": p.is_superuser | p.is_provincial_admin,
    "change": p.is_superuser | p.is_provincial_admin,
    "delete": p.is_superuser,
}


class PlatformQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return platform_scope_q(scope)


# --- the round: periods and participants ----------------------------------------------------------


class TrialRound(BaseModel):
    """One year's round of the trial: its directive, its due dates and the fields pilot cities must cover."""

    code = models.SlugField(_("code"), max_length=30, unique=True, help_text=_("e.g. 2023"))
    name = models.CharField(_("name"), max_length=200)
    directive = models.ForeignKey(
        "supervision.Directive",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trial_rounds",
        verbose_name=_("directive"),
    )
    starts_on = models.DateField(_("starts on"))
    announcement_due = models.DateField(
        _("announcement due"), null=True, blank=True, help_text=_("Empty: as soon as possible (尽快).")
    )
    remedy_plan_due = models.DateField(
        _("remedy plan due"), null=True, blank=True, help_text=_("Empty: as soon as possible (尽快).")
    )
    agreement_due = models.DateField(
        _("component agreement due"), null=True, blank=True, help_text=_("Empty: as soon as possible (尽快).")
    )
    coverage_due = models.DateField(
        _("coverage checked on"),
        null=True,
        blank=True,
        help_text=_(
            "On this date a pilot city not yet covering every required field at city and county level gets a finding."
        ),
    )
    coverage_domains = models.ManyToManyField(
        "supervision.BusinessDomain",
        blank=True,
        related_name="+",
        verbose_name=_("fields pilot cities must cover"),
    )

    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            return None  # the trial's rounds and dates are public

        def current(self):
            return self.order_by("-starts_on", "-pk").first()

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("trial round")
        verbose_name_plural = _("trial rounds")
        ordering = ["-starts_on", "-pk"]
        rules_permissions = ROUND_RULES

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("trial:round_detail", args=[self.pk])

    DUE_FIELDS = ("announcement_due", "remedy_plan_due", "agreement_due", "coverage_due")

    def clean(self) -> None:
        super().clean()
        errors = {}
        for name in self.DUE_FIELDS:
            value = getattr(self, name)
            if value and self.starts_on and value < self.starts_on:
                errors[name] = _("This date is before the round starts.")
        if self.directive_id and self.starts_on and self.starts_on < self.directive.earliest_date:
            errors["starts_on"] = _("The round cannot start before its directive was issued.")
        if errors:
            raise ValidationError(errors)


class ReportingPeriod(BaseModel):
    """A period of usage statistics and the date by which the report is due (15 February, 31 March)."""

    round = models.ForeignKey(TrialRound, on_delete=models.CASCADE, related_name="periods", verbose_name=_("round"))
    label = models.CharField(_("label"), max_length=100)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    due_date = models.DateField(_("report due"))

    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            return None

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["round", "due_date"]
        constraints = [
            models.UniqueConstraint(fields=["round", "due_date"], name="reporting_period_due_once_per_round"),
            models.CheckConstraint(name="reporting_period_ordered", condition=Q(ends_on__gte=F("starts_on"))),
        ]
        rules_permissions = ROUND_RULES

    def __str__(self) -> str:
        return f"{self.label}（{self.due_date:%Y-%m-%d}）"

    def get_absolute_url(self) -> str:
        return reverse("trial:round_detail", args=[self.round_id])

    def clean(self) -> None:
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The period ends before it starts.")})
        if self.due_date and self.starts_on and self.due_date < self.starts_on:
            raise ValidationError({"due_date": _("The report cannot be due before the period starts.")})
        if self.round_id and self.due_date:
            twins = ReportingPeriod.objects.filter(round_id=self.round_id, due_date=self.due_date).exclude(pk=self.pk)
            if twins.exists():
                raise ValidationError({"due_date": _("This round already has a period due on this date.")})


class TrialParticipant(BaseModel):
    """A platform taking part in a round (Attachment 1), and whether it is one of the six pilot cities."""

    round = models.ForeignKey(
        TrialRound, on_delete=models.CASCADE, related_name="participants", verbose_name=_("round")
    )
    platform = models.ForeignKey(
        "supervision.Platform",
        on_delete=models.PROTECT,
        related_name="trial_participations",
        verbose_name=_("platform"),
    )
    is_pilot_city = models.BooleanField(
        _("pilot city"),
        default=False,
        help_text=_("One of the business-environment pilot cities (营商环境创新试点城市)."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            return None  # Attachment 1 is public

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("trial participant")
        verbose_name_plural = _("trial participants")
        ordering = ["round", "platform__kind", "platform__region__code", "platform__name"]
        constraints = [models.UniqueConstraint(fields=["round", "platform"], name="trial_participant_once")]
        rules_permissions = {
            "view": p.rules.is_authenticated,
            "add": p.is_superuser | p.is_provincial_admin,
            "change": p.is_superuser | (p.is_provincial_admin & platform_in_scope),
            "delete": p.is_superuser | (p.is_provincial_admin & platform_in_scope),
        }

    def __str__(self) -> str:
        return f"{self.platform}（{self.round.code}）"

    def get_absolute_url(self) -> str:
        return reverse("trial:round_detail", args=[self.round_id])

    def clean(self) -> None:
        super().clean()
        if self.round_id and self.platform_id:
            twins = TrialParticipant.objects.filter(round_id=self.round_id, platform_id=self.platform_id)
            if twins.exclude(pk=self.pk).exists():
                raise ValidationError({"platform": _("This platform already takes part in this round.")})


# --- announcements --------------------------------------------------------------------------------


class Announcement(BaseModel):
    """A platform's public announcement of the trial: drafted, approved by its region's office, published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")

    round = models.ForeignKey(
        TrialRound, on_delete=models.PROTECT, related_name="announcements", verbose_name=_("round")
    )
    platform = models.ForeignKey(
        "supervision.Platform", on_delete=models.PROTECT, related_name="announcements", verbose_name=_("platform")
    )
    title = models.CharField(_("title"), max_length=200)
    business_types = models.ManyToManyField(
        "supervision.BusinessDomain", related_name="+", verbose_name=_("business types covered")
    )
    scope = models.TextField(_("scope (适用范围)"))
    procedure = models.TextField(_("procedure (操作流程)"))
    notes = models.TextField(_("notes (注意事项)"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            return platform_scope_q(scope) | Q(status="published")

        def published(self):
            return self.filter(status=Announcement.Status.PUBLISHED)

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-round__starts_on", "platform__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "platform"], name="announcement_once_per_round"),
            models.CheckConstraint(
                name="announcement_published_has_time",
                condition=~Q(status="published") | Q(published_at__isnull=False),
            ),
        ]
        rules_permissions = {**WRITE_RULES, "approve": region_admins, "publish": platform_writers}

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("trial:announcement_detail", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("public_announcement", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def clean(self) -> None:
        super().clean()
        if self.round_id and self.platform_id:
            if not TrialParticipant.objects.filter(round_id=self.round_id, platform_id=self.platform_id).exists():
                raise ValidationError({"platform": _("This platform does not take part in this round.")})
            twins = Announcement.objects.filter(round_id=self.round_id, platform_id=self.platform_id)
            if twins.exclude(pk=self.pk).exists():
                raise ValidationError({"platform": _("This platform already has an announcement for this round.")})


# --- coverage --------------------------------------------------------------------------------------


class Coverage(BaseModel):
    """Whether a platform accepts network-shared certificates in one business field at one level."""

    class Level(models.TextChoices):
        CITY = "city", _("City level (市级)")
        COUNTY = "county", _("County level (区县级)")

    platform = models.ForeignKey(
        "supervision.Platform", on_delete=models.PROTECT, related_name="coverage", verbose_name=_("platform")
    )
    domain = models.ForeignKey(
        "supervision.BusinessDomain", on_delete=models.PROTECT, related_name="+", verbose_name=_("business field")
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    accepted = models.BooleanField(_("network-shared certificates accepted"), default=False)
    since = models.DateField(_("since"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    # Coverage is what bidders need to know: vendors see it for every platform.
    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            return platform_scope_q(scope, vendors=Q())

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("coverage")
        verbose_name_plural = _("coverage")
        ordering = ["platform__name", "domain_id", "level"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "domain", "level"], name="coverage_once"),
            models.CheckConstraint(name="coverage_level_valid", condition=Q(level__in=["city", "county"])),
            models.CheckConstraint(
                name="coverage_accepted_has_date", condition=Q(accepted=False) | Q(since__isnull=False)
            ),
        ]
        rules_permissions = WRITE_RULES

    def __str__(self) -> str:
        return f"{self.platform} · {self.domain} · {self.get_level_display()}"

    def get_absolute_url(self) -> str:
        return reverse("trial:coverage_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.accepted and not self.since:
            raise ValidationError({"since": _("Give the date since when network-shared certificates are accepted.")})
        if self.since and self.since > timezone.localdate():
            raise ValidationError({"since": _("This date is in the future.")})
        if self.platform_id and self.domain_id and self.level:
            twins = Coverage.objects.filter(platform_id=self.platform_id, domain_id=self.domain_id, level=self.level)
            if twins.exclude(pk=self.pk).exists():
                raise ValidationError(_("This platform already has a row for this field and level; edit that one."))


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
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
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
