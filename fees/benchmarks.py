"""The benchmark (全省最低收费标准): for a province, product and fee item, the lowest amount in force
on a prefecture-level city's (省辖市) platform before the reduction, with where it comes from
(vendor, city, filing line). The pool and the date are read from 豫公管办〔2019〕23号 三; see
``fees.clauses``. Once the provincial administrator freezes a value, the rules use it and only a
recorded decision with a reason changes it."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from fees import clauses as rules
from fees.models import Benchmark, FeeItem, FeePolicy
from fees.regions import RegionTree
from fees.tariffs import Tariff, tariffs_in_force
from supervision.models import Directive

FROZEN = "frozen"
COMPUTED = "computed"


@dataclass(frozen=True)
class BenchmarkValue:
    province: str
    product_id: int
    item_id: int
    amount: Decimal
    source: str  # FROZEN or COMPUTED
    line_id: int
    filing_id: int
    vendor_id: int
    region: str  # the 省辖市 where the amount was in force
    reference_date: datetime.date  # the day whose standards are "目前" (before the reduction)
    ties: int = 1  # how many vendor × city pairs share the lowest amount
    frozen_at: datetime.datetime | None = None
    reason: str = ""

    @property
    def basis(self) -> rules.Basis:
        return rules.BENCHMARK


class FrozenBenchmarkChange(ValueError):
    """A frozen benchmark changes only by a recorded decision with a reason."""


def policy_for(province: str) -> FeePolicy | None:
    return FeePolicy.objects.filter(province_id=province).first()


def benchmark_date(policy: FeePolicy) -> datetime.date:
    """The day whose standards are "目前": the directive's date of issue if recorded, else the day
    before the reduction (``policy.reference_date``)."""
    issued_on = Directive.objects.filter(number=policy.directive_number).values_list("issued_on", flat=True).first()
    return rules.benchmark_date(policy.reference_date, issued_on)


def compute_benchmarks(
    province: str, reference_date: datetime.date | None = None, tree: RegionTree | None = None
) -> dict[tuple[int, int], BenchmarkValue]:
    """(product, item) → the lowest amount in force on a 省辖市's platform on the benchmark date.

    Only filings made for the 省辖市 itself count (no province-wide filing, no 省直管县（市）), and
    never one effective on or after the reduction date: a later ``reference_date`` is brought back
    to the benchmark date. Prohibited items have no benchmark (they must not be charged at all).
    Among equal amounts the provenance names the oldest standard (then the first vendor and city by
    id and code) and ``ties`` counts the others.
    """
    tree = tree or RegionTree()
    policy = policy_for(province)
    if policy is None:
        return {}
    latest = benchmark_date(policy)
    reference_date = latest if reference_date is None else min(reference_date, latest)
    pool = tree.prefecture_cities(province, province_governed_cities=policy.province_governed_cities_count)
    allowed_items = list(FeeItem.objects.filter(prohibited=False).values_list("pk", flat=True))
    tariffs = tariffs_in_force(reference_date, pool, items=allowed_items, tree=tree, own_filings_only=True)
    lowest: dict[tuple[int, int], tuple[tuple, Tariff, str, int]] = {}
    for (vendor_id, region, product_id, item_id), tariff in tariffs.items():
        key = (product_id, item_id)
        order = (tariff.amount, tariff.effective_date, vendor_id, region)
        current = lowest.get(key)
        if current is None:
            lowest[key] = (order, tariff, region, 1)
        elif tariff.amount == current[1].amount:
            ties = current[3] + 1
            lowest[key] = (order, tariff, region, ties) if order < current[0] else (*current[:3], ties)
        elif order < current[0]:
            lowest[key] = (order, tariff, region, 1)
    return {
        key: BenchmarkValue(
            province=province,
            product_id=key[0],
            item_id=key[1],
            amount=tariff.amount,
            source=COMPUTED,
            line_id=tariff.line_id,
            filing_id=tariff.filing_id,
            vendor_id=tariff.vendor_id,
            region=region,
            reference_date=reference_date,
            ties=ties,
        )
        for key, (_, tariff, region, ties) in lowest.items()
    }


def frozen_benchmarks(province: str) -> dict[tuple[int, int], BenchmarkValue]:
    values = {}
    for row in Benchmark.objects.filter(province_id=province).select_related("source_line__filing"):
        values[(row.product_id, row.item_id)] = BenchmarkValue(
            province=province,
            product_id=row.product_id,
            item_id=row.item_id,
            amount=row.amount,
            source=FROZEN,
            line_id=row.source_line_id,
            filing_id=row.source_line.filing_id,
            vendor_id=row.source_line.filing.vendor_id,
            region=row.source_region_id,
            reference_date=row.reference_date,
            frozen_at=row.frozen_at,
            reason=row.reason,
        )
    return values


def effective_benchmarks(province: str, tree: RegionTree | None = None) -> dict[tuple[int, int], BenchmarkValue]:
    """What the rules hold filings against: the frozen value where there is one, else the computed one."""
    if policy_for(province) is None:
        return {}
    values = compute_benchmarks(province, tree=tree)
    values.update(frozen_benchmarks(province))
    return values


class BenchmarkCache:
    """Effective benchmarks per province, computed once per sweep or submission."""

    def __init__(self, tree: RegionTree | None = None):
        self.tree = tree or RegionTree()
        self._values: dict[str, dict] = {}
        self._policies = {p.province_id: p for p in FeePolicy.objects.all()}

    def policy(self, province: str | None) -> FeePolicy | None:
        return self._policies.get(province) if province else None

    def of(self, province: str) -> dict[tuple[int, int], BenchmarkValue]:
        """The province's benchmarks by (product, fee item)."""
        if province not in self._values:
            self._values[province] = effective_benchmarks(province, tree=self.tree) if self.policy(province) else {}
        return self._values[province]

    def get(self, province: str, product_id: int, item_id: int) -> BenchmarkValue | None:
        return self.of(province).get((product_id, item_id))


@transaction.atomic
def freeze(province: str, user, keys: list[tuple[int, int]] | None = None, reason: str = "") -> int:
    """Freeze the computed benchmark (all of it, or the given (product, item) pairs); returns how many
    rows were written. Confirming a value not yet frozen needs no reason; replacing a frozen value
    by a different one is a decision and needs ``reason`` (else ``FrozenBenchmarkChange``, nothing
    written). The previous value, who decided, when and why stay in the change history."""
    policy = policy_for(province)
    if policy is None:
        return 0
    reason = reason.strip()
    computed = compute_benchmarks(province)
    existing = {(row.product_id, row.item_id): row for row in Benchmark.objects.filter(province_id=province)}
    now = timezone.now()
    written = 0
    for key, value in computed.items():
        if keys is not None and key not in keys:
            continue
        row = existing.get(key)
        if row is not None and (row.amount, row.source_line_id) == (value.amount, value.line_id):
            continue  # already frozen at this value
        if row is not None and not reason:
            raise FrozenBenchmarkChange(
                f"The frozen benchmark {row.amount} for {key} changes to {value.amount} only with a reason."
            )
        row = row or Benchmark(province_id=province, product_id=key[0], item_id=key[1])
        row.reference_date = value.reference_date
        row.amount = value.amount
        row.source_line_id = value.line_id
        row.source_region_id = value.region
        row.frozen_by = user
        row.frozen_at = now
        row.reason = reason
        row._history_user = user
        row._change_reason = (reason or gettext_noop("confirmed"))[:100]
        row.save()
        written += 1
    return written


@transaction.atomic
def unfreeze(province: str, user, keys: list[tuple[int, int]] | None = None, reason: str = "") -> int:
    """Remove frozen values (a decision: ``reason`` is required and kept in the change history)."""
    reason = reason.strip()
    if not reason:
        raise FrozenBenchmarkChange("A frozen benchmark is removed only with a reason.")
    deleted = 0
    for row in Benchmark.objects.filter(province_id=province):
        if keys is None or (row.product_id, row.item_id) in keys:
            row._history_user = user
            row._change_reason = reason[:100]
            row.reason = reason
            row.save(update_fields=["reason", "updated"])
            row.delete()
            deleted += 1
    return deleted
