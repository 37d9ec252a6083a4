"""The trial's lists and overviews prefetch what they show: their query counts do not grow with rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supervision.models import BusinessDomain, Platform
from trial.models import (
    Agreement,
    Announcement,
    Coverage,
    DecryptionIncident,
    Feedback,
    TrialParticipant,
    UsageLine,
    UsageReport,
)
from trial.rounds import sync_round

pytestmark = pytest.mark.django_db

PAGES = [
    "trial:overview",
    "trial:coverage_overview",
    "trial:national_table",
    "trial:announcement_list",
    "trial:coverage_list",
    "trial:agreement_list",
    "trial:incident_list",
    "trial:usagereport_list",
    "trial:feedback_list",
    "trial:participant_list",
]


def grow(round2023, vendors, n: int) -> None:
    """n more Henan platforms join the round, each with a record of every kind."""
    construction = BusinessDomain.objects.get(code="construction")
    period = round2023.periods.order_by("due_date").first()
    for platform in Platform.objects.filter(is_demo=True, region__code__startswith="41").exclude(
        trial_participations__round=round2023
    )[:n]:
        TrialParticipant.objects.create(round=round2023, platform=platform, is_pilot_city=True)
        Announcement.objects.create(round=round2023, platform=platform, title="公告", scope="s", procedure="p")
        Coverage.objects.create(
            platform=platform, domain=construction, level="city", accepted=True, since=datetime.date(2023, 2, 1)
        )
        Agreement.objects.create(kind="component", platform=platform, title="协议")
        DecryptionIncident.objects.create(
            platform=platform,
            occurred_on=datetime.date(2023, 2, 1),
            project_code="p",
            project_name="p",
            bidder="b",
            vendor=vendors["SZCA"],
            cause="bidder",
            outcome="recovered",
            responsible="bidder",
        )
        report = UsageReport.objects.create(
            platform=platform, period=period, starts_on=period.starts_on, ends_on=period.ends_on
        )
        UsageLine.objects.create(
            report=report,
            vendor=vendors["BJCA"],
            registered_entities=1,
            bids=1,
            cross_region_bids=0,
            decryption_failures=0,
            remedies_used=0,
        )
        Feedback.objects.create(category="other", platform=platform, description="d")
    sync_round(round2023)


def count(client, name) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(name), {"round": "2023"}).status_code == 200
    return len(queries)


def test_queries_do_not_grow_with_rows(world, client_for, round2023, vendors):
    client = client_for("province")
    grow(round2023, vendors, 1)
    before = {name: count(client, name) for name in PAGES}
    grow(round2023, vendors, 4)
    after = {name: count(client, name) for name in PAGES}
    assert after == before
