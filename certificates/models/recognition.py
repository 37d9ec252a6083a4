"""Recognition (互认): whether platform P accepts vendor V's certificates (and seals), how far the work
has gone, who moved it and with what evidence. Status changes go through ``certificates.workflow``."""

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificates import predicates as cp
from certificates.uploads import validate_evidence
from portal.accounts import predicates as p
from portal.models import BaseModel, ScopedQuerySet
from supervision.models import supervised_party_ids


class RecognitionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    TESTING = "testing", _("Testing")
    DONE = "done", _("Done")
    VERIFIED = "verified", _("Verified")


STATUS_ORDER = [choice.value for choice in RecognitionStatus]


class RecognitionScope(models.TextChoices):
    SAME_VENDOR = "same_vendor", _("Same vendor (同一机构互认)")
    CROSS_VENDOR = "cross_vendor", _("Cross vendor (不同机构互认)")


def record_scope_q(scope, prefix: str = "") -> Q:
    """Records a scope covers: vendors their own, operators their platform's, admins their regions'."""
    if scope.is_admin:
        return Q(**{f"{prefix}platform__in": supervised_party_ids(scope).platforms})
    if scope.platform_id:
        return Q(**{f"{prefix}platform_id": scope.platform_id})
    return Q(**{f"{prefix}vendor_id": scope.vendor_id})


class RecognitionRecord(BaseModel):
    vendor = models.ForeignKey(
        "supervision.CAVendor",
        on_delete=models.PROTECT,
        related_name="recognition_records",
        verbose_name=_("CA vendor"),
    )
    platform = models.ForeignKey(
        "supervision.Platform",
        on_delete=models.PROTECT,
        related_name="recognition_records",
        verbose_name=_("platform"),
    )
    scope = models.CharField(
        _("scope"), max_length=20, choices=RecognitionScope.choices, default=RecognitionScope.SAME_VENDOR
    )
    other_vendor = models.ForeignKey(
        "supervision.CAVendor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("other vendor"),
        help_text=_("For cross-vendor recognition: the vendor whose certificates are recognised together."),
    )
    seals_included = models.BooleanField(_("seals included"), default=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RecognitionStatus.choices, default=RecognitionStatus.NOT_STARTED
    )
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    confirmed_by_platform = models.BooleanField(_("confirmed by the platform"), default=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    notes = models.TextField(_("notes"), blank=True)
    is_demo = models.BooleanField(_("demonstration data (示例)"), default=False)

    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            return record_scope_q(scope)

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("recognition record")
        verbose_name_plural = _("recognition records")
        ordering = ["pk"]
        constraints = [
            # Exactly one row per vendor × platform × scope × seals (× other vendor for cross-vendor).
            models.UniqueConstraint(
                fields=["vendor", "platform", "scope", "seals_included"],
                condition=Q(other_vendor__isnull=True),
                name="recognition_once_without_other_vendor",
            ),
            models.UniqueConstraint(
                fields=["vendor", "platform", "scope", "seals_included", "other_vendor"],
                condition=Q(other_vendor__isnull=False),
                name="recognition_once_per_other_vendor",
            ),
            models.CheckConstraint(
                name="recognition_other_vendor_matches_scope",
                condition=Q(scope="same_vendor", other_vendor__isnull=True)
                | (Q(scope="cross_vendor", other_vendor__isnull=False) & ~Q(other_vendor=F("vendor"))),
            ),
            models.CheckConstraint(name="recognition_status_valid", condition=Q(status__in=STATUS_ORDER)),
            models.CheckConstraint(
                name="recognition_verified_was_confirmed",
                condition=~Q(status="verified") | Q(confirmed_by_platform=True),
            ),
        ]
        indexes = [
            models.Index(fields=["vendor", "platform"], name="recognition_vendor_platform"),
            models.Index(fields=["platform", "status"], name="recognition_platform_status"),
            # The records confirmed and awaiting verification, the longest waiting first (the dashboard).
            models.Index(
                fields=["confirmed_at", "id"],
                name="recognition_to_verify",
                condition=Q(status="done", confirmed_by_platform=True),
            ),
        ]
        rules_permissions = {
            "view": p.rules.is_authenticated,
            "add": p.is_superuser | p.is_admin | p.is_vendor_user,
            "change": p.is_superuser | (p.is_admin & cp.platform_region_in_scope) | cp.own_vendor_object,
            "delete": p.is_superuser | (p.is_provincial_admin & cp.platform_region_in_scope),
        }

    def __str__(self) -> str:
        label = f"{self.vendor.short_name} @ {self.platform}"
        if self.other_vendor_id:
            label += f" ↔ {self.other_vendor.short_name}"
        return label

    def get_absolute_url(self) -> str:
        return reverse("certificates:recognitionrecord_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.scope == RecognitionScope.SAME_VENDOR and self.other_vendor_id:
            raise ValidationError({"other_vendor": _("Same-vendor recognition names no other vendor.")})
        if self.scope == RecognitionScope.CROSS_VENDOR:
            if not self.other_vendor_id:
                raise ValidationError({"other_vendor": _("Cross-vendor recognition names the other vendor.")})
            if self.other_vendor_id == self.vendor_id:
                raise ValidationError({"other_vendor": _("The other vendor must be a different vendor.")})
        if self.vendor_id and self.platform_id and self.scope:
            twins = RecognitionRecord.objects.filter(
                vendor_id=self.vendor_id,
                platform_id=self.platform_id,
                scope=self.scope,
                seals_included=self.seals_included,
                other_vendor_id=self.other_vendor_id,
            ).exclude(pk=self.pk)
            if twins.exists():
                raise ValidationError(
                    _("There is already a recognition record for this vendor, platform, scope and seals.")
                )

    @property
    def status_rank(self) -> int:
        return STATUS_ORDER.index(self.status)


class RecognitionEvent(models.Model):
    """One step of a record's workflow: who moved it from what to what, when, and why."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        ADVANCE = "advance", _("Moved forward")
        CONFIRM = "confirm", _("Confirmed by the platform")
        VERIFY = "verify", _("Verified")
        RETURN = "return", _("Returned for rework")

    record = models.ForeignKey(
        RecognitionRecord, on_delete=models.CASCADE, related_name="events", verbose_name=_("recognition record")
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=RecognitionStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=RecognitionStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("notes"), blank=True)
    via = models.CharField(_("via"), max_length=20, blank=True, help_text=_("web, api, import or seed"))

    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            return record_scope_q(scope, "record__")

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("recognition event")
        verbose_name_plural = _("recognition events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}：{self.from_status or '—'} → {self.to_status}"


class RecognitionEvidence(models.Model):
    class Kind(models.TextChoices):
        TEST_REPORT = "test_report", _("Test report")
        SAMPLE_SIGNED = "sample_signed", _("Sample signed file")
        OTHER = "other", _("Other")

    record = models.ForeignKey(
        RecognitionRecord, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("recognition record")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="recognition/%Y/%m/", validators=[validate_evidence])
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            return record_scope_q(scope, "record__")

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name or self.file.name

    def save(self, *args, **kwargs):
        if self.file and not self.original_name:
            self.original_name = PurePath(self.file.name).name[:200]
        if self.file and not self.size:
            self.size = self.file.size
        super().save(*args, **kwargs)
