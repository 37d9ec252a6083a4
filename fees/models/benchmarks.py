"""The province's lowest fee standard (全省最低收费标准), frozen by the provincial administrator."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.accounts import predicates as p
from portal.models import BaseModel, ScopedQuerySet


class BenchmarkQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return None  # the benchmark is public


@p.rules.predicate
def own_province(user, benchmark) -> bool:
    return benchmark is None or (user.region_id is not None and user.region_id == benchmark.province_id)


class Benchmark(BaseModel):
    """A confirmed benchmark amount for one province, product and fee item, with its provenance:
    the filing line (hence vendor and filing) and the city-level region where it was in force."""

    province = models.ForeignKey(
        "supervision.Region",
        to_field="code",
        on_delete=models.PROTECT,
        related_name="fee_benchmarks",
        verbose_name=_("province"),
    )
    product = models.ForeignKey("fees.ProductKind", on_delete=models.PROTECT, verbose_name=_("product"))
    item = models.ForeignKey("fees.FeeItem", on_delete=models.PROTECT, verbose_name=_("fee item"))
    reference_date = models.DateField(_("reference date"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    source_line = models.ForeignKey(
        "fees.FeeFilingLine",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("source filing line"),
    )
    source_region = models.ForeignKey(
        "supervision.Region",
        to_field="code",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("source city"),
    )
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("frozen by")
    )
    frozen_at = models.DateTimeField(_("frozen at"))
    reason = models.TextField(
        _("reason for the decision"),
        blank=True,
        help_text=_("Required to change or remove a frozen value; the change history keeps every decision."),
    )

    objects = BenchmarkQuerySet.as_manager()

    class Meta:
        verbose_name = _("benchmark")
        verbose_name_plural = _("benchmarks")
        ordering = ["province", "product__order", "item__order"]
        constraints = [
            models.UniqueConstraint(fields=["province", "product", "item"], name="benchmark_one_per_item"),
            models.CheckConstraint(name="benchmark_amount_not_negative", condition=Q(amount__gte=0)),
        ]
        # The benchmark is the province's (豫公管办〔2019〕23号 三): only its own provincial office
        # freezes, replaces or removes a value; a city reads it.
        rules_permissions = {
            "view": p.rules.always_allow,
            "add": p.is_superuser | (p.is_provincial_admin & own_province),
            "change": p.is_superuser | (p.is_provincial_admin & own_province),
            "delete": p.is_superuser | (p.is_provincial_admin & own_province),
        }

    def __str__(self) -> str:
        return f"{self.province.name} · {self.product.name} · {self.item.name} · {self.amount}"
