"""The sweep's query count grows with batches, not with rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supervision.engine.sweep import Sweep
from supervision.models import Notification, Obligation
from supervision.services import ensure_obligation

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2030, 9, 1)


def sweep_queries(party, count: int, prefix: str) -> tuple[int, int]:
    for i in range(count):
        ensure_obligation(
            party=party,
            kind=Obligation.Kind.CUSTOM,
            title=f"{prefix}{i}",
            due_date=TODAY + datetime.timedelta(days=i % 20 - 5),
            dedup_key=f"{prefix}{i}",
        )
    with CaptureQueriesContext(connection) as queries:
        result = Sweep(today=TODAY, batch=500).run()
    return len(queries), result.batches


def test_query_count_does_not_grow_with_rows(travel, mailbox, szca, puyang_platform):
    travel(TODAY)
    few, batches_few = sweep_queries(szca, 10, "few-")
    Notification.objects.all().delete()
    Obligation.objects.filter(status=Obligation.Status.OVERDUE).update(status=Obligation.Status.OPEN)
    many, batches_many = sweep_queries(puyang_platform, 120, "many-")
    assert batches_few == batches_many == 2  # one of dated duties, one of duties with no date (尽快)
    assert Notification.objects.filter(obligation__title__startswith="many-").count() > 200
    assert many <= few + 2, (few, many)
    assert many < 60  # per batch: the page, the staging table, the inserts, the flip and its history rows


def test_query_count_grows_with_batches(travel, mailbox, szca):
    travel(TODAY)
    for i in range(30):
        ensure_obligation(
            party=szca, kind=Obligation.Kind.CUSTOM, title=f"b{i}", due_date=TODAY, dedup_key=f"batches-{i}"
        )
    with CaptureQueriesContext(connection) as small:
        result = Sweep(today=TODAY, batch=10).run(deliver=False)
    assert result.batches >= 4
    # Per batch: the obligations page, the staging table (created, filled, emptied), the inserts, the
    # overdue flip; inside the test's transaction each batch's atomic block adds a SAVEPOINT pair too.
    # 60 obligations and ~150 notifications still cost a few queries per batch, none per row.
    assert len(small) <= 10 + 14 * result.batches
