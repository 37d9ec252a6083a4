"""Fixtures of the fee tests: a blank slate of fee data, the catalogue, and a filing builder."""

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings


@pytest.fixture
def blank(registry):
    """No fee filings, benchmarks, complaints or fee findings (the demo ones are removed in the test's
    transaction). The removal writes no history rows: a row per deleted demo row cost most of the time."""
    from fees.findings import FEE_FINDING_KINDS
    from fees.models import Benchmark, FeeComplaint, FeeFiling, FeeImport
    from supervision.models import Finding, RectificationCase

    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        RectificationCase.objects.filter(findings__kind__in=FEE_FINDING_KINDS).delete()
        Finding.objects.filter(kind__in=FEE_FINDING_KINDS).delete()
        Benchmark.objects.all().delete()
        FeeComplaint.objects.all().delete()
        FeeImport.objects.all().delete()
        FeeFiling.objects.all().delete()


@pytest.fixture
def cat(registry):
    """Products and fee items by code, vendors by short name."""
    from fees.models import FeeItem, ProductKind
    from supervision.models import CAVendor

    class Catalogue:
        products = {p.code: p for p in ProductKind.objects.all()}
        items = {i.code: i for i in FeeItem.objects.all()}
        vendors = {v.short_name: v for v in CAVendor.objects.all()}

        def product(self, code="organisation-certificate"):
            return self.products[code]

        def item(self, code="new-issuance"):
            return self.items[code]

    return Catalogue()


@pytest.fixture
def file_filing(cat, personas):
    """file_filing("SZCA", PUYANG, date, {"new-issuance": "240.00"}, status="accepted") → FeeFiling.

    Keys are item codes (organisation certificate) or (product code, item code) pairs.
    """
    from fees.models import FeeFiling, FeeFilingLine

    def make(vendor: str, region: str, date: datetime.date, lines: dict, status: str = "accepted", **extra):
        filing = FeeFiling.objects.create(
            vendor=cat.vendors[vendor], region_id=region, effective_date=date, status=status, **extra
        )
        for key, amount in lines.items():
            product, item = key if isinstance(key, tuple) else ("organisation-certificate", key)
            FeeFilingLine.objects.create(
                filing=filing, product=cat.products[product], item=cat.items[item], amount=Decimal(str(amount))
            )
        return filing

    return make
