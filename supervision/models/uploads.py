"""Uploaded evidence: size and type limits checked by extension and by content."""

import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import ParentScopedQuerySet
from supervision import conf

# extension → test of the first bytes (and, for Office files, of the ZIP's contents)
SIGNATURES = {
    "pdf": lambda head: head.startswith(b"%PDF-"),
    "jpg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "jpeg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "png": lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"),
    "docx": lambda head: head.startswith(b"PK\x03\x04"),
    "xlsx": lambda head: head.startswith(b"PK\x03\x04"),
    "zip": lambda head: head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"),
}
OFFICE_MARKERS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


def allowed_extensions() -> list[str]:
    return conf.get("SUPERVISION_UPLOAD_EXTENSIONS", ["pdf", "jpg", "jpeg", "png", "docx", "xlsx", "zip"])


def max_upload_bytes() -> int:
    return conf.get("SUPERVISION_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)


def validate_upload(upload) -> None:
    """Refuse a file that is too big, of a forbidden type, or whose content is not what its name says."""
    name = getattr(upload, "name", "") or ""
    extension = PurePath(name).suffix.lower().lstrip(".")
    allowed = allowed_extensions()
    if extension not in allowed:
        raise ValidationError(
            _("“%(name)s”: files of type “%(ext)s” are not accepted (allowed: %(allowed)s).")
            % {"name": PurePath(name).name, "ext": extension or "?", "allowed": ", ".join(allowed)},
            code="file_type",
        )
    limit = max_upload_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size).1f MB; the limit is %(limit).0f MB.")
            % {"name": PurePath(name).name, "size": upload.size / 1048576, "limit": limit / 1048576},
            code="file_size",
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    ok = SIGNATURES[extension](head)
    if ok and extension in OFFICE_MARKERS:
        upload.seek(0)
        try:
            with zipfile.ZipFile(upload) as archive:
                ok = OFFICE_MARKERS[extension] in archive.namelist()
        except zipfile.BadZipFile:
            ok = False
    upload.seek(position)
    if not ok:
        raise ValidationError(
            _("“%(name)s”: the content is not a valid %(ext)s file.") % {"name": PurePath(name).name, "ext": extension},
            code="file_content",
        )


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
