"""The benchmark (lowest standard in force on a city-level platform on the reference date), its
provenance and freezing; the rules against it (equality allowed)."""

import datetime
from decimal import Decimal

import pytest
from feetest import GONGYI, HENAN, KAIFENG, LUOYANG, PUYANG, REFERENCE, ZHENGZHOU

from fees import benchmarks as bm
from fees.breaches import OVERCHARGE, PROHIBITED, REPEATED, RuleBook, line_facts

pytestmark = pytest.mark.django_db
D = datetime.date


def key(cat, item="new-issuance", product="organisation-certificate"):
    return (cat.products[product].pk, cat.items[item].pk)


def test_lowest_amount_on_a_city_level_platform_with_provenance(blank, cat, file_filing):
    file_filing("SZCA", PUYANG, D(2019, 3, 1), {"new-issuance": 260})
    lowest = file_filing("BJCA", KAIFENG, D(2019, 3, 1), {"new-issuance": 240, "remote-activation": 10})
    file_filing("HNCA", LUOYANG, D(2019, 3, 1), {"new-issuance": 250})
    file_filing("华测CA", GONGYI, D(2018, 3, 1), {"new-issuance": 245})  # province-governed county counts
    file_filing("华测CA", ZHENGZHOU, D(2019, 8, 16), {"new-issuance": 100})  # after the reference date
    file_filing("SZCA", KAIFENG, D(2019, 3, 2), {"new-issuance": 1}, status="submitted")  # not accepted
    value = bm.compute_benchmarks(HENAN)[key(cat)]
    assert value.amount == Decimal("240.00")
    assert (value.vendor_id, value.region, value.filing_id) == (cat.vendors["BJCA"].pk, KAIFENG, lowest.pk)
    assert value.reference_date == REFERENCE and value.source == bm.COMPUTED
    assert key(cat, "remote-activation") not in bm.compute_benchmarks(HENAN)  # prohibited: no benchmark


def test_province_wide_filing_counts_in_every_city(blank, cat, file_filing):
    file_filing("HNCA", HENAN, D(2019, 1, 1), {"new-issuance": 230})
    file_filing("SZCA", PUYANG, D(2019, 3, 1), {"new-issuance": 260})
    value = bm.compute_benchmarks(HENAN)[key(cat)]
    assert value.amount == Decimal("230.00") and value.vendor_id == cat.vendors["HNCA"].pk
    assert value.ties > 1  # the same amount is in force in every city-level region


def test_freezing_keeps_the_confirmed_value(blank, cat, file_filing, personas):
    file_filing("SZCA", PUYANG, D(2019, 3, 1), {"new-issuance": 260})
    assert bm.freeze(HENAN, personas["province"]) == 1
    file_filing("BJCA", KAIFENG, D(2019, 3, 1), {"new-issuance": 200})  # a late, lower standard
    assert bm.compute_benchmarks(HENAN)[key(cat)].amount == Decimal("200.00")
    effective = bm.effective_benchmarks(HENAN)[key(cat)]
    assert (effective.amount, effective.source) == (Decimal("260.00"), bm.FROZEN)
    assert bm.unfreeze(HENAN, personas["province"]) == 1
    assert bm.effective_benchmarks(HENAN)[key(cat)].source == bm.COMPUTED


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
