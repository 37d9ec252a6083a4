"""The benchmark (全省最低收费标准): for a province, product and fee item, the lowest amount in force
on any city-level platform of the province on the reference date, with where it comes from."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from fees.models import Benchmark, FeeItem, FeePolicy
from fees.regions import RegionTree
from fees.tariffs import Tariff, tariffs_in_force

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
    region: str  # the city-level region where the amount was in force
    reference_date: datetime.date
    ties: int = 1  # how many vendor × city pairs share the lowest amount
    frozen_at: datetime.datetime | None = None


def policy_for(province: str) -> FeePolicy | None:
    return FeePolicy.objects.filter(province_id=province).first()


def compute_benchmarks(
    province: str, reference_date: datetime.date | None = None, tree: RegionTree | None = None
) -> dict[tuple[int, int], BenchmarkValue]:
    """(product, item) → the lowest amount in force on a city-level platform on the reference date.

    Prohibited items have no benchmark (they must not be charged at all). Among equal amounts the
    provenance names the oldest standard (then the first vendor and city by id and code) and
    ``ties`` counts the others.
    """
    tree = tree or RegionTree()
    if reference_date is None:
        policy = policy_for(province)
        if policy is None:
            return {}
        reference_date = policy.reference_date
    allowed_items = list(FeeItem.objects.filter(prohibited=False).values_list("pk", flat=True))
    tariffs = tariffs_in_force(reference_date, tree.city_level(province), items=allowed_items, tree=tree)
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

    def get(self, province: str, product_id: int, item_id: int) -> BenchmarkValue | None:
        if province not in self._values:
            self._values[province] = effective_benchmarks(province, tree=self.tree) if self.policy(province) else {}
        return self._values[province].get((product_id, item_id))


@transaction.atomic
def freeze(province: str, user, keys: list[tuple[int, int]] | None = None) -> int:
    """Freeze the computed benchmark (all of it, or the given (product, item) pairs); returns how
    many rows were written. The previous frozen value stays in the change history."""
    policy = policy_for(province)
    if policy is None:
        return 0
    computed = compute_benchmarks(province, policy.reference_date)
    now = timezone.now()
    written = 0
    for key, value in computed.items():
        if keys is not None and key not in keys:
            continue
        row = Benchmark.objects.filter(province_id=province, product_id=key[0], item_id=key[1]).first() or Benchmark(
            province_id=province, product_id=key[0], item_id=key[1]
        )
        row.reference_date = value.reference_date
        row.amount = value.amount
        row.source_line_id = value.line_id
        row.source_region_id = value.region
        row.frozen_by = user
        row.frozen_at = now
        row._history_user = user
        row.save()
        written += 1
    return written


@transaction.atomic
def unfreeze(province: str, user, keys: list[tuple[int, int]] | None = None) -> int:
    rows = Benchmark.objects.filter(province_id=province)
    deleted = 0
    for row in rows:
        if keys is None or (row.product_id, row.item_id) in keys:
            row._history_user = user
            row.delete()
            deleted += 1
    return deleted
