"""Money is Decimal to the fen from input to rule; floats from openpyxl are read exactly or refused."""

from decimal import Decimal

import pytest
from django.utils import translation

from fees.money import parse_amount


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("199.90", Decimal("199.90")),
        ("199.9", Decimal("199.90")),
        (199.9, Decimal("199.90")),  # openpyxl gives floats for numeric cells: read through repr
        (200, Decimal("200.00")),
        (200.0, Decimal("200.00")),
        ("1,234.50", Decimal("1234.50")),
        ("0", Decimal("0.00")),
        ("120元", Decimal("120.00")),
        (Decimal("0.30"), Decimal("0.30")),
    ],
)
def test_amounts_are_read_exactly(value, expected):
    amount = parse_amount(value)
    assert amount == expected
    assert isinstance(amount, Decimal)
    assert amount.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("199.995", "two decimal places"),
        (199.995, "two decimal places"),
        (0.1 + 0.2, "two decimal places"),  # a float sum: 0.30000000000000004 is refused, not rounded
        ("-1", "negative"),
        (-0.01, "negative"),
        ("abc", "not a number"),
        ("", "required"),
        (None, "required"),
        (float("nan"), "not a number"),
        ("1e20", "too large"),
        (True, "not a number"),
    ],
)
def test_bad_amounts_are_refused_with_a_reason(value, fragment):
    with translation.override("en"), pytest.raises(ValueError, match=fragment):
        parse_amount(value)


def test_messages_are_in_chinese_by_default(settings):
    # Another test in the same worker may have left a language active in this thread.
    with translation.override(settings.LANGUAGE_CODE), pytest.raises(ValueError, match="最多保留两位小数"):
        parse_amount("1.234")


def test_amount_column_is_decimal_in_the_database(db, file_filing, cat, blank):
    import datetime

    from fees.models import FeeFilingLine

    filing = file_filing("SZCA", "410900", datetime.date(2019, 3, 1), {"new-issuance": "0.30"})
    line = FeeFilingLine.objects.get(filing=filing)
    assert isinstance(line.amount, Decimal) and line.amount == Decimal("0.30")
