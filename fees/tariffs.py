"""The tariff in force: what vendor V charged for item I of product P in region R on date D.

An accepted filing is the vendor's complete price list for its region from its effective date until
a later accepted filing replaces it; a product and item it does not list is not charged there.
Filings apply in their region and below it (a province-wide filing in every city, a city's filing in
its ordinary counties). When several apply, the latest effective date wins; on the same date the
most specific region wins, then the later filing.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from fees.models import FeeFiling, FeeFilingLine
from fees.regions import RegionTree


@dataclass(frozen=True)
class Tariff:
    amount: Decimal
    line_id: int
    filing_id: int
    vendor_id: int
    filing_region: str  # where the source filing was filed (the region itself or one above it)
    effective_date: datetime.date
    product_id: int
    item_id: int
    per_platform: bool = False

    @property
    def filing(self) -> FeeFiling:
        return FeeFiling.objects.select_related("vendor", "region").get(pk=self.filing_id)


def _id(obj) -> int:
    return obj if isinstance(obj, int) else obj.pk


def _code(region) -> str:
    return region if isinstance(region, str) else region.code


def tariff_in_force(
    vendor, item, product, region, date: datetime.date, tree: RegionTree | None = None
) -> Tariff | None:
    """The amount vendor ``vendor`` charged for ``item`` of ``product`` in ``region`` on ``date``,
    with the filing line it comes from; None when no accepted filing covers it."""
    tree = tree or RegionTree()
    found = tariffs_in_force(
        date, [_code(region)], vendors=[_id(vendor)], products=[_id(product)], items=[_id(item)], tree=tree
    )
    return found.get((_id(vendor), _code(region), _id(product), _id(item)))


def tariffs_in_force(
    date: datetime.date,
    regions: Iterable[str],
    *,
    vendors: Iterable[int] | None = None,
    products: Iterable[int] | None = None,
    items: Iterable[int] | None = None,
    tree: RegionTree | None = None,
    own_filings_only: bool = False,
) -> dict[tuple[int, str, int, int], Tariff]:
    """Every tariff in force on ``date`` in each of ``regions``: (vendor, region, product, item) → Tariff.

    With ``own_filings_only`` only the filings made for each region itself count (no province-wide
    or city filing reaches down): what the benchmark reads.

    Two queries (the filings that could apply, then their lines); the choice among versions is made
    in Python.
    """
    tree = tree or RegionTree()
    # filing region → [(target region, specificity rank)]; a lower rank is more specific.
    reach: dict[str, list[tuple[str, int]]] = {}
    for target in regions:
        for rank, source in enumerate([target] if own_filings_only else tree.applicable(target)):
            reach.setdefault(source, []).append((target, rank))
    filings = FeeFiling.objects.filter(
        status=FeeFiling.Status.ACCEPTED, region_id__in=list(reach), effective_date__lte=date
    ).order_by()
    if vendors is not None:
        filings = filings.filter(vendor_id__in=list(vendors))
    # Which filing is in force for each vendor in each target region.
    chosen: dict[tuple[int, str], tuple[tuple, int]] = {}
    info: dict[int, tuple[int, str, datetime.date]] = {}
    for pk, vendor_id, region_id, effective in filings.values_list("pk", "vendor_id", "region_id", "effective_date"):
        info[pk] = (vendor_id, region_id, effective)
        for target, rank in reach[region_id]:
            order = (effective, -rank, pk)
            current = chosen.get((vendor_id, target))
            if current is None or order > current[0]:
                chosen[(vendor_id, target)] = (order, pk)
    targets_of: dict[int, list[str]] = {}
    for (_vendor, target), (_order, pk) in chosen.items():
        targets_of.setdefault(pk, []).append(target)
    found: dict[tuple[int, str, int, int], Tariff] = {}
    for amount, pk, filing_id, product_id, item_id, per_platform in lines_of(list(targets_of), products, items):
        vendor_id, region_id, effective = info[filing_id]
        tariff = Tariff(amount, pk, filing_id, vendor_id, region_id, effective, product_id, item_id, per_platform)
        for target in targets_of[filing_id]:
            found[(vendor_id, target, product_id, item_id)] = tariff
    return found


def lines_of(filing_ids: list[int], products=None, items=None, batch: int = 5000):
    """(amount, pk, filing, product, item, per_platform) of the filings' lines, by batches of
    filing ids: an index lookup per filing whatever the table statistics say (a large import
    leaves them stale until the next ANALYZE)."""
    for start in range(0, len(filing_ids), batch):
        lines = FeeFilingLine.objects.filter(filing_id__in=filing_ids[start : start + batch]).order_by()
        if products is not None:
            lines = lines.filter(product_id__in=list(products))
        if items is not None:
            lines = lines.filter(item_id__in=list(items))
        yield from lines.values_list("amount", "pk", "filing_id", "product_id", "item_id", "per_platform")


def lines_in_force(
    date: datetime.date, province: str, *, vendors: Iterable[int] | None = None, tree: RegionTree | None = None
) -> dict[int, Tariff]:
    """The accepted lines in force somewhere in ``province`` on ``date``, by line id."""
    tree = tree or RegionTree()
    filings = FeeFiling.objects.accepted().filter(effective_date__lte=date).order_by()
    if vendors is not None:
        vendors = list(vendors)
        filings = filings.filter(vendor_id__in=vendors)
    regions = set(filings.values_list("region_id", flat=True).distinct())
    regions = [code for code in regions if code in tree.nodes and tree.province_of(code) == province]
    regions = sorted(set(regions) | set(tree.city_level(province)))
    found = tariffs_in_force(date, regions, vendors=vendors, tree=tree)
    return {tariff.line_id: tariff for tariff in found.values()}
