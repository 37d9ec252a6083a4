"""Query counts pinned for the documents the change added: the progress report's pages and API, the
supervision letters (督办函: issued, generated and sent; listed on the duty and in the API), the trial's
written reports (书面报送: collected, submitted, listed, printed) and every list's xlsx export. In a
world ten times larger each costs the same number of queries (``tests/test_query_counts.py`` does the
same for the list pages)."""

import datetime

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.accounts.models import User
from supervision.engine import cases as case_flow
from supervision.engine import letters as letter_flow
from supervision.models import (
    Authority,
    CAVendor,
    Contact,
    Finding,
    Notification,
    Obligation,
    Platform,
    ProgressReport,
    RectificationCase,
    SupervisionLetter,
)
from tests.conftest import log_in
from tests.factories import FindingFactory
from tests.test_query_counts import URLS, grow
from trial import national
from trial.models import ReportingPeriod, TrialParticipant, TrialRound, UsageLine, UsageReport, WrittenReport

pytestmark = pytest.mark.django_db

HENAN_LEAD = "河南省公共资源交易平台整合工作牵头部门"


def queries_of(action) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as queries:
        result = action()
    return result, len(queries)


def page_counts(client, urls: list[str]) -> dict[str, tuple[int, int]]:
    """url → (status, queries)."""
    counts = {}
    for url in urls:
        response, count = queries_of(lambda url=url: client.get(url))
        counts[url] = (response.status_code, count)
    return counts


class Rollback(Exception):
    pass


def rolled_back(action) -> int:
    """The queries of ``action``, whose writes are then undone (it can be measured again)."""
    with CaptureQueriesContext(connection) as queries:
        try:
            with transaction.atomic():
                action()
                raise Rollback
        except Rollback:
            pass
    return len(queries)


# --- every list's xlsx export -------------------------------------------------------------------------

WEB_LISTS = [url for url in URLS if not url.startswith("/api/")]


def xlsx(url: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}format=xlsx"


@pytest.mark.parametrize("persona", ["province", "szca"])
def test_every_lists_export_costs_the_same_queries_for_ten_times_the_rows(personas, client_for, persona):
    client = client_for(persona)
    urls = [xlsx(url) for url in WEB_LISTS]
    grow(personas, 3, 0)
    page_counts(client, urls)  # warm the caches
    small = page_counts(client, urls)
    grow(personas, 27, 3)
    large = page_counts(client, urls)
    assert any(status == 200 for status, _count in small.values())
    differing = {url: (small[url], large[url]) for url in urls if small[url] != large[url]}
    assert not differing, f"{persona}: (status, queries) small → large: {differing}"


# --- supervision letters (督办函) ------------------------------------------------------------------------


def overdue_duty(party, key: str) -> Obligation:
    duty = Obligation.objects.create(
        kind=Obligation.Kind.CUSTOM,
        title=f"督办测试（{key}）",
        due_date=datetime.date(2020, 1, 1),
        status=Obligation.Status.OVERDUE,
        key=f"letter-counts:{key}",
        **{"vendor": party} if isinstance(party, CAVendor) else {"platform": party},
    )
    return duty


def grow_party(party, duty: Obligation, units: int, start: int) -> None:
    """``units`` more contacts, users and findings of the party and the duty."""
    for n in range(start, start + units):
        Contact.objects.create(vendor=party, name=f"联系人{n}", email=f"contact{n}@example.com")
        User.objects.create(username=f"letter-user-{n}", vendor=party, role="vendor_user", email=f"u{n}@example.com")
        FindingFactory(vendor=party, platform=None, obligation=duty, dedup_key=f"letter-counts:{n}")


def test_a_letter_costs_the_same_queries_however_many_people_and_findings_its_party_has(
    personas, django_capture_on_commit_callbacks
):
    szca = CAVendor.objects.get(short_name="SZCA")
    duty = overdue_duty(szca, "one")
    province = personas["province"]
    told = []

    def issue_and_send() -> int:
        def action():
            with django_capture_on_commit_callbacks(execute=True):
                letter = letter_flow.issue_letter(duty, by=province)
            told.append(Notification.objects.filter(topic=f"letter:{letter.pk}").count())

        return rolled_back(action)

    grow_party(szca, duty, 1, 0)
    issue_and_send()  # warm the caches
    small = issue_and_send()
    grow_party(szca, duty, 10, 1)
    assert issue_and_send() == small
    assert told[-1] >= told[0] + 20  # the letter went to every contact and user


def test_the_letters_of_a_duty_cost_the_same_queries_on_its_page_and_in_the_api(
    personas, client_for, api_for, django_capture_on_commit_callbacks
):
    szca = CAVendor.objects.get(short_name="SZCA")
    duty = overdue_duty(szca, "listed")

    def issue(count: int) -> None:
        for _n in range(count):
            letter = letter_flow.issue_letter(duty, by=personas["province"])
            SupervisionLetter.objects.filter(pk=letter.pk).update(pdf=f"letters/{letter.pk}.pdf")

    urls = [duty.get_absolute_url(), "/api/v1/letters/", f"/api/v1/letters/?obligation={duty.pk}"]
    web, api = client_for("province"), api_for("province")

    def counts() -> dict:
        return page_counts(web, urls[:1]) | page_counts(api, urls[1:])

    issue(2)
    counts()
    small = counts()
    issue(20)
    large = counts()
    assert all(status == 200 for status, _count in small.values())
    assert small == large


# --- progress reports: the list, a report's page, the API ------------------------------------------------


def test_the_progress_reports_pages_cost_the_same_queries_for_ten_times_the_reports(personas, client_for, api_for):
    province = personas["province"]

    def reports(count: int) -> None:
        for n in range(count):
            ProgressReport.objects.create(
                region_id="410900" if n % 2 else "410000",
                as_of=datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
                created_by=province,
                status=ProgressReport.Status.DONE,
                issuing_authority=Authority.objects.filter(region_id="410000").first(),
                pdf=f"supervision/reports/{n}.pdf",
                xlsx=f"supervision/reports/{n}.xlsx",
            )

    reports(3)
    first = ProgressReport.objects.order_by("pk").first()
    web, api = client_for("province"), api_for("province")
    web_urls = ["/registry/reports/", first.get_absolute_url()]
    api_urls = ["/api/v1/progress-reports/", f"/api/v1/progress-reports/{first.pk}/"]

    def counts() -> dict:
        return page_counts(web, web_urls) | page_counts(api, api_urls)

    counts()
    small = counts()
    reports(30)
    large = counts()
    assert all(status == 200 for status, _count in small.values())
    assert small == large


# --- the trial's written reports (书面报送) ---------------------------------------------------------------


@pytest.fixture
def reporting(registry):
    """A cumulative round of two periods whose platforms report through Henan's lead department."""
    lead = Authority.objects.get(name=HENAN_LEAD)
    trial_round = TrialRound.objects.create(code="counts", name="计数轮次", starts_on=datetime.date(2024, 1, 1))
    trial_round.cumulative = True
    trial_round.save()
    periods = [
        ReportingPeriod.objects.create(
            round=trial_round,
            label=label,
            starts_on=datetime.date(2024, month, 1),
            ends_on=datetime.date(2024, month, 28),
            due_date=datetime.date(2024, month + 1, 1),
        )
        for month, label in ((1, "第一次统计"), (3, "第二次统计"))
    ]
    return {"round": trial_round, "periods": periods, "lead": lead, "user": User.objects.get(username="lead-henan")}


def grow_participants(reporting: dict, units: int, start: int) -> None:
    """``units`` more platforms reporting through the lead department, each with both periods' figures."""
    vendors = list(CAVendor.objects.order_by("pk")[:2])
    for n in range(start, start + units):
        platform = Platform.objects.create(name=f"书面报送测试平台{n}", region_id="410900", operator_company="测试公司")
        TrialParticipant.objects.create(round=reporting["round"], platform=platform, reporter=reporting["lead"])
        for period in reporting["periods"]:
            report = UsageReport.objects.create(
                platform=platform, period=period, starts_on=period.starts_on, ends_on=period.ends_on
            )
            for vendor in vendors:
                UsageLine.objects.create(
                    report=report,
                    vendor=vendor,
                    registered_entities=n,
                    bids=2,
                    cross_region_bids=1,
                    decryption_failures=0,
                    remedies_used=0,
                )


def test_a_written_report_costs_the_same_queries_for_ten_times_the_platforms(reporting, personas):
    national.publish_round(reporting["round"], User.objects.get(username="fagui"))
    first, second = reporting["periods"]
    user = reporting["user"]
    lead = Client()
    log_in(lead, user)
    fagui = Client()
    log_in(fagui, User.objects.get(username="fagui"))

    def submit() -> int:
        return rolled_back(lambda: national.submit_written_report(reporter=reporting["lead"], period=second, by=user))

    def counts() -> dict:
        report = WrittenReport.objects.get(period=first)
        pages = page_counts(lead, [f"{reverse('trial:writtenreport_new')}?period={second.pk}"]) | page_counts(
            fagui,
            [
                reverse("trial:writtenreport_list"),
                report.get_absolute_url(),
                reverse("trial:writtenreport_pdf", args=[report.pk]),
                "/api/v1/trial-written-reports/",
            ],
        )
        return pages | {"submit": submit()}

    grow_participants(reporting, 3, 0)
    national.submit_written_report(reporter=reporting["lead"], period=first, by=user)
    counts()
    small = counts()
    grow_participants(reporting, 30, 3)
    large = counts()
    assert len(WrittenReport.objects.get(period=first).table["rows"]) == 3
    assert len(national.collect(reporting["lead"], second).rows) == 33
    assert small == large


# --- a rectification case's findings: their history rows ---------------------------------------------------


def test_opening_and_closing_a_case_cost_the_same_queries_for_ten_times_the_findings(personas):
    szca = CAVendor.objects.get(short_name="SZCA")
    province = personas["province"]

    def findings(count: int, start: int) -> list:
        return [
            FindingFactory(vendor=szca, platform=None, status="open", dedup_key=f"case-counts:{n}")
            for n in range(start, start + count)
        ]

    def open_and_close(rows: list) -> tuple[int, int]:
        opened, closed = [], []

        def action():
            case, count = queries_of(lambda: case_flow.open_case(findings=rows, by=province))
            opened.append(count)
            RectificationCase.objects.filter(pk=case.pk).update(status=RectificationCase.Status.RESPONDED)
            case.refresh_from_db()
            closed.append(queries_of(lambda: case_flow.close(case, by=province))[1])
            reasons = Finding.history.filter(id__in=[row.pk for row in rows]).values_list(
                "history_change_reason", "history_user"
            )
            assert sum(
                1 for reason, user in reasons if (reason or "").startswith("resolved") and user == province.pk
            ) == len(rows)

        rolled_back(action)
        return opened[0], closed[0]

    open_and_close(findings(2, 0))  # warm the caches
    small = open_and_close(findings(2, 2))
    assert open_and_close(findings(20, 4)) == small
