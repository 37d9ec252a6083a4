"""The recognition matrix, computed with a fixed number of queries whatever its size.

* Province level: vendors (rows, paginated) × the platforms of a region (columns, capped), each
  cell aggregated from the records that match the filters: how many, how many verified, the least
  advanced status, whether any is done but unconfirmed; with the vendor's due date and the days
  left or late.
* National level: vendors (rows, paginated) × provinces (columns), the share of records verified,
  each column linking to that province's matrix.

Every figure is aggregated in the database (``values().annotate()``), never per cell.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Max, Min, Q, Value, When
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificates.filters import region_tree_q
from certificates.models import RecognitionRecord, RecognitionScope, RecognitionStatus
from certificates.models.recognition import STATUS_ORDER
from supervision import conf
from supervision.models import CAVendor, Obligation, Platform, Region

VENDORS_PER_PAGE = 25
MAX_PLATFORMS = 150
OBLIGATION_KIND = {
    RecognitionScope.SAME_VENDOR: Obligation.Kind.SAME_VENDOR_RECOGNITION,
    RecognitionScope.CROSS_VENDOR: Obligation.Kind.CROSS_VENDOR_RECOGNITION,
}
RANK = Case(
    *[When(status=status, then=Value(index)) for index, status in enumerate(STATUS_ORDER)],
    output_field=IntegerField(),
)
ENTERPRISE_COLUMN = ""


@dataclass(frozen=True)
class Filters:
    region: str = ""
    scope: str = RecognitionScope.SAME_VENDOR
    status: str = ""
    vendor_search: str = ""

    @classmethod
    def from_query(cls, query, default_region: str = "") -> Filters:
        scope = query.get("scope") or RecognitionScope.SAME_VENDOR
        if scope not in RecognitionScope.values:
            scope = RecognitionScope.SAME_VENDOR
        status = query.get("status") or ""
        if status not in STATUS_ORDER:
            status = ""
        region = (query.get("region") or default_region or "").strip()
        if region and not (region.isdigit() and len(region) == 6):
            region = default_region
        return cls(region=region, scope=scope, status=status, vendor_search=(query.get("q") or "").strip()[:50])


@dataclass
class Cell:
    platform_id: int = 0
    total: int = 0
    verified: int = 0
    status: str = ""  # the least advanced status of the cell's records
    unconfirmed: bool = False
    demo: bool = False  # some of its records are demonstration data (示例)
    last_verified: datetime.datetime | None = None
    due: datetime.date | None = None
    today: datetime.date | None = None

    @property
    def status_label(self) -> str:
        return str(RecognitionStatus(self.status).label) if self.status else ""

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.verified == self.total

    @property
    def days_left(self) -> int | None:
        """Days until the due date (negative: late); None when verified or without a date."""
        if self.due is None or self.complete or not self.total:
            return None
        return (self.due - self.today).days

    @property
    def days_late(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    @property
    def verified_late_days(self) -> int | None:
        if not self.complete or self.due is None or self.last_verified is None:
            return None
        late = (timezone.localtime(self.last_verified).date() - self.due).days
        return late if late > 0 else None

    @property
    def css(self) -> str:
        if not self.total:
            return "cell-none"
        if self.days_left is not None and self.days_left < 0:
            return f"cell-{self.status} cell-late"
        return f"cell-{self.status}"


@dataclass
class VendorRow:
    vendor: CAVendor
    cells: list = field(default_factory=list)
    due: datetime.date | None = None
    total: int = 0
    verified: int = 0

    @property
    def share(self) -> float | None:
        return self.verified / self.total if self.total else None


def _vendor_page(user, filters: Filters, page: int, per_page: int):
    vendors = CAVendor.objects.visible_to(user).only("pk", "name", "short_name").order_by("name")
    if filters.vendor_search:
        vendors = vendors.filter(
            Q(name__icontains=filters.vendor_search) | Q(short_name__icontains=filters.vendor_search)
        )
    paginator = Paginator(vendors, per_page)
    return paginator.get_page(page)


def due_dates(vendor_ids, scope: str) -> dict[int, datetime.date | None]:
    """The vendor's due date of the recognition obligation for this scope (one query)."""
    rows = (
        Obligation.objects.filter(vendor_id__in=list(vendor_ids), kind=OBLIGATION_KIND[scope])
        .values("vendor_id")
        .annotate(due=Min("due_date"))
    )
    return {row["vendor_id"]: row["due"] for row in rows}


def _records(user, filters: Filters):
    records = RecognitionRecord.objects.visible_to(user).filter(scope=filters.scope)
    if filters.status:
        records = records.filter(status=filters.status)
    return records


@dataclass
class ProvinceMatrix:
    filters: Filters
    region: Region | None
    platforms: list[dict]
    rows: list[VendorRow]
    page: object
    platforms_truncated: bool
    today: datetime.date

    @property
    def has_demo(self) -> bool:
        return any(cell.demo for row in self.rows for cell in row.cells)


def province_matrix(
    user, filters: Filters, *, page: int = 1, per_page: int = VENDORS_PER_PAGE, today=None, max_platforms=MAX_PLATFORMS
) -> ProvinceMatrix:
    """Vendors × platforms of ``filters.region`` (default: the supervising province). 5 queries."""
    today = today or timezone.localdate()
    code = filters.region or conf.supervising_province()
    region = Region.objects.filter(code=code).first()
    platforms = list(
        Platform.objects.visible_to(user)
        .filter(active=True)
        .filter(region_tree_q(code, "region"))
        .order_by("region_id", "name")
        .values("pk", "name", "region_id", "region__name")[: max_platforms + 1]
    )
    truncated = len(platforms) > max_platforms
    platforms = platforms[:max_platforms]
    vendor_page = _vendor_page(user, filters, page, per_page)
    vendors = list(vendor_page.object_list)
    vendor_ids = [v.pk for v in vendors]
    platform_ids = [p["pk"] for p in platforms]
    aggregates = (
        (
            _records(user, filters)
            .filter(vendor_id__in=vendor_ids, platform_id__in=platform_ids)
            .values("vendor_id", "platform_id")
            .annotate(
                total=Count("pk"),
                verified=Count("pk", filter=Q(status=RecognitionStatus.VERIFIED)),
                rank=Min(RANK),
                unconfirmed=Count("pk", filter=Q(status=RecognitionStatus.DONE, confirmed_by_platform=False)),
                last_verified=Max("verified_at"),
                demo=Count("pk", filter=Q(is_demo=True)),
            )
            .order_by()
        )
        if vendor_ids and platform_ids
        else []
    )
    by_cell = {(a["vendor_id"], a["platform_id"]): a for a in aggregates}
    dues = due_dates(vendor_ids, filters.scope) if vendor_ids else {}
    rows = []
    for vendor in vendors:
        row = VendorRow(vendor=vendor, due=dues.get(vendor.pk))
        for platform in platforms:
            found = by_cell.get((vendor.pk, platform["pk"]))
            cell = Cell(platform_id=platform["pk"], due=row.due, today=today)
            if found:
                cell.total, cell.verified = found["total"], found["verified"]
                cell.status = STATUS_ORDER[found["rank"]]
                cell.unconfirmed = bool(found["unconfirmed"])
                cell.last_verified = found["last_verified"]
                cell.demo = bool(found["demo"])
                row.total += cell.total
                row.verified += cell.verified
            row.cells.append(cell)
        rows.append(row)
    return ProvinceMatrix(filters, region, platforms, rows, vendor_page, truncated, today)


# --- national level ------------------------------------------------------------------------------
@dataclass
class Share:
    total: int = 0
    verified: int = 0

    @property
    def share(self) -> float | None:
        return self.verified / self.total if self.total else None

    @property
    def percent(self) -> int | None:
        return None if self.share is None else round(self.share * 100)

    @property
    def css(self) -> str:
        if self.share is None:
            return "cell-none"
        if self.share >= 1:
            return "cell-verified"
        if self.share >= 0.5:
            return "cell-done"
        if self.share > 0:
            return "cell-testing"
        return "cell-not_started"


@dataclass
class NationalMatrix:
    filters: Filters
    columns: list[dict]  # {"code": "410000", "name": "河南省"}
    rows: list[VendorRow]
    page: object


def national_matrix(user, filters: Filters, *, page: int = 1, per_page: int = VENDORS_PER_PAGE) -> NationalMatrix:
    """Vendors × provinces, share verified. 4 queries."""
    vendor_page = _vendor_page(user, filters, page, per_page)
    vendors = list(vendor_page.object_list)
    vendor_ids = [v.pk for v in vendors]
    aggregates = (
        (
            _records(user, filters)
            .filter(vendor_id__in=vendor_ids, platform__active=True)
            .annotate(province=Substr("platform__region_id", 1, 2))
            .values("vendor_id", "province")
            .annotate(total=Count("pk"), verified=Count("pk", filter=Q(status=RecognitionStatus.VERIFIED)))
            .order_by()
        )
        if vendor_ids
        else []
    )
    cells: dict[tuple[int, str], Share] = {}
    prefixes = set()
    for row in aggregates:
        prefix = row["province"] or ENTERPRISE_COLUMN
        prefixes.add(prefix)
        share = cells.setdefault((row["vendor_id"], prefix), Share())
        share.total += row["total"]
        share.verified += row["verified"]
    names = dict(
        Region.objects.filter(level=Region.Level.PROVINCE, code__in=[f"{p}0000" for p in prefixes if p]).values_list(
            "code", "name"
        )
    )
    columns = [
        {"prefix": p, "code": f"{p}0000", "name": names.get(f"{p}0000", f"{p}0000")} for p in sorted(prefixes) if p
    ]
    if ENTERPRISE_COLUMN in prefixes:
        columns.append({"prefix": ENTERPRISE_COLUMN, "code": "", "name": str(_("Enterprise platforms"))})
    rows = []
    for vendor in vendors:
        row = VendorRow(vendor=vendor)
        for column in columns:
            share = cells.get((vendor.pk, column["prefix"]), Share())
            row.total += share.total
            row.verified += share.verified
            row.cells.append(share)
        rows.append(row)
    return NationalMatrix(filters, columns, rows, vendor_page)


# --- dashboard figures ---------------------------------------------------------------------------
def progress_by_vendor(user, scope: str = RecognitionScope.SAME_VENDOR, limit: int = 30) -> list[dict]:
    """[{label, total, verified, done}] per vendor (one query)."""
    rows = (
        RecognitionRecord.objects.visible_to(user)
        .filter(scope=scope)
        .values("vendor__short_name")
        .annotate(
            total=Count("pk"),
            verified=Count("pk", filter=Q(status=RecognitionStatus.VERIFIED)),
            done=Count("pk", filter=Q(status=RecognitionStatus.DONE)),
        )
        .order_by("vendor__short_name")[:limit]
    )
    return [
        {"label": r["vendor__short_name"], "total": r["total"], "verified": r["verified"], "done": r["done"]}
        for r in rows
    ]


def progress_by_region(user, scope: str = RecognitionScope.SAME_VENDOR, limit: int = 40) -> list[dict]:
    """[{label, total, verified, done}] per region of the platforms (two queries)."""
    rows = list(
        RecognitionRecord.objects.visible_to(user)
        .filter(scope=scope)
        .values("platform__region_id")
        .annotate(
            total=Count("pk"),
            verified=Count("pk", filter=Q(status=RecognitionStatus.VERIFIED)),
            done=Count("pk", filter=Q(status=RecognitionStatus.DONE)),
        )
        .order_by("platform__region_id")[:limit]
    )
    names = dict(
        Region.objects.filter(
            code__in=[r["platform__region_id"] for r in rows if r["platform__region_id"]]
        ).values_list("code", "name")
    )
    return [
        {
            "label": names.get(r["platform__region_id"], str(_("Enterprise platforms"))),
            "total": r["total"],
            "verified": r["verified"],
            "done": r["done"],
        }
        for r in rows
    ]


def due_map(vendor_ids) -> dict[tuple[int, str], datetime.date | None]:
    """(vendor id, scope) → due date of the matching recognition obligation, for both scopes (one query)."""
    kinds = {kind: scope for scope, kind in OBLIGATION_KIND.items()}
    rows = (
        Obligation.objects.filter(vendor_id__in=list(vendor_ids), kind__in=list(kinds))
        .values("vendor_id", "kind")
        .annotate(due=Min("due_date"))
        .order_by()
    )
    return {(row["vendor_id"], kinds[row["kind"]]): row["due"] for row in rows}
