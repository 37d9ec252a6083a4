"""A platform's trust list: the CA certificates it actually accepts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from certificates import predicates as cp
from portal.accounts import predicates as p
from portal.models import BaseModel, ScopedQuerySet
from supervision.models import supervised_party_ids


class TrustListEntry(BaseModel):
    platform = models.ForeignKey(
        "supervision.Platform", on_delete=models.CASCADE, related_name="trust_list", verbose_name=_("platform")
    )
    certificate = models.ForeignKey(
        "certificates.CACertificate",
        on_delete=models.PROTECT,
        related_name="trusted_by",
        verbose_name=_("CA certificate"),
    )
    note = models.CharField(_("notes"), max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    is_demo = models.BooleanField(_("demonstration data (示例)"), default=False)

    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            if scope.is_admin:
                return Q(platform__in=supervised_party_ids(scope).platforms)
            if scope.platform_id:
                return Q(platform_id=scope.platform_id)
            return Q(certificate__vendor_id=scope.vendor_id)  # where the vendor's certificates are trusted

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("trust-list entry")
        verbose_name_plural = _("trust-list entries")
        ordering = ["platform__name", "certificate__subject"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "certificate"], name="trust_list_entry_once"),
        ]
        rules_permissions = {
            "view": p.rules.is_authenticated,
            "add": p.is_superuser | p.is_admin | p.is_platform_operator,
            "change": p.is_superuser | (p.is_admin & cp.platform_region_in_scope) | cp.own_platform_object,
            "delete": p.is_superuser | (p.is_admin & cp.platform_region_in_scope) | cp.own_platform_object,
        }

    def __str__(self) -> str:
        return f"{self.platform} · {self.certificate}"

    def get_absolute_url(self) -> str:
        return reverse("certificates:trustlistentry_detail", args=[self.pk])
