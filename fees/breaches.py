"""The fee rules. Each returns breaches as plain data; ``fees.findings`` turns them into findings.

From a province's reference date (Henan: 2019-08-15):
- an amount above the benchmark is an over-charge (以下 includes the figure itself: equal is allowed);
- any amount above zero on a prohibited item (重复办理, 异地用户开通费, 变更名称费 …) is a breach;
- a fee charged again for each further platform of the province is a repeated charge.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet

from fees import clauses as rules
from fees.benchmarks import BenchmarkCache
from fees.models import FeeFiling, FeeFilingLine, FeeItem
from fees.regions import RegionTree
from portal.bulk import among

OVERCHARGE = "overcharge"
PROHIBITED = "prohibited_fee"
REPEATED = "repeated_charge"


@dataclass(frozen=True)
class LineFacts:
    """What the rules need to know about one filing line."""

    line_id: int
    filing_id: int
    vendor_id: int
    region: str
    effective_date: datetime.date
    product_id: int
    item_id: int
    amount: Decimal
    per_platform: bool = False


LINE_FACT_FIELDS = (
    "pk",
    "filing_id",
    "filing__vendor_id",
    "filing__region_id",
    "filing__effective_date",
    "product_id",
    "item_id",
    "amount",
    "per_platform",
)


def line_facts(lines: QuerySet) -> list[LineFacts]:
    return [LineFacts(*row) for row in lines.order_by().values_list(*LINE_FACT_FIELDS)]


def tariff_facts(tariff) -> LineFacts:
    """A tariff in force (``fees.tariffs.Tariff``) as rule input."""
    return LineFacts(
        tariff.line_id,
        tariff.filing_id,
        tariff.vendor_id,
        tariff.filing_region,
        tariff.effective_date,
        tariff.product_id,
        tariff.item_id,
        tariff.amount,
        tariff.per_platform,
    )


@dataclass(frozen=True)
class Breach:
    kind: str
    line_id: int
    filing_id: int
    vendor_id: int
    region: str
    product_id: int
    item_id: int
    amount: Decimal
    benchmark: Decimal | None = None
    benchmark_source: str = ""
    benchmark_line_id: int | None = None
    forbidden_by: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def excess(self) -> Decimal | None:
        return None if self.benchmark is None else self.amount - self.benchmark

    @classmethod
    def from_facts(cls, kind: str, facts: dict) -> "Breach":
        """The breach a finding of the fee rules recorded (``facts()`` read back)."""
        benchmark = facts.get("benchmark")
        return cls(
            kind=kind,
            line_id=facts["filing_line_id"],
            filing_id=facts["filing_id"],
            vendor_id=facts["vendor_id"],
            region=facts["region"],
            product_id=facts["product_id"],
            item_id=facts["item_id"],
            amount=Decimal(facts["amount"]),
            benchmark=None if benchmark is None else Decimal(benchmark),
            benchmark_source=facts.get("benchmark_source", ""),
            benchmark_line_id=facts.get("benchmark_line_id"),
            forbidden_by=facts.get("forbidden_by", ""),
        )

    @property
    def dedup_key(self) -> str:
        return f"{self.kind}:{self.line_id}"

    def facts(self) -> dict:
        """JSON-safe facts for the finding (amounts as strings: money never becomes a float)."""
        data = {
            "rule": self.kind,
            "filing_id": self.filing_id,
            "filing_line_id": self.line_id,
            "vendor_id": self.vendor_id,
            "region": self.region,
            "product_id": self.product_id,
            "item_id": self.item_id,
            "amount": str(self.amount),
        }
        if self.benchmark is not None:
            data |= {
                "benchmark": str(self.benchmark),
                "excess": str(self.excess),
                "benchmark_source": self.benchmark_source,
                "benchmark_line_id": self.benchmark_line_id,
            }
        if self.forbidden_by:
            data["forbidden_by"] = self.forbidden_by
        return data | self.basis.as_facts() | self.extra

    @property
    def basis(self) -> rules.Basis:
        return rules.OVERCHARGE if self.kind == OVERCHARGE else rules.PROHIBITED_FEE


class RuleBook:
    """Evaluates lines against the rules, with the catalogue and benchmarks loaded once."""

    def __init__(self, tree: RegionTree | None = None, benchmarks: BenchmarkCache | None = None):
        self.tree = tree or RegionTree()
        self.benchmarks = benchmarks or BenchmarkCache(self.tree)
        self.items = {item.pk: item for item in FeeItem.objects.all()}

    def applies(self, line: LineFacts, on_date: datetime.date | None) -> str | None:
        """The province whose policy governs the line on ``on_date`` (or from the line's own
        effective date when no date is given), or None when no rule applies yet."""
        return self.governing(line.region, on_date or line.effective_date)

    def governing(self, region: str, when: datetime.date) -> str | None:
        """The province whose policy governs a line of ``region`` on ``when``, or None."""
        province = self.tree.province_of(region)
        policy = self.benchmarks.policy(province)
        if policy is None:
            return None
        return province if when >= policy.reference_date else None

    def evaluate(self, line: LineFacts, on_date: datetime.date | None = None) -> list[Breach]:
        province = self.applies(line, on_date)
        if province is None or line.amount <= 0:
            return []
        item = self.items[line.item_id]
        common = {
            "line_id": line.line_id,
            "filing_id": line.filing_id,
            "vendor_id": line.vendor_id,
            "region": line.region,
            "product_id": line.product_id,
            "item_id": line.item_id,
            "amount": line.amount,
        }
        breaches = []
        if item.prohibited:
            breaches.append(Breach(PROHIBITED, forbidden_by=item.forbidden_by_number, **common))
        else:
            benchmark = self.benchmarks.get(province, line.product_id, line.item_id)
            if benchmark is not None and line.amount > benchmark.amount:
                breaches.append(
                    Breach(
                        OVERCHARGE,
                        benchmark=benchmark.amount,
                        benchmark_source=benchmark.source,
                        benchmark_line_id=benchmark.line_id,
                        **common,
                    )
                )
        if line.per_platform:
            breaches.append(Breach(REPEATED, **common))
        return breaches

    def evaluate_all(self, lines: Iterable[LineFacts], on_date: datetime.date | None = None) -> list[Breach]:
        return [breach for line in lines for breach in self.evaluate(line, on_date)]

    def evaluate_filings(self, filing_ids: Iterable[int]) -> list[Breach]:
        """The breaches of the filings' lines, each as of its filing's effective date (the check on
        submission), set-based: the database reads only the lines that may breach (an amount above zero
        on a prohibited item, charged per platform, or above its province's benchmark), one query per
        province, and ``evaluate`` decides on each as on any line."""
        filings = {}
        by_province = defaultdict(list)
        rows = FeeFiling.objects.filter(among(FeeFiling, "pk", filing_ids)).order_by()
        for pk, vendor_id, region, effective in rows.values_list("pk", "vendor_id", "region_id", "effective_date"):
            province = self.governing(region, effective)
            if province is not None:
                filings[pk] = (vendor_id, region, effective)
                by_province[province].append(pk)
        prohibited = [pk for pk, item in self.items.items() if item.prohibited]
        facts = []
        for province, ids in by_province.items():
            may_breach = Q(per_platform=True) | Q(item_id__in=prohibited)
            for (product_id, item_id), benchmark in self.benchmarks.of(province).items():
                may_breach |= Q(product_id=product_id, item_id=item_id, amount__gt=benchmark.amount)
            lines = FeeFilingLine.objects.filter(among(FeeFilingLine, "filing_id", ids), may_breach, amount__gt=0)
            facts += [
                LineFacts(pk, filing_id, *filings[filing_id], product_id, item_id, amount, per_platform)
                for pk, filing_id, product_id, item_id, amount, per_platform in lines.order_by("pk").values_list(
                    "pk", "filing_id", "product_id", "item_id", "amount", "per_platform"
                )
            ]
        return self.evaluate_all(facts)
