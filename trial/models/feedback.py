"""Bidders' feedback on the trial (市场主体意见建议反映渠道): sent without an account, followed by an
unguessable tracking number, triaged by the administrators of the platform's region."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.accounts import predicates as p
from portal.models import BaseModel, ScopedQuerySet
from trial.models.rounds import platform_in_scope

# No 0/O, 1/I/L: a number read over the phone is copied right.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_tracking_number() -> str:
    """FB-XXXX-XXXX-XXXX-XXXX: 16 random characters of 31 (about 79 bits), so numbers cannot be guessed."""
    chars = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(16))
    return "FB-" + "-".join(chars[i : i + 4] for i in range(0, 16, 4))


class Feedback(BaseModel):
    class Category(models.TextChoices):
        REFUSAL = "refusal", _("A platform refused a network-shared certificate")
        TECHNICAL_BARRIER = "technical_barrier", _("A platform modified the standard or set a technical barrier")
        PROHIBITED_FEE = "prohibited_fee", _("A prohibited fee was charged")
        DECRYPTION = "decryption", _("Decryption failed")
        SUGGESTION = "suggestion", _("Suggestion")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received, being examined")
        ANSWERED = "answered", _("Answered")
        FINDING = "finding", _("Taken up as a finding")
        CLOSED = "closed", _("Closed")

    tracking_number = models.CharField(
        _("tracking number"), max_length=24, unique=True, default=new_tracking_number, editable=False
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    platform = models.ForeignKey(
        "supervision.Platform", on_delete=models.PROTECT, related_name="feedback", verbose_name=_("platform")
    )
    vendor = models.ForeignKey(
        "supervision.CAVendor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback",
        verbose_name=_("CA vendor"),
    )
    description = models.TextField(_("description"))
    attachment = models.FileField(_("attachment"), upload_to="trial/feedback/%Y/%m/", blank=True)
    attachment_name = models.CharField(_("attachment name"), max_length=200, blank=True)
    contact = models.CharField(
        _("how to reach you (optional)"),
        max_length=200,
        blank=True,
        help_text=_("A phone number or an e-mail address."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    finding = models.ForeignKey(
        "supervision.Finding",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("finding"),
    )
    national_attention = models.BooleanField(_("needs national attention"), default=False)
    national_note = models.TextField(_("note for the national office"), blank=True)
    marked_at = models.DateTimeField(_("marked at"), null=True, blank=True)
    sender_hash = models.CharField(_("sender (hashed address)"), max_length=64, blank=True, editable=False)

    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            # Only the administrators of the platform's region triage (and see) feedback; the national
            # office sees what they marked for its attention (需要国家层面统筹解决的).
            if scope.is_national:
                return Q(national_attention=True)
            return scope.regions_q("platform__region") if scope.is_admin else Q(pk__in=[])

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("bidder feedback")
        verbose_name_plural = _("bidder feedback")
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="feedback_category_valid",
                condition=Q(
                    category__in=[
                        "refusal",
                        "technical_barrier",
                        "prohibited_fee",
                        "decryption",
                        "suggestion",
                        "other",
                    ]
                ),
            ),
            models.CheckConstraint(
                name="feedback_status_valid", condition=Q(status__in=["received", "answered", "finding", "closed"])
            ),
        ]
        rules_permissions = {
            "view": p.is_superuser | p.is_admin | p.is_national_admin,
            "add": p.rules.always_allow,
            "change": p.is_superuser | (p.is_admin & platform_in_scope),
            "delete": p.is_superuser,
        }

    def __str__(self) -> str:
        return self.tracking_number

    def get_absolute_url(self) -> str:
        return reverse("trial:feedback_detail", args=[self.pk])
