"""The national level of the trial (发改办法规〔2023〕54号): where each announcement was shown (一:
"在公共资源交易中心场所、交易平台网站和招标公告公示信息指定发布媒介的显著位置"), and the written reports
(书面报送) the lead departments and the participating enterprises send to 法规司 by 15 February and
31 March, each with its cover letter (文号) and Attachment 2's table. Written through ``trial.national``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts import predicates as p
from portal.models import BaseModel, ScopedQuerySet
from supervision.models.uploads import validate_upload
from trial.models.rounds import WRITE_RULES, platform_scope_q


class AnnouncementDisplay(BaseModel):
    """One place where an announcement was shown, from when to when, with evidence (a photo, a
    screenshot, the media's page)."""

    class Place(models.TextChoices):
        TRADING_CENTRE = "trading_centre", _("Trading centre premises (交易中心场所)")
        WEBSITE = "website", _("Trading platform website (交易平台网站)")
        MEDIA = "media", _("Designated publication media (指定发布媒介)")

    announcement = models.ForeignKey(
        "trial.Announcement", on_delete=models.CASCADE, related_name="displays", verbose_name=_("announcement")
    )
    place = models.CharField(_("where"), max_length=20, choices=Place.choices)
    location = models.CharField(
        _("location"), max_length=300, help_text=_("The hall and board, the page's address, or the media's name.")
    )
    shown_from = models.DateField(_("shown from"))
    shown_until = models.DateField(_("shown until"), null=True, blank=True, help_text=_("Empty: still shown."))
    evidence = models.FileField(_("evidence"), upload_to="trial/displays/%Y/", blank=True, validators=[validate_upload])
    evidence_url = models.URLField(_("evidence link"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            return platform_scope_q(scope, "announcement__platform")

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("announcement display")
        verbose_name_plural = _("announcement displays")
        ordering = ["announcement", "place", "shown_from"]
        constraints = [
            models.CheckConstraint(
                name="display_place_valid", condition=Q(place__in=["trading_centre", "website", "media"])
            ),
            models.CheckConstraint(
                name="display_ordered",
                condition=Q(shown_until__isnull=True) | Q(shown_until__gte=models.F("shown_from")),
            ),
        ]
        rules_permissions = WRITE_RULES

    def __str__(self) -> str:
        return f"{self.announcement} · {self.get_place_display()}"

    def get_absolute_url(self) -> str:
        return reverse("trial:announcement_detail", args=[self.announcement_id])

    @property
    def platform(self):
        return self.announcement.platform if self.announcement_id else None

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.shown_from and self.shown_until and self.shown_until < self.shown_from:
            errors["shown_until"] = _("The display ends before it starts.")
        if self.shown_from and self.shown_from > timezone.localdate():
            errors["shown_from"] = _("This date is in the future.")
        if not self.evidence and not self.evidence_url:
            errors["evidence"] = _("Give the evidence: a file (photo, screenshot) or a link.")
        if errors:
            raise ValidationError(errors)


def reporter_q(scope, path: str = "reporter") -> Q:
    """Written reports: the reporting body sees its own, 法规司 all, an administrator those of its
    regions' bodies, nobody else."""
    if scope.is_national:
        return Q()
    if scope.is_lead_department:
        return Q(**{f"{path}_id": scope.authority_id})
    if scope.is_admin:
        return scope.regions_q(f"{path}__region")
    return Q(pk__in=[])


class WrittenReport(BaseModel):
    """书面报送: one reporting body's statistics of one period, sent to 法规司 with a numbered cover
    letter. The table is kept as it was sent (``table``), so later corrections never rewrite it."""

    period = models.ForeignKey(
        "trial.ReportingPeriod", on_delete=models.PROTECT, related_name="written_reports", verbose_name=_("period")
    )
    reporter = models.ForeignKey(
        "supervision.Authority",
        on_delete=models.PROTECT,
        related_name="written_reports",
        verbose_name=_("reporting body"),
    )
    number = models.CharField(_("document number"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    letter = models.TextField(_("cover letter"))
    table = models.JSONField(_("Attachment 2 as sent"), default=dict)
    cumulative = models.BooleanField(_("cumulative figures"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    is_late = models.BooleanField(_("reported late"), default=False)

    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            return reporter_q(scope)

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("written report")
        verbose_name_plural = _("written reports")
        ordering = ["-period__due_date", "reporter__name"]
        constraints = [
            models.UniqueConstraint(fields=["period", "reporter"], name="written_report_once_per_period"),
        ]
        rules_permissions = {
            "view": p.rules.is_authenticated,
            "add": p.is_superuser | p.is_lead_department,
            "change": p.is_superuser,
            "delete": p.is_superuser,
        }

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("trial:writtenreport_detail", args=[self.pk])

    @property
    def submitted_on(self):
        return timezone.localdate(self.submitted_at)
