"""Uploaded evidence: the supervision's file rule (types, size, content) and the files' rows."""

from pathlib import PurePath

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import ParentScopedQuerySet
from portal.uploads import FileRule

# Evidence of fulfilment and rectification responses (and the trial's agreements and plans).
EVIDENCE = FileRule(
    types=("pdf", "jpg", "jpeg", "png", "docx", "xlsx", "zip"),
    max_bytes=10 * 1024 * 1024,
    types_setting="SUPERVISION_UPLOAD_EXTENSIONS",
    size_setting="SUPERVISION_UPLOAD_MAX_BYTES",
)


def validate_upload(upload) -> None:
    """Refuse a file that is too big, of a forbidden type, or whose content is not what its name says
    (the validator named by the models' migrations)."""
    EVIDENCE.validate(upload)


class UploadedFile(models.Model):
    """Abstract: one uploaded file with its original name and size."""

    file = models.FileField(_("file"), upload_to="supervision/%Y/%m/", validators=[validate_upload])
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    uploaded_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name or self.file.name

    def save(self, *args, **kwargs):
        if self.file and not self.original_name:
            self.original_name = PurePath(self.file.name).name[:200]
        if self.file and not self.size:
            self.size = self.file.size
        super().save(*args, **kwargs)


class ObligationFile(UploadedFile):
    obligation = models.ForeignKey(
        "supervision.Obligation", on_delete=models.CASCADE, related_name="files", verbose_name=_("obligation")
    )

    class QuerySet(ParentScopedQuerySet):
        parent = "obligation"

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["pk"]


class ResponseFile(UploadedFile):
    response = models.ForeignKey(
        "supervision.CaseResponse", on_delete=models.CASCADE, related_name="files", verbose_name=_("response")
    )

    class QuerySet(ParentScopedQuerySet):
        parent = "response"

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("response file")
        verbose_name_plural = _("response files")
        ordering = ["pk"]
