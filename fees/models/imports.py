"""An xlsx import of filing lines: uploaded, checked (dry run), then written all at once."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import BaseModel, UploaderQuerySet


class FeeImport(BaseModel):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        CHECKING = "checking", _("Checking")
        INVALID = "invalid", _("Errors found, nothing written")
        CHECKED = "checked", _("Checked, ready to import")
        WRITING = "writing", _("Writing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed, nothing written")

    file = models.FileField(_("file"), upload_to="fees/imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("uploaded by")
    )
    submit_after = models.BooleanField(
        _("submit for review after import"),
        default=True,
        help_text=_("The rules run on submission; leave unticked to keep the filings as drafts."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = UploaderQuerySet.as_manager()  # it may hold unsubmitted prices

    class Meta:
        verbose_name = _("fee import")
        verbose_name_plural = _("fee imports")
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("fees:feeimport_detail", args=[self.pk])

    @property
    def running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.CHECKING, self.Status.WRITING)

    @property
    def failed(self) -> bool:
        return self.status in (self.Status.INVALID, self.Status.FAILED)
