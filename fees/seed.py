"""Facts of the fee rules (products, fee items with the prohibited ones, Henan's policy) and the
demonstration story of Henan 2019 (示例 amounts)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from fees import clauses as rules
from fees import complaints, findings
from fees.benchmarks import compute_benchmarks
from fees.breaches import RuleBook, line_facts
from fees.models import Benchmark, FeeFiling, FeeFilingLine, FeeItem, FeePolicy, ProductKind
from fees.sweep import sweep
from portal.accounts.models import User
from portal.seeding import DEMO_MARK, Log, ensure_schedules, upsert
from supervision.models import CAVendor, Directive

HENAN = "410000"
HENAN_DIRECTIVE = rules.BENCHMARK.directive
HENAN_REFERENCE_DATE = rules.REDUCTION_FROM

PRODUCTS = [
    ("organisation-certificate", "单位证书", 10),
    ("personal-certificate", "个人证书", 20),
    ("electronic-seal", "电子签章", 30),
    ("shared-app-certificate", "共享应用APP证书", 40),
]
# code, name, prohibited, one-off, order
FEE_ITEMS = [
    ("new-issuance", "新办", False, True, 10),
    ("annual-renewal", "年费/续期", False, False, 20),
    ("replacement", "补办", False, False, 30),
    ("usb-key", "介质(USB Key)", False, True, 40),
    ("electronic-seal", "电子签章", False, False, 50),
    ("repeated-issuance", "重复办理", True, False, 110),
    ("remote-activation", "异地用户开通费", True, False, 120),
    ("name-change", "变更名称费", True, False, 130),
]


# The daily fee-rule sweep runs after the deadline engine's sweep (07:30); name → (task, minute, hour, day of week).
SCHEDULES = {
    "fees: daily fee-rule sweep (over-charges, prohibited fees)": ("fees.tasks.sweep_fee_rules", "0", "8", "*")
}


def load_facts(log: Log) -> int:

    directive = Directive.objects.get(number=HENAN_DIRECTIVE)
    written = 0
    for code, name, order in PRODUCTS:
        written += upsert(ProductKind, {"code": code}, {"name": name, "order": order})[1]
    for code, name, prohibited, one_off, order in FEE_ITEMS:
        written += upsert(
            FeeItem,
            {"code": code},
            {
                "name": name,
                "prohibited": prohibited,
                "forbidden_by_id": directive.pk if prohibited else None,
                "one_off": one_off,
                "order": order,
            },
        )[1]
    written += upsert(
        FeePolicy,
        {"province_id": HENAN},
        {"reference_date": HENAN_REFERENCE_DATE, "directive_number": HENAN_DIRECTIVE},
    )[1]
    written += complaints.reopen_auto_upheld()
    log(f"fee facts: {written} rows written")
    written += ensure_schedules(SCHEDULES)
    return written


# --- demonstration data (示例) ---------------------------------------------------------------

DEMO_BASE = {  # (product, item) → a 示例 list price in yuan
    ("organisation-certificate", "new-issuance"): Decimal("300.00"),
    ("organisation-certificate", "annual-renewal"): Decimal("200.00"),
    ("organisation-certificate", "replacement"): Decimal("100.00"),
    ("organisation-certificate", "usb-key"): Decimal("60.00"),
    ("personal-certificate", "new-issuance"): Decimal("150.00"),
    ("personal-certificate", "annual-renewal"): Decimal("100.00"),
    ("electronic-seal", "electronic-seal"): Decimal("200.00"),
}
DEMO_CITIES = {  # vendor short name → the cities where it filed before 2019-08-15
    "华测CA": ["410100", "410300"],
    "BJCA": ["410100", "410200", "410700"],
    "SZCA": ["410900", "410700"],
    "HNCA": ["410100", "410300", "410900", "419001"],
}
DEMO_BEFORE = datetime.date(2019, 3, 1)
DEMO_OLDER = datetime.date(2018, 7, 1)
DEMO_OVERCHARGE = ("SZCA", "410900", datetime.date(2020, 3, 1))
DEMO_REMOTE_FEE = ("BJCA", "410100", datetime.date(2020, 5, 1))


def demo_amount(base: Decimal, vendor_index: int, city_index: int, line_index: int = 0) -> Decimal:
    """A 示例 price: the base less 0-20 % depending on vendor, city and line."""
    percent = 100 - 5 * ((vendor_index * 3 + city_index * 7 + line_index * 2) % 5)
    return (base * percent / 100).quantize(Decimal("0.01"))


def _filing(vendor, region: str, date: datetime.date, status: str, lines: dict, user, note: str) -> tuple:

    products = {p.code: p.pk for p in ProductKind.objects.all()}
    items = {i.code: i.pk for i in FeeItem.objects.all()}
    filing, written = upsert(
        FeeFiling,
        {"vendor_id": vendor.pk, "region_id": region, "effective_date": date},
        {"status": status, "note": f"{note}（{DEMO_MARK}）", "is_demo": True, "created_by_id": user.pk},
    )
    for (product, item), amount in lines.items():
        written += upsert(
            FeeFilingLine,
            {"filing_id": filing.pk, "product_id": products[product], "item_id": items[item]},
            {"amount": amount},
        )[1]
    return filing, written


def load_demo(log: Log, password: str) -> int:

    province_user = User.objects.get(username="province")
    vendors = {v.short_name: v for v in CAVendor.objects.filter(short_name__in=DEMO_CITIES)}
    written = 0
    accepted = FeeFiling.Status.ACCEPTED
    for v_index, (short, cities) in enumerate(DEMO_CITIES.items()):
        vendor = vendors[short]
        for c_index, city in enumerate(cities):
            lines = {
                key: demo_amount(base, v_index, c_index, l_index)
                for l_index, (key, base) in enumerate(DEMO_BASE.items())
            }
            written += _filing(vendor, city, DEMO_BEFORE, accepted, lines, province_user, "2019年收费标准")[1]
        if short == "HNCA":  # an older version, to show differences between versions
            older = {key: base + Decimal("20.00") for key, base in DEMO_BASE.items()}
            older[("personal-certificate", "remote-activation")] = Decimal("50.00")
            written += _filing(vendor, cities[0], DEMO_OLDER, accepted, older, province_user, "2018年收费标准")[1]
    benchmark = compute_benchmarks(HENAN)
    if not Benchmark.objects.filter(province_id=HENAN).exists():
        for (product_id, item_id), value in benchmark.items():
            Benchmark.objects.create(
                province_id=HENAN,
                product_id=product_id,
                item_id=item_id,
                reference_date=value.reference_date,
                amount=value.amount,
                source_line_id=value.line_id,
                source_region_id=value.region,
                frozen_by=province_user,
                frozen_at=timezone.now(),
            )
            written += 1
    # From 2019-08-15 every vendor files the province-wide reduced standard (降费).
    by_codes = _codes_of(benchmark)
    for vendor in vendors.values():
        written += _filing(vendor, HENAN, HENAN_REFERENCE_DATE, accepted, by_codes, province_user, "降费后收费标准")[1]
    # Accepted by the province when first loaded; a second run finds every accepted filing reviewed already.
    FeeFiling.objects.filter(is_demo=True, reviewed_at__isnull=True, status=accepted).update(
        reviewed_at=timezone.now(), reviewed_by=province_user
    )
    # Two later filings that break the rules, submitted for review.
    submitted = FeeFiling.Status.SUBMITTED
    short, city, date = DEMO_OVERCHARGE
    over = dict(by_codes)
    over[("organisation-certificate", "new-issuance")] += Decimal("40.00")
    overcharge, n = _filing(vendors[short], city, date, submitted, over, province_user, "2020年收费标准")
    written += n
    short, city, date = DEMO_REMOTE_FEE
    remote = dict(by_codes)
    remote[("organisation-certificate", "remote-activation")] = Decimal("50.00")
    remote_filing, n = _filing(vendors[short], city, date, submitted, remote, province_user, "2020年收费标准")
    written += n
    FeeFiling.objects.filter(pk__in=[overcharge.pk, remote_filing.pk], submitted_at__isnull=True).update(
        submitted_at=timezone.now()
    )
    breaches = RuleBook().evaluate_all(line_facts(FeeFilingLine.objects.filter(filing__in=[overcharge, remote_filing])))
    written += sum(1 for _finding, created in findings.report(breaches, is_demo=True) if created)
    log(f"fee demo data: {written} rows written")
    return written


def _codes_of(benchmark) -> dict:

    products = dict(ProductKind.objects.values_list("pk", "code"))
    items = dict(FeeItem.objects.values_list("pk", "code"))
    return {(products[p], items[i]): value.amount for (p, i), value in benchmark.items()}


def sweep_demo(log: Log) -> None:
    """Today's fee-rule sweep (beat: 08:00): the vendors at or below the benchmark fulfil their duty."""
    log(f"fee sweep: {sweep().as_dict()}")
