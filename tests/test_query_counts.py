"""Query counts pinned for the list pages and API list endpoints: in a world ten times larger each
costs the same number of queries, for every role (a page, its capped count, the scope's
subqueries; never a query per row). ``bench/national.py`` measures the same pages at national size."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fees.models import FeeItem, ProductKind
from supervision.models import Finding, Obligation, RectificationCase
from tests.factories import (
    CaseFactory,
    FeeFilingFactory,
    FindingFactory,
    NotificationFactory,
    ObligationFactory,
)

pytestmark = pytest.mark.django_db

URLS = [
    "/registry/obligations/",
    "/registry/findings/",
    "/registry/cases/",
    "/registry/cases/board/",
    "/registry/notifications/",
    "/registry/contacts/",
    "/registry/tasks/",
    "/fees/filings/",
    "/fees/breaches/",
    "/fees/compare/?region=410900",
    "/fees/tariffs/?region=410900",
    "/ca/recognition/",
    "/api/v1/obligations/",
    "/api/v1/findings/",
    "/api/v1/cases/",
    "/api/v1/notifications/",
    "/api/v1/contacts/",
    "/api/v1/fee-filings/",
    "/api/v1/fee-filing-lines/",
    "/api/v1/recognition-records/",
]
STATUSES = list(RectificationCase.Status)


def grow(personas, units: int, start: int) -> None:
    """``units`` more of everything each persona sees: duties, reminders, findings and cases (in every
    status) of Puyang's platform and of SZCA, SZCA's fee filings in Puyang and their over-charges."""
    platform = personas["platform-puyang"].platform
    vendor = personas["szca"].vendor
    product, item = ProductKind.objects.order_by("order").first(), FeeItem.objects.filter(prohibited=False).first()
    for n in range(start, start + units):
        for party in ({"platform": platform}, {"vendor": vendor, "platform": None}):
            duty = ObligationFactory(**party, status=Obligation.Status.OVERDUE if n % 2 else Obligation.Status.OPEN)
            NotificationFactory(obligation=duty)
            FindingFactory(**party, status=Finding.Status.OPEN)
            CaseFactory(**party, status=STATUSES[n % len(STATUSES)])
        filing = FeeFilingFactory(
            vendor=vendor, effective_date=datetime.date(2020, 1, 1) + datetime.timedelta(days=n), lines=[]
        )
        line = filing.lines.model.objects.create(filing=filing, product=product, item=item, amount="999.00")
        FindingFactory(
            vendor=vendor,
            platform=None,
            kind=Finding.Kind.OVERCHARGE,
            dedup_key=f"overcharge:{line.pk}",
            facts={
                "rule": "overcharge",
                "filing_id": filing.pk,
                "filing_line_id": line.pk,
                "vendor_id": vendor.pk,
                "region": "410900",
                "product_id": product.pk,
                "item_id": item.pk,
                "amount": "999.00",
                "benchmark": "200.00",
                "excess": "799.00",
                "benchmark_source": "computed",
            },
        )


def query_counts(client, warm: bool) -> dict[str, tuple[int, int]]:
    """url → (status, queries) of each page (first warmed by one request when ``warm``)."""
    counts = {}
    for url in URLS:
        if warm:
            client.get(url)
        with CaptureQueriesContext(connection) as queries:
            status = client.get(url).status_code
        counts[url] = (status, len(queries))
    return counts


@pytest.mark.parametrize("persona", ["province", "puyang", "szca", "platform-puyang"])
def test_ten_times_the_rows_cost_the_same_queries(personas, client_for, persona):
    client = client_for(persona)
    grow(personas, 3, 0)
    small = query_counts(client, warm=True)
    grow(personas, 27, 3)
    large = query_counts(client, warm=False)
    assert any(status == 200 for status, _queries in small.values())
    differing = {url: (small[url], large[url]) for url in URLS if small[url] != large[url]}
    assert not differing, f"{persona}: (status, queries) small → large: {differing}"
