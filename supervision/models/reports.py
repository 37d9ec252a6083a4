"""Progress reports to the government (进展情况报告) with their ledger (台账): each 公管办 reports to its
own government on recognition and fees (豫公管办〔2019〕23号 五). One row per report asked for, kept as a
dated record: the region, the day it speaks of, the figures, the PDF and the workbook."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.accounts import predicates as p
from portal.models import BaseModel, ScopedQuerySet


class ProgressReportQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        # A city's administrators see their city's reports; the province's see its own and its cities'.
        return scope.regions_q("region") if scope.is_admin else Q(pk__in=[])


class ProgressReport(BaseModel):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being generated")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    region = models.ForeignKey(
        "supervision.Region", to_field="code", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    as_of = models.DateField(_("as of"))
    number = models.CharField(_("document number (文号)"), max_length=60, blank=True)
    issuing_authority = models.ForeignKey(
        "supervision.Authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issuing authority"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("requested by")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    pdf = models.FileField(_("report (PDF)"), upload_to="supervision/reports/%Y/", blank=True)
    xlsx = models.FileField(_("ledger (xlsx)"), upload_to="supervision/reports/%Y/", blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    is_demo = models.BooleanField(_("demonstration data (示例)"), default=False)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-as_of", "-created", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="progress_report_status_valid", condition=Q(status__in=["queued", "running", "done", "failed"])
            ),
        ]
        rules_permissions = {
            "view": p.rules.is_authenticated,
            "add": p.is_superuser | p.is_admin,  # for a region of the user's scope: ``engine.progress_report``
            "change": p.is_superuser,
            "delete": p.is_superuser,
        }

    def __str__(self) -> str:
        return f"{self.region.name} {self.as_of:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:report_detail", args=[self.pk])

    @property
    def running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def failed(self) -> bool:
        return self.status == self.Status.FAILED
