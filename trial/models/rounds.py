"""The 2023 national trial of network-shared certificates (发改办法规〔2023〕54号): rounds with their
reporting periods and participants, the platforms' announcements and coverage. Agreements, remedy
plans and incidents are in ``trial_agreements``, usage statistics in ``trial_usage``, bidders'
feedback in ``trial_feedback``.

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
from portal.accounts.scope import Scope
from portal.models import BaseModel, ScopedQuerySet

NATIONAL_PLATFORM = "中国招标投标公共服务平台"

# The statistics a usage line records (UsageLine's fields): the portal's columns of Attachment 2,
# also the xlsx import's headings. A round shows them in its own order (``TrialRound.usage_columns``).
COUNT_FIELDS = (
    "registered_entities",
    "bids",
    "cross_region_bids",
    "decryption_failures",
    "remedies_used",
)


# --- scoping by platform --------------------------------------------------------------------------


def reported_platforms(authority_id: int):
    """The platforms a lead department (or a participating enterprise) reports for, in any round."""
    return TrialParticipant.objects.filter(reporter_id=authority_id).values("platform_id")


def participating_platforms():
    return TrialParticipant.objects.values("platform_id")


def platform_scope_q(scope, path: str = "platform", vendors: Q | None = None) -> Q:
    """Rows of platforms the scope covers: an administrator's regions, an operator's own platform, the
    platforms a lead department reports for, every participant for the national office; vendors see
    ``vendors`` (nothing unless given)."""
    if scope.is_national:
        return Q(**{f"{path}_id__in": participating_platforms()})
    if scope.is_lead_department:
        return Q(**{f"{path}_id__in": reported_platforms(scope.authority_id)})
    if scope.is_admin:
        return scope.regions_q(f"{path}__region")
    if scope.platform_id:
        return Q(**{f"{path}_id": scope.platform_id})
    return vendors if vendors is not None else Q(pk__in=[])


def platform_covered(user, platform) -> bool:
    """Who writes the records of one platform: the administrators of its region and its operator
    (vendors never). A lead department reads its platforms' records (``platform_scope_q``) and changes
    none of them: it only reports their statistics (``reports_for``)."""

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


def reports_for(user, platform) -> bool:
    """The lead department (or participating enterprise) reports this platform's statistics."""
    scope = Scope.of(user) if platform is not None and user.is_authenticated and user.is_active else None
    return (
        scope is not None
        and scope.is_lead_department
        and TrialParticipant.objects.filter(reporter_id=scope.authority_id, platform=platform).exists()
    )


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
    "add": p.is_superuser | p.is_provincial_admin | p.is_national_admin,
    "change": p.is_superuser | p.is_provincial_admin | p.is_national_admin,
    "publish": p.is_superuser | p.is_national_admin,
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
            "A pilot city not yet covering every required field at city and county level by the end of this date "
            "gets a finding the next day."
        ),
    )
    coverage_domains = models.ManyToManyField(
        "supervision.BusinessDomain",
        blank=True,
        related_name="+",
        verbose_name=_("fields pilot cities must cover"),
        help_text=_("“全部招标投标领域”: every field. Empty: every business domain of the registry."),
    )
    # Attachment 2 (附件2) is omitted in the notice ("（略）"): its columns are the round's own.
    usage_columns = models.JSONField(
        _("columns of Attachment 2"),
        default=list,
        blank=True,
        help_text=_("The statistics' columns in order; empty: every column the portal records."),
    )
    columns_confirmed = models.BooleanField(
        _("Attachment 2's real layout is loaded"),
        default=False,
        help_text=_("Until then the pages say that the table's layout is the portal's own."),
    )
    cumulative = models.BooleanField(
        _("statistics are cumulative"),
        default=False,
        help_text=_("Each period's written report adds up every period of the round so far (累计)."),
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

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def columns(self) -> list[str]:
        """The statistics' columns of Attachment 2, in the round's order."""
        from_round = [c for c in self.usage_columns or [] if c in COUNT_FIELDS]
        return from_round or list(COUNT_FIELDS)

    def clean(self) -> None:
        super().clean()
        errors = {}
        unknown = [c for c in self.usage_columns or [] if c not in COUNT_FIELDS]
        if not isinstance(self.usage_columns, list) or unknown:
            errors["usage_columns"] = _("Unknown columns: %(names)s. Choose among: %(known)s.") % {
                "names": ", ".join(map(str, unknown)) or "?",
                "known": ", ".join(COUNT_FIELDS),
            }
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
    starts_on = models.DateField(_("period from"))
    ends_on = models.DateField(_("period to"))
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
    reporter = models.ForeignKey(
        "supervision.Authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trial_reported",
        verbose_name=_("reports through"),
        help_text=_(
            "The locality's lead department (牵头部门) or the participating enterprise that collects this "
            "platform's statistics and reports them in writing to 法规司."
        ),
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
            "add": p.is_superuser | p.is_provincial_admin | p.is_national_admin,
            "change": p.is_superuser | (p.is_provincial_admin & platform_in_scope) | p.is_national_admin,
            "delete": p.is_superuser | (p.is_provincial_admin & platform_in_scope) | p.is_national_admin,
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
