"""Public criticism (通报批评): drafted from escalated cases, approved and published by the province."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.accounts import predicates as p
from portal.models import BaseModel, ScopedQuerySet


class Criticism(BaseModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PROPOSED = "proposed", _("Proposed by a city")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")

    number = models.CharField(_("document number"), max_length=60, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    cases = models.ManyToManyField(
        "supervision.RectificationCase", related_name="criticisms", verbose_name=_("escalated cases")
    )
    region = models.ForeignKey(
        "supervision.Region", to_field="code", on_delete=models.PROTECT, related_name="+", verbose_name=_("drafted in")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("drafted by")
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="criticism/", blank=True)

    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            if scope.is_provincial:
                return scope.regions_q("region") | Q(status="published")
            if scope.is_admin:
                return Q(region_id=scope.region_code) | Q(status="published")
            return Q(status="published")

        def published(self):
            return self.filter(status=Criticism.Status.PUBLISHED)

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("public criticism")
        verbose_name_plural = _("public criticisms")
        ordering = ["-published_at", "-created", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="criticism_status_valid", condition=Q(status__in=["draft", "proposed", "approved", "published"])
            ),
            models.CheckConstraint(
                name="criticism_published_has_time", condition=~Q(status="published") | Q(published_at__isnull=False)
            ),
        ]
        rules_permissions = {
            "view": p.rules.is_authenticated,
            "add": p.is_superuser | p.is_admin,
            "change": p.is_superuser
            | (p.is_provincial_admin & p.rules.predicate(lambda u, c: c is None or c.status != "published"))
            | (
                p.is_admin
                & p.rules.predicate(
                    lambda u, c: c is None or (c.status in ("draft", "proposed") and c.region_id == u.region_id)
                )
            ),
            "publish": p.is_superuser | p.is_provincial_admin,
            "delete": p.is_superuser,
        }

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("supervision:criticism_detail", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("supervision:public_criticism", args=[self.pk])
