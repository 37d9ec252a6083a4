"""Whose a CA certificate is: each vendor's upload of a certificate is a claim, decided by what the
certificate's subject says or by the provincial office; and the uploads themselves, which a file of
hundreds of certificates turns into a background job with progress."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.accounts import predicates as p
from portal.models import BaseModel, ScopedQuerySet, UploaderQuerySet


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting confirmation")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class ClaimBasis(models.TextChoices):
    NONE = "", _("Not decided")
    NAME = "name", _("The subject's organisation is the vendor's name")
    CREDIT_CODE = "credit_code", _("The subject carries the vendor's unified social credit code")
    ADMINISTRATOR = "administrator", _("Confirmed by the provincial office")
    RECORDED = "recorded", _("Recorded with the portal's facts")


LIVE = (ClaimStatus.PENDING, ClaimStatus.ACCEPTED)


class CertificateClaim(BaseModel):
    """One vendor's claim that a stored CA certificate is its own. At most one claim of a certificate is
    accepted; its vendor is the certificate's. Two vendors' live claims of one certificate are a
    conflict, decided by the provincial office."""

    certificate = models.ForeignKey(
        "certificates.CACertificate", on_delete=models.CASCADE, related_name="claims", verbose_name=_("CA certificate")
    )
    vendor = models.ForeignKey(
        "supervision.CAVendor", on_delete=models.PROTECT, related_name="certificate_claims", verbose_name=_("CA vendor")
    )
    status = models.CharField(_("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.PENDING)
    basis = models.CharField(_("basis"), max_length=20, choices=ClaimBasis.choices, blank=True)
    upload = models.ForeignKey(
        "certificates.CertificateUpload",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("upload"),
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("claimed by"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason for the decision"), blank=True)

    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            # A vendor sees its own claims only; administrators see all; platforms have no part in them.
            if scope.vendor_id:
                return Q(vendor_id=scope.vendor_id)
            return None if scope.is_admin else Q(pk__in=[])

        def in_conflict(self):
            """Claims of certificates that two or more vendors claim (pending or accepted)."""
            contested = (
                CertificateClaim.objects.filter(status__in=LIVE)
                .values("certificate_id")
                .annotate(vendors=models.Count("vendor_id", distinct=True))
                .filter(vendors__gt=1)
                .values("certificate_id")
            )
            return self.filter(status__in=LIVE, certificate_id__in=contested)

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate claim")
        verbose_name_plural = _("certificate claims")
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["certificate", "vendor"], name="certificate_claim_once_per_vendor"),
            models.UniqueConstraint(
                fields=["certificate"], condition=Q(status="accepted"), name="certificate_claim_one_accepted"
            ),
            models.CheckConstraint(
                name="certificate_claim_status_valid", condition=Q(status__in=["pending", "accepted", "rejected"])
            ),
            models.CheckConstraint(
                name="certificate_claim_accepted_has_basis", condition=~Q(status="accepted") | ~Q(basis="")
            ),
        ]
        indexes = [models.Index(fields=["status", "certificate"], name="cert_claim_status")]
        # Who a certificate belongs to is the province's record, like a vendor's name and credit code.
        rules_permissions = {
            "view": p.rules.is_authenticated,
            "add": p.is_superuser | p.is_admin | p.is_vendor_user,
            "change": p.is_superuser | p.is_provincial_admin,
            "decide": p.is_superuser | p.is_provincial_admin,
            "delete": p.is_superuser,
        }

    def __str__(self) -> str:
        return f"{self.vendor} · {self.certificate}"

    @property
    def basis_text(self) -> str:
        """Why the claim stands, in words: its basis once accepted; "not decided" while pending; for a
        rejected claim, that the provincial office rejected it (its reason is on the claim's page)."""
        if self.status == ClaimStatus.REJECTED:
            return gettext("Rejected by the provincial office")
        return self.get_basis_display()

    def get_absolute_url(self) -> str:
        return reverse("certificates:claim_detail", args=[self.pk])


class CertificateUpload(BaseModel):
    """One uploaded certificate file: stored, then processed in the request or, when it holds many
    certificates, by a Celery worker that reports its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Processing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed, nothing stored")

    file = models.FileField(_("file"), upload_to="certificates/uploads/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    vendor = models.ForeignKey(
        "supervision.CAVendor", on_delete=models.PROTECT, related_name="+", verbose_name=_("CA vendor")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("uploaded by")
    )
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("certificates in the file"), default=0)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = UploaderQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate upload")
        verbose_name_plural = _("certificate uploads")
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="certificate_upload_status_valid", condition=Q(status__in=["queued", "running", "done", "failed"])
            ),
        ]
        rules_permissions = {
            "view": p.rules.is_authenticated,
            "add": p.is_superuser | p.is_admin | p.is_vendor_user,
            "change": p.is_superuser,
            "delete": p.is_superuser,
        }

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("certificates:upload_detail", args=[self.pk])

    @property
    def running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def failed(self) -> bool:
        return self.status == self.Status.FAILED
