"""Differences between successive filings of one vendor for one region (versions of its price list)."""

from dataclasses import dataclass
from decimal import Decimal

from fees.models import FeeFiling, FeeFilingLine

ADDED, REMOVED, CHANGED, SAME = "added", "removed", "changed", "same"


@dataclass(frozen=True)
class LineChange:
    product: str
    item: str
    old: Decimal | None
    new: Decimal | None

    @property
    def kind(self) -> str:
        if self.old is None:
            return ADDED
        if self.new is None:
            return REMOVED
        return SAME if self.old == self.new else CHANGED

    @property
    def delta(self) -> Decimal | None:
        return None if self.old is None or self.new is None else self.new - self.old


def _prices(filing_ids) -> dict[int, dict[tuple[str, str], tuple[Decimal, tuple]]]:
    prices: dict[int, dict] = {pk: {} for pk in filing_ids}
    rows = FeeFilingLine.objects.filter(filing_id__in=list(filing_ids)).values_list(
        "filing_id", "product__name", "item__name", "amount", "product__order", "item__order"
    )
    for filing_id, product, item, amount, p_order, i_order in rows:
        prices[filing_id][(product, item)] = (amount, (p_order, i_order, product, item))
    return prices


def diff_prices(old: dict, new: dict) -> list[LineChange]:
    keys = sorted(set(old) | set(new), key=lambda k: (new.get(k) or old.get(k))[1])
    return [LineChange(k[0], k[1], old[k][0] if k in old else None, new[k][0] if k in new else None) for k in keys]


def previous_version(filing: FeeFiling, queryset) -> FeeFiling | None:
    """The filing of the same vendor and region just before this one, among ``queryset``."""
    return (
        queryset.filter(
            vendor_id=filing.vendor_id, region_id=filing.region_id, effective_date__lt=filing.effective_date
        )
        .order_by("-effective_date", "-pk")
        .first()
    )


def diff(old: FeeFiling | None, new: FeeFiling) -> list[LineChange]:
    prices = _prices([f.pk for f in (old, new) if f is not None])
    return diff_prices(prices[old.pk] if old else {}, prices[new.pk])


@dataclass
class Version:
    filing: FeeFiling
    previous: FeeFiling | None
    changes: list[LineChange]

    @property
    def changed(self) -> list[LineChange]:
        return [c for c in self.changes if c.kind != SAME]


def history(filings: list[FeeFiling]) -> list[tuple[object, list[Version]]]:
    """Filings grouped by region (newest first within a region), each against the one before it."""
    prices = _prices([f.pk for f in filings])
    by_region: dict[str, list[FeeFiling]] = {}
    for filing in sorted(filings, key=lambda f: (f.region_id, f.effective_date, f.pk)):
        by_region.setdefault(filing.region_id, []).append(filing)
    grouped = []
    for versions in by_region.values():
        rows = []
        for index, filing in enumerate(versions):
            previous = versions[index - 1] if index else None
            rows.append(
                Version(filing, previous, diff_prices(prices[previous.pk] if previous else {}, prices[filing.pk]))
            )
        grouped.append((versions[0].region, list(reversed(rows))))
    return grouped
