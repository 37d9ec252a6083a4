"""The tariff in force: one call answers "what did V charge for I in R on D", with its source."""

import datetime
from decimal import Decimal

import pytest
from feetest import GONGYI, HENAN, PUYANG, ZHENGZHOU

from fees.tariffs import tariff_in_force, tariffs_in_force

pytestmark = pytest.mark.django_db
D = datetime.date


def amount(cat, vendor, region, date, item="new-issuance"):
    tariff = tariff_in_force(cat.vendors[vendor], cat.item(item), cat.product(), region, date)
    return None if tariff is None else tariff.amount


def test_accepted_filing_is_in_force_from_its_effective_date_until_replaced(blank, cat, file_filing):
    first = file_filing("SZCA", PUYANG, D(2019, 1, 1), {"new-issuance": 300})
    second = file_filing("SZCA", PUYANG, D(2019, 9, 1), {"new-issuance": 240})
    assert amount(cat, "SZCA", PUYANG, D(2018, 12, 31)) is None
    tariff = tariff_in_force(cat.vendors["SZCA"], cat.item(), cat.product(), PUYANG, D(2019, 8, 31))
    assert tariff.amount == Decimal("300.00") and tariff.filing_id == first.pk
    assert tariff.filing.vendor.short_name == "SZCA"
    assert tariff_in_force(cat.vendors["SZCA"], cat.item(), cat.product(), PUYANG, D(2019, 9, 1)).filing_id == second.pk


def test_only_accepted_filings_count(blank, cat, file_filing):
    for status in ("draft", "submitted"):
        file_filing(
            "SZCA", PUYANG, D(2019, 1, 1 + ["draft", "submitted"].index(status)), {"new-issuance": 1}, status=status
        )
    file_filing("SZCA", PUYANG, D(2019, 1, 5), {"new-issuance": 2}, status="returned", return_reason="x")
    assert amount(cat, "SZCA", PUYANG, D(2020, 1, 1)) is None


def test_a_newer_filing_replaces_the_whole_price_list(blank, cat, file_filing):
    file_filing("SZCA", PUYANG, D(2018, 1, 1), {"new-issuance": 300, "remote-activation": 50})
    file_filing("SZCA", PUYANG, D(2019, 1, 1), {"new-issuance": 280})
    assert amount(cat, "SZCA", PUYANG, D(2018, 6, 1), "remote-activation") == Decimal("50.00")
    assert amount(cat, "SZCA", PUYANG, D(2019, 6, 1), "remote-activation") is None


def test_province_wide_and_city_filings(blank, cat, file_filing):
    file_filing("BJCA", ZHENGZHOU, D(2019, 1, 1), {"new-issuance": 300})
    file_filing("BJCA", HENAN, D(2019, 1, 1), {"new-issuance": 250})
    file_filing("BJCA", HENAN, D(2019, 8, 15), {"new-issuance": 200})
    # Same date: the city's own filing is more specific.
    assert amount(cat, "BJCA", ZHENGZHOU, D(2019, 3, 1)) == Decimal("300.00")
    # A city without its own filing follows the province.
    assert amount(cat, "BJCA", PUYANG, D(2019, 3, 1)) == Decimal("250.00")
    # A later province-wide filing replaces the older city one.
    assert amount(cat, "BJCA", ZHENGZHOU, D(2019, 8, 15)) == Decimal("200.00")


def test_province_governed_county_does_not_follow_its_city(blank, cat, file_filing):
    file_filing("BJCA", ZHENGZHOU, D(2019, 1, 1), {"new-issuance": 300})
    assert amount(cat, "BJCA", GONGYI, D(2019, 3, 1)) is None
    file_filing("BJCA", HENAN, D(2018, 1, 1), {"new-issuance": 280})
    assert amount(cat, "BJCA", GONGYI, D(2019, 3, 1)) == Decimal("280.00")


def test_bulk_form_agrees_with_single_calls(blank, cat, file_filing):
    file_filing("SZCA", PUYANG, D(2019, 1, 1), {"new-issuance": 300, "annual-renewal": 100})
    file_filing("BJCA", HENAN, D(2019, 1, 1), {"new-issuance": 250})
    found = tariffs_in_force(D(2019, 6, 1), [PUYANG, ZHENGZHOU])
    for (vendor_id, region, product_id, item_id), tariff in found.items():
        single = tariff_in_force(vendor_id, item_id, product_id, region, D(2019, 6, 1))
        assert single == tariff
    assert len(found) == 4  # SZCA in Puyang (2 lines), BJCA in Puyang and in Zhengzhou
