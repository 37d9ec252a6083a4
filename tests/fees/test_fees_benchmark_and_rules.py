"""The benchmark (lowest standard in force on a city-level platform on the reference date), its
provenance and freezing; the rules against it (equality allowed)."""

import datetime
from decimal import Decimal

import pytest
from feetest import BEFORE_REDUCTION, GONGYI, HENAN, JIYUAN, KAIFENG, LUOYANG, PUYANG, REFERENCE, ZHENGZHOU

from fees import benchmarks as bm
from fees.breaches import OVERCHARGE, PROHIBITED, REPEATED, RuleBook, line_facts

pytestmark = pytest.mark.django_db
D = datetime.date


def key(cat, item="new-issuance", product="organisation-certificate"):
    return (cat.products[product].pk, cat.items[item].pk)


def test_lowest_amount_on_a_prefecture_city_platform_with_provenance(blank, cat, file_filing):
    file_filing("SZCA", PUYANG, D(2019, 3, 1), {"new-issuance": 260})
    lowest = file_filing("BJCA", KAIFENG, D(2019, 3, 1), {"new-issuance": 240, "remote-activation": 10})
    file_filing("HNCA", LUOYANG, D(2019, 3, 1), {"new-issuance": 250})
    file_filing("华测CA", ZHENGZHOU, D(2019, 8, 16), {"new-issuance": 100})  # after the reduction
    file_filing("SZCA", KAIFENG, D(2019, 3, 2), {"new-issuance": 1}, status="submitted")  # not accepted
    value = bm.compute_benchmarks(HENAN)[key(cat)]
    assert value.amount == Decimal("240.00")
    assert (value.vendor_id, value.region, value.filing_id) == (cat.vendors["BJCA"].pk, KAIFENG, lowest.pk)
    assert value.line_id == lowest.lines.get(item=cat.item()).pk
    assert value.reference_date == BEFORE_REDUCTION and value.source == bm.COMPUTED
    assert value.basis.directive == "豫公管办〔2019〕23号" and "目前省辖市" in value.basis.quote
    assert key(cat, "remote-activation") not in bm.compute_benchmarks(HENAN)  # prohibited: no benchmark


def test_the_vendors_reduced_filings_never_move_the_benchmark(blank, cat, file_filing):
    """Issue 9, point 1: the 2019-08-15 province-wide reduced filings used to become the benchmark."""
    file_filing("SZCA", PUYANG, D(2019, 3, 1), {"new-issuance": 300})
    for vendor in ("SZCA", "BJCA", "HNCA", "华测CA"):
        file_filing(vendor, HENAN, REFERENCE, {"new-issuance": 260})  # effective on the reduction date
        file_filing(vendor, ZHENGZHOU, D(2019, 9, 1), {"new-issuance": 200})  # and after it
    value = bm.compute_benchmarks(HENAN)[key(cat)]
    assert (value.amount, value.region) == (Decimal("300.00"), PUYANG)
    # Asking for a later date does not let them in either: the standards are those before the reduction.
    assert bm.compute_benchmarks(HENAN, D(2020, 1, 1))[key(cat)].amount == Decimal("300.00")


def test_province_wide_filings_are_not_in_the_pool(blank, cat, file_filing):
    file_filing("HNCA", HENAN, D(2019, 1, 1), {"new-issuance": 230})
    file_filing("SZCA", PUYANG, D(2019, 3, 1), {"new-issuance": 260})
    value = bm.compute_benchmarks(HENAN)[key(cat)]
    assert (value.amount, value.vendor_id, value.ties) == (Decimal("260.00"), cat.vendors["SZCA"].pk, 1)


def test_a_later_province_wide_filing_does_not_hide_a_citys_own_standard(blank, cat, file_filing):
    file_filing("SZCA", PUYANG, D(2019, 1, 1), {"new-issuance": 250})
    file_filing("SZCA", HENAN, D(2019, 3, 1), {"new-issuance": 400})
    assert bm.compute_benchmarks(HENAN)[key(cat)].amount == Decimal("250.00")


def test_province_governed_counties_are_not_in_the_pool(blank, cat, file_filing):
    """Issue 9, point 2: an accepted HNCA filing for 巩义市 at 99.00 made the benchmark 99.00."""
    file_filing("SZCA", PUYANG, D(2019, 3, 1), {"new-issuance": 260})
    file_filing("HNCA", GONGYI, D(2019, 3, 1), {"new-issuance": 99})
    assert bm.compute_benchmarks(HENAN)[key(cat)].amount == Decimal("260.00")


def test_jiyuan_counts_by_default_and_the_province_decides(blank, cat, file_filing):
    from fees.models import FeePolicy

    file_filing("SZCA", PUYANG, D(2019, 3, 1), {"new-issuance": 260})
    file_filing("HNCA", JIYUAN, D(2019, 3, 1), {"new-issuance": 250})
    assert bm.compute_benchmarks(HENAN)[key(cat)].region == JIYUAN
    FeePolicy.objects.filter(province_id=HENAN).update(province_governed_cities_count=False)
    assert bm.compute_benchmarks(HENAN)[key(cat)].region == PUYANG


def test_a_recorded_issue_date_is_the_benchmark_date(blank, cat, file_filing):
    from supervision.models import Directive

    Directive.objects.filter(number="豫公管办〔2019〕23号").update(issued_on=D(2019, 7, 20))
    file_filing("SZCA", PUYANG, D(2019, 3, 1), {"new-issuance": 260})
    file_filing("BJCA", KAIFENG, D(2019, 8, 1), {"new-issuance": 200})  # after the directive was issued
    value = bm.compute_benchmarks(HENAN)[key(cat)]
    assert (value.amount, value.reference_date) == (Decimal("260.00"), D(2019, 7, 20))


def test_freezing_keeps_the_confirmed_value(blank, cat, file_filing, personas):
    file_filing("SZCA", PUYANG, D(2019, 3, 1), {"new-issuance": 260})
    assert bm.freeze(HENAN, personas["province"]) == 1
    file_filing("BJCA", KAIFENG, D(2019, 3, 1), {"new-issuance": 200})  # a late, lower standard
    assert bm.compute_benchmarks(HENAN)[key(cat)].amount == Decimal("200.00")
    effective = bm.effective_benchmarks(HENAN)[key(cat)]
    assert (effective.amount, effective.source) == (Decimal("260.00"), bm.FROZEN)
    with pytest.raises(bm.FrozenBenchmarkChange):
        bm.unfreeze(HENAN, personas["province"])
    assert bm.unfreeze(HENAN, personas["province"], reason="重新核定") == 1
    assert bm.effective_benchmarks(HENAN)[key(cat)].source == bm.COMPUTED


def test_only_a_recorded_decision_changes_a_frozen_benchmark(blank, cat, file_filing, personas):
    from fees.models import Benchmark

    province = personas["province"]
    file_filing("SZCA", PUYANG, D(2019, 3, 1), {"new-issuance": 260})
    bm.freeze(HENAN, province)
    assert bm.freeze(HENAN, province) == 0  # the same value again: nothing to decide
    file_filing("BJCA", KAIFENG, D(2019, 3, 1), {"new-issuance": 240})  # a standard found later
    with pytest.raises(bm.FrozenBenchmarkChange):
        bm.freeze(HENAN, province)
    assert Benchmark.objects.get().amount == Decimal("260.00")
    assert bm.freeze(HENAN, province, reason="开封市2019年标准漏报，经核实补正") == 1
    row = Benchmark.objects.get()
    assert (row.amount, row.reason, row.frozen_by) == (Decimal("240.00"), "开封市2019年标准漏报，经核实补正", province)
    history = list(row.history.order_by("history_date").values_list("amount", "history_change_reason", "history_user"))
    assert history == [
        (Decimal("260.00"), "confirmed", province.pk),
        (Decimal("240.00"), "开封市2019年标准漏报，经核实补正", province.pk),
    ]


def test_the_overcharge_rule_holds_filings_against_the_frozen_value(blank, cat, file_filing, personas):
    file_filing("SZCA", PUYANG, D(2019, 3, 1), {"new-issuance": 260})
    bm.freeze(HENAN, personas["province"])
    file_filing("BJCA", KAIFENG, D(2019, 3, 1), {"new-issuance": 200})  # computed would now be 200
    (breach,) = evaluate(file_filing("HNCA", LUOYANG, D(2020, 1, 1), {"new-issuance": 261}))
    assert (breach.kind, breach.benchmark, breach.benchmark_source) == (OVERCHARGE, Decimal("260.00"), bm.FROZEN)
    assert breach.facts()["basis"]["clause"] == "三"
    assert evaluate(file_filing("HNCA", LUOYANG, D(2020, 2, 1), {"new-issuance": 250})) == []


def evaluate(filing):
    from fees.models import FeeFilingLine

    return RuleBook().evaluate_all(line_facts(FeeFilingLine.objects.filter(filing=filing)))


def test_equal_to_the_benchmark_is_allowed_one_fen_more_is_not(blank, cat, file_filing):
    file_filing("BJCA", KAIFENG, D(2019, 3, 1), {"new-issuance": "240.00", "annual-renewal": "0.30"})
    at = file_filing("SZCA", PUYANG, D(2020, 1, 1), {"new-issuance": "240.00", "annual-renewal": "0.30"})
    assert evaluate(at) == []
    above = file_filing("SZCA", PUYANG, D(2020, 2, 1), {"new-issuance": "240.01"})
    (breach,) = evaluate(above)
    assert breach.kind == OVERCHARGE
    assert (breach.amount, breach.benchmark, breach.excess) == (Decimal("240.01"), Decimal("240.00"), Decimal("0.01"))
    assert breach.facts()["excess"] == "0.01"  # facts carry money as text, never float
    assert breach.dedup_key == f"overcharge:{above.lines.get().pk}"


def test_prohibited_and_repeated_charges(blank, cat, file_filing):
    from fees.models import FeeFilingLine

    file_filing("BJCA", KAIFENG, D(2019, 3, 1), {"new-issuance": 240})
    filing = file_filing(
        "SZCA", PUYANG, D(2020, 1, 1), {"new-issuance": 200, "remote-activation": 30, "name-change": 0}
    )
    FeeFilingLine.objects.filter(filing=filing, item=cat.item("new-issuance")).update(per_platform=True)
    kinds = sorted(b.kind for b in evaluate(filing))
    assert kinds == [PROHIBITED, REPEATED]
    prohibited = next(b for b in evaluate(filing) if b.kind == PROHIBITED)
    assert prohibited.forbidden_by == "豫公管办〔2019〕23号"


def test_rules_apply_from_the_reference_date(blank, cat, file_filing):
    file_filing("BJCA", KAIFENG, D(2019, 3, 1), {"new-issuance": 240})
    before = file_filing("SZCA", PUYANG, D(2019, 3, 1), {"new-issuance": 300, "remote-activation": 30})
    assert evaluate(before) == []  # before 2019-08-15 these were allowed
    # …but the same lines still in force after the reference date are breaches in the sweep.
    from fees.sweep import current_breaches

    breaches, _lines = current_breaches(D(2019, 9, 1))
    assert sorted(b.kind for b in breaches if b.filing_id == before.pk) == [OVERCHARGE, PROHIBITED]


def test_an_over_charge_resolves_itself_once_a_compliant_filing_replaces_it(blank, cat, file_filing):
    """Issue 9, point 7: the rule re-checks its findings on every sweep; a lowered, accepted tariff in
    force clears the finding (with the evidence and a history row); a filing not yet in force does not."""
    from fees.sweep import sweep
    from supervision.models import Finding

    file_filing("BJCA", KAIFENG, D(2019, 3, 1), {"new-issuance": 240})
    file_filing("SZCA", PUYANG, D(2019, 9, 1), {"new-issuance": 280})
    assert sweep(D(2019, 10, 1)).new_findings == 1
    finding = Finding.objects.get(kind=OVERCHARGE, vendor=cat.vendors["SZCA"])
    file_filing("SZCA", PUYANG, D(2019, 12, 1), {"new-issuance": 240})
    assert sweep(D(2019, 11, 1)).cleared == 0  # the lower standard is not in force yet
    finding.refresh_from_db()
    assert finding.status == "open"
    result = sweep(D(2019, 12, 1))
    assert (result.cleared, result.new_findings) == (1, 0)
    finding.refresh_from_db()
    assert finding.status == "resolved" and "复查" in finding.evidence
    assert finding.history.first().history_change_reason == "condition cleared on re-check"
    assert sweep(D(2019, 12, 2)).cleared == 0  # once


def test_a_submitted_filing_keeps_its_finding_through_the_sweep(blank, cat, file_filing):
    """A filing awaiting review was never in force: the daily sweep leaves the finding its submission
    raised for the reviewer (as the demo shows right after seeding, which runs the sweep)."""
    from fees import findings
    from fees.breaches import RuleBook, line_facts
    from fees.models import FeeFilingLine
    from fees.sweep import sweep
    from supervision.models import Finding

    file_filing("BJCA", KAIFENG, D(2019, 3, 1), {"new-issuance": 240})
    submitted = file_filing("SZCA", PUYANG, D(2020, 1, 1), {"new-issuance": 280}, status="submitted")
    breaches = RuleBook().evaluate_all(line_facts(FeeFilingLine.objects.filter(filing=submitted)))
    assert [created for _finding, created in findings.report(breaches)] == [True]
    assert sweep(D(2020, 2, 1)).cleared == 0
    assert Finding.objects.get(kind=OVERCHARGE, vendor=cat.vendors["SZCA"]).status == "open"
