"""Supervision letters (督办函): an office urges the party of an overdue duty that has no case yet, with
a document number (文号) from the office's own sequence, a new date to report by, and the letter as a PDF.
One row per issue: a second letter about the same duty is a new row with a new number."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts import predicates as p
from portal.models import BaseModel, ParentScopedQuerySet


class SupervisionLetterQuerySet(ParentScopedQuerySet):
    parent = "obligation"  # whoever may see the duty sees the letters about it (its party included)


class SupervisionLetter(BaseModel):
    obligation = models.ForeignKey(
        "supervision.Obligation", on_delete=models.PROTECT, related_name="letters", verbose_name=_("obligation")
    )
    number = models.CharField(_("document number (文号)"), max_length=60)
    issuing_authority = models.ForeignKey(
        "supervision.Authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issuing authority"),
    )
    requirement = models.TextField(_("requirement"), blank=True)
    respond_by = models.DateField(_("report by"))
    days_overdue = models.PositiveIntegerField(_("days overdue on issue"), null=True, blank=True)
    pdf = models.FileField(_("supervision letter (PDF)"), upload_to="supervision/letters/%Y/", blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("issued by")
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    is_demo = models.BooleanField(_("demonstration data (示例)"), default=False)

    objects = SupervisionLetterQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision letter (督办函)")
        verbose_name_plural = _("supervision letters (督办函)")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="letter_has_a_number", condition=~Q(number="")),
        ]
        rules_permissions = {
            "view": p.rules.is_authenticated,
            # Issued from the duty's page, by whoever may supervise the duty (Obligation "supervise").
            "add": p.is_superuser | p.is_admin,
            "change": p.is_superuser,
            "delete": p.is_superuser,
        }

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("supervision:obligation_detail", args=[self.obligation_id]) + f"#letter-{self.pk}"
