"""The dashboard (issue 12, points 7, 9 and 10): first what awaits the user, most urgent first, each line
with its party and its days left, late or waiting and a link to the item; then the counts, each linking
to its filtered list; then the charts. The same for every role, in a number of queries that does not
grow with the data."""

import datetime
import html as html_module
import importlib
import itertools
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import PERSONAS
from tests.factories import PlatformFactory

pytestmark = pytest.mark.django_db

PUYANG = "410900"
PUYANG_PLATFORM = "濮阳市公共资源交易中心交易平台"
ROLES = [p for p in PERSONAS if p != "anonymous"]
counter = itertools.count(1)


def grow(n: int, personas) -> None:
    """n more of every kind of work, for every role: duties of SZCA and of Puyang's platform late, due this
    week, reported and to be confirmed; cases to answer and responses to verify; fee filings submitted,
    draft and returned, fee complaints; bidders' feedback; certificate claims, some in conflict;
    recognition records to confirm and to verify."""
    from certificates.models import CACertificate, CertificateClaim, RecognitionRecord
    from fees.models import FeeComplaint, FeeFiling, FeeItem, ProductKind
    from supervision.models import CaseResponse, CAVendor, Obligation, Platform, RectificationCase
    from trial.models import Feedback

    today = timezone.localdate()
    szca, bjca = CAVendor.objects.get(short_name="SZCA"), CAVendor.objects.get(short_name="BJCA")
    platform = Platform.objects.get(name=PUYANG_PLATFORM)
    duties, cases, filings = [], [], []
    for _ in range(n):
        i = next(counter)
        for party in ({"vendor": szca}, {"platform": platform}):
            for status, due in (
                ("overdue", today - datetime.timedelta(days=i % 30 + 1)),
                ("open", today + datetime.timedelta(days=i % 3)),
                ("open", None),
                ("reported", today),
                ("to_confirm", datetime.date(2019, 9, 30)),
            ):
                duties.append(
                    Obligation(
                        title=f"任务{i}",
                        status=status,
                        due_date=due,
                        dedup_key=f"grow:{i}:{status}:{due}:{list(party)[0]}",
                        **party,
                    )
                )
            cases.append(
                RectificationCase(
                    number=f"G{i}-{list(party)[0]}",
                    title=f"整改{i}",
                    facts="事实",
                    status="notified",
                    due_date=today + datetime.timedelta(days=i % 20),
                    opened_by=personas["puyang"],
                    **party,
                )
            )
            cases.append(
                RectificationCase(
                    number=f"R{i}-{list(party)[0]}",
                    title=f"核验{i}",
                    facts="事实",
                    status="responded",
                    due_date=today + datetime.timedelta(days=5),
                    opened_by=personas["puyang"],
                    **party,
                )
            )
        for status in ("submitted", "draft", "returned"):
            filings.append(
                FeeFiling(
                    vendor=szca,
                    region_id=PUYANG,
                    effective_date=datetime.date(2021, 1, 1) + datetime.timedelta(days=3 * i + len(filings) % 3),
                    status=status,
                    submitted_at=timezone.now() if status == "submitted" else None,
                    return_reason="缺少说明" if status == "returned" else "",
                )
            )
        FeeComplaint.objects.create(
            vendor=szca,
            platform=platform,
            product=ProductKind.objects.first(),
            item=FeeItem.objects.first(),
            charged_on=today,
            amount=Decimal("300.00"),
            description="多收费",
        )
        Feedback.objects.create(category="suggestion", platform=platform, description=f"建议{i}")
        source = CACertificate.objects.filter(vendor=szca).first()
        copy = CACertificate.objects.get(pk=source.pk)
        copy.pk, copy.sha256_fingerprint, copy.issuer_id, copy.root_id = None, f"{i:064x}", None, None
        copy.save()
        CertificateClaim.objects.create(certificate=copy, vendor=szca)
        if i % 2:
            CertificateClaim.objects.create(certificate=copy, vendor=bjca)  # a conflict
        other = PlatformFactory(region_id=PUYANG)
        RecognitionRecord.objects.create(
            vendor=szca, platform=other, status="done", confirmed_by_platform=True, confirmed_at=timezone.now()
        )
    Obligation.objects.bulk_create(duties)
    RectificationCase.objects.bulk_create(cases)
    for case in RectificationCase.objects.filter(status="responded", responses__isnull=True):
        # As engine.cases.respond records it: the response, and its time on the case.
        response = CaseResponse.objects.create(case=case, text="已整改")
        RectificationCase.objects.filter(pk=case.pk).update(responded_at=response.created)
    FeeFiling.objects.bulk_create(filings)
    # The platform's own records to confirm: some of its records come to "done" (one per vendor and scope).
    waiting = RecognitionRecord.objects.filter(platform=platform).exclude(status="done").values_list("pk", flat=True)
    RecognitionRecord.objects.filter(pk__in=list(waiting[:n])).update(status="done", confirmed_by_platform=False)


def queries(client) -> int:
    client.get("/dashboard/")  # warm-up: caches of content types and permissions
    with CaptureQueriesContext(connection) as context:
        assert client.get("/dashboard/").status_code == 200
    return len(context.captured_queries)


def test_the_dashboard_takes_as_many_queries_for_ten_times_the_work(
    personas, client_for, admin_client, django_assert_max_num_queries
):
    clients = {role: client_for(role) for role in ROLES} | {"superuser": admin_client}
    grow(2, personas)
    small = {role: queries(client) for role, client in clients.items()}
    grow(18, personas)
    large = {role: queries(client) for role, client in clients.items()}
    assert large == small
    for client in clients.values():
        # An administrator's page reads its platforms and authorities once (one query), then compares
        # every count's keys with those lists.
        with django_assert_max_num_queries(41):
            client.get("/dashboard/")


def worklist(client) -> list[dict]:
    html = client.get("/dashboard/").content.decode()
    section = html.split('data-testid="worklist"', 1)[1].split("</section>", 1)[0]
    rows = []
    for row in re.findall(r'<tr data-testid="work-item">(.*?)</tr>', section, re.S):
        cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        link = re.search(r'href="([^"]+)"', row).group(1)
        rows.append(
            {"task": cells[0], "item": cells[1], "party": cells[2], "due": cells[3], "days": cells[4], "link": link}
        )
    return rows


def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_the_province_sees_its_decisions_first_most_urgent_first(personas, client_for):
    grow(2, personas)
    client = english(client_for("province"))
    rows = worklist(client)
    assert len(rows) == 12
    tasks = [row["task"] for row in rows]
    # Late duties first, the latest first, then those due this week, then the decisions by age.
    assert tasks[0] == "Overdue duty" and rows[0]["days"].endswith("days late")
    late = [int(row["days"].split()[0]) for row in rows if row["task"] == "Overdue duty"]
    assert late == sorted(late, reverse=True)
    assert all(row["party"] for row in rows)
    for row in rows:
        assert client.get(row["link"]).status_code == 200, row
    # Every kind is there, found by its own filter past the twelve shown.
    kinds = {item.task for item in worklist_all(client)}
    assert {
        "Overdue duty",
        "Duty due within a week",
        "Accept or return the reported fulfilment",
        "Verify the response to the case",
        "Confirm whether the duty was met",
        "Review the fee filing",
        "Examine the fee complaint",
        "Triage the bidders' feedback",
        "Decide the certificate claim",
        "Decide the conflicting claims",
        "Verify the recognition",
    } <= kinds


def worklist_all(client) -> list:
    """Every item the apps report for the client's user (not only the twelve shown)."""
    from portal.navigation import worklist as collect

    return collect(client.get("/dashboard/").wsgi_request.user, limit=100)[0]


def test_a_duty_to_confirm_reads_as_such_never_as_late(personas, client_for):
    client = english(client_for("province"))
    items = [item for item in worklist_all(client) if item.note]
    assert items and all(item.days(timezone.localdate()) is None for item in items)
    html = client.get("/dashboard/").content.decode()
    assert "to be confirmed: loaded late" in html
    assert "/registry/obligations/?status=to_confirm" in html  # the count links to them


def test_a_vendor_sees_what_it_must_answer_and_by_when(personas, client_for):
    grow(1, personas)
    rows = worklist(english(client_for("szca")))
    tasks = {row["task"] for row in rows}
    assert {"Overdue duty", "Duty due within a week", "Answer the rectification case"} <= tasks
    assert all(row["party"] == "SZCA" for row in rows)
    assert not tasks & {"Review the fee filing", "Verify the response to the case", "Decide the certificate claim"}
    assert any(re.fullmatch(r"\d+ days? left|due today", row["days"]) for row in rows)
    assert not any("BJCA" in row["item"] for row in rows)


def test_a_platform_sees_its_duties_cases_and_recognition_to_confirm(personas, client_for):
    grow(1, personas)
    items = worklist_all(english(client_for("platform-puyang")))
    tasks = {item.task for item in items}
    assert {"Overdue duty", "Answer the rectification case", "Confirm the recognition"} <= tasks
    assert all(
        item.party in (PUYANG_PLATFORM, "SZCA", "BJCA", "HNCA", "华测CA", "CFCA")
        or item.task == "Confirm the recognition"
        for item in items
    )


def test_a_city_sees_only_its_region(personas, client_for):
    grow(1, personas)
    puyang = {item.title for item in worklist_all(client_for("puyang"))}
    zhengzhou = worklist_all(client_for("zhengzhou"))
    assert any(title.startswith("任务") for title in puyang)
    assert not any(item.party == PUYANG_PLATFORM for item in zhengzhou)
    assert not any(item.task in ("Triage the bidders' feedback", "反馈") for item in zhengzhou)


def test_nothing_awaiting_says_so(personas, client_for):
    from supervision.models import Obligation

    Obligation.objects.all().delete()
    html = client_for("bjca").get("/dashboard/").content.decode()
    assert 'data-testid="worklist-empty"' in html


def test_the_counts_come_after_the_worklist_and_each_opens_its_list(client_for):
    client = client_for("province")
    html = client.get("/dashboard/").content.decode()
    assert (
        html.index('data-testid="worklist"') < html.index('data-testid="counts"') < html.index("recognition-chart-data")
    )
    counts = html.split('data-testid="counts"', 1)[1].split("<section", 1)[0]
    links = re.findall(r'class="stretched-link" aria-label="[^"]*"|href="([^"]+)"', counts)
    links = [link.replace("&amp;", "&") for link in links if link]
    assert len(links) >= 15
    for link in links:
        assert client.get(link).status_code == 200, link


def test_the_overdue_list_says_how_many_days_late(personas, client_for):
    from supervision.models import CAVendor, Obligation

    late = Obligation.objects.create(
        vendor=CAVendor.objects.get(short_name="SZCA"),
        title="逾期的任务",
        status="overdue",
        due_date=timezone.localdate() - datetime.timedelta(days=12),
    )
    assert late.days_overdue() == 12
    html = client_for("province").get("/registry/obligations/?status=overdue").content.decode()
    assert "逾期天数" in html
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", html, re.S) if "逾期的任务" in r)
    assert "<td>12</td>" in row


def test_a_card_counts_to_its_cap_and_names_the_parties_with_most_open_cases(personas, client_for):
    """A count stops at the cap ("1000+" on the card; its list counts on), and the open cases' note
    names the three parties with the most, as many as each has."""
    from portal.pagination import count_to
    from supervision.models import CAVendor, Obligation, RectificationCase

    grow(1, personas)
    szca = CAVendor.objects.get(short_name="SZCA")
    duties = Obligation.objects.filter(vendor=szca)
    total = duties.count()
    assert total > 2
    assert count_to(duties, cap=total) == total
    assert count_to(duties, cap=total - 1) == f"{total - 1}+"
    page = client_for("province").get("/dashboard/")
    card = next(c for c in page.context["cards"] if c.url.endswith("/registry/cases/board/"))
    open_cases = RectificationCase.objects.filter(status__in=RectificationCase.OPEN)
    counts = {}
    for case in open_cases.select_related("vendor", "platform", "authority"):
        name = case.vendor.short_name if case.vendor else (case.platform or case.authority).name
        counts[name] = counts.get(name, 0) + 1
    assert card.value == sum(counts.values())
    shown = dict(part.rsplit(" ", 1) for part in card.note.split("；"))
    assert shown and {name: int(n) for name, n in shown.items()} == {name: counts[name] for name in shown}
    assert sorted(counts.values(), reverse=True)[: len(shown)] == sorted(map(int, shown.values()), reverse=True)


def responded_cases(personas) -> list:
    """Two cases awaiting their party's response (SZCA's, then Puyang's platform's), answered in turn."""
    from supervision.engine import cases as case_flow
    from supervision.models import CAVendor, Platform, RectificationCase

    parties = (
        ({"vendor": CAVendor.objects.get(short_name="SZCA")}, personas["szca"]),
        ({"platform": Platform.objects.get(name=PUYANG_PLATFORM)}, personas["platform-puyang"]),
    )
    cases = []
    for i, (party, user) in enumerate(parties):
        case = RectificationCase.objects.create(
            number=f"V{i}",
            title=f"待核验{i}",
            facts="事实",
            status="notified",
            due_date=timezone.localdate() + datetime.timedelta(days=5),
            opened_by=personas["puyang"],
            **party,
        )
        case_flow.respond(case, text="已整改", by=user)
        cases.append(case)
    return cases


def test_a_response_records_its_time_on_the_case_and_the_responses_to_verify_follow_it(personas, client_for):
    """A response sets the case's ``responded_at`` to its own time, in the same transaction; the
    worklist's responses to verify come in that order, the longest waiting first, and a case answered
    again after being returned moves behind those answered since."""
    from supervision.engine import cases as case_flow

    first, second = responded_cases(personas)
    for case in (first, second):
        case.refresh_from_db()
        assert case.status == "responded" and case.responded_at == case.responses.get().created
    client = english(client_for("province"))

    def to_verify() -> list[str]:
        ours = {str(first), str(second)}
        return [
            item.title
            for item in worklist_all(client)
            if item.task == "Verify the response to the case" and item.title in ours
        ]

    assert to_verify() == [str(first), str(second)]
    case_flow.return_for_more(first, by=personas["province"], note="缺少材料")
    first.refresh_from_db()
    assert first.status == "returned" and first.responded_at == first.responses.get().created  # kept
    assert to_verify() == [str(second)]
    case_flow.respond(first, text="补充材料", by=personas["szca"])
    first.refresh_from_db()
    latest = first.responses.order_by("-created").first()
    assert latest.text == "补充材料" and first.responded_at == latest.created > second.responded_at
    assert to_verify() == [str(second), str(first)]  # no longer the order of their ids
    item = next(item for item in worklist_all(client) if item.title == str(first))
    assert item.since == timezone.localtime(latest.created).date()


def test_the_migration_fills_the_latest_response_of_cases_and_of_their_history(personas):
    """The migration that adds ``responded_at`` fills it from the responses as ``respond`` would have
    set it: on each case and on each of its history rows (the latest response before the row)."""
    from supervision.engine import cases as case_flow
    from supervision.models import RectificationCase

    migration = importlib.import_module("supervision.migrations.0019_case_responded_at_and_dashboard_indexes")
    first, second = responded_cases(personas)
    case_flow.return_for_more(first, by=personas["province"], note="缺少材料")
    case_flow.respond(first, text="补充材料", by=personas["szca"])
    History = RectificationCase.history.model

    def recorded() -> tuple[dict, list]:
        cases = dict(RectificationCase.objects.order_by("pk").values_list("pk", "responded_at"))
        rows = list(History.objects.order_by("history_id").values_list("history_id", "responded_at"))
        return cases, rows

    as_responded = recorded()
    assert as_responded[0][first.pk] == first.responses.order_by("-created").first().created
    assert len({at for _, at in as_responded[1] if at}) == 3  # two of the first case's, one of the second's
    RectificationCase.objects.update(responded_at=None)
    History.objects.update(responded_at=None)
    migration.fill_responded_at(apps, SimpleNamespace(connection=connection))
    assert recorded() == as_responded
    assert RectificationCase.objects.filter(responses__isnull=True, responded_at__isnull=False).count() == 0


def test_the_dashboards_partial_indexes_cover_what_it_reads():
    """The partial index of the open cases' parties covers exactly the open statuses (else PostgreSQL
    cannot use it for the count by party), and that of the responses to verify covers that status."""
    from supervision.models import RectificationCase

    indexes = {index.name: index for index in RectificationCase._meta.indexes}
    assert indexes["case_open_party"].condition.children == [("status__in", list(RectificationCase.OPEN))]
    assert indexes["case_to_verify"].condition.children == [("status", RectificationCase.Status.RESPONDED)]


def test_the_whole_countrys_recognition_is_counted_at_most_every_five_minutes_and_says_when(
    personas, admin_client, client_for
):
    """A superuser's recognition figures cover every record of the country (aggregates that grow with
    it): counted at most every five minutes, with the time they were counted on the page; an
    administrator's own region is counted on every request, with no such note."""
    from django.core.cache import cache

    from certificates.dashboard import NATIONAL_KEY
    from certificates.models import RecognitionRecord

    def figures(client) -> tuple[str, str]:
        html = english(client).get("/dashboard/").content.decode()
        share = re.search(r"(\d+) of (\d+) records", html)
        counted = re.search(r'data-testid="chart-counted">(.*?)</p>', html, re.S)
        return share.group(0), html_module.unescape(counted.group(1).strip()) if counted else ""

    first, note = figures(admin_client)
    assert re.fullmatch(
        r"Counted at \d\d:\d\d; the whole country's figures are counted again every 5 minutes\.", note
    ), note
    waiting = RecognitionRecord.objects.exclude(status="verified").first()
    RecognitionRecord.objects.filter(pk=waiting.pk).update(status="verified", confirmed_by_platform=True)
    assert figures(admin_client)[0] == first  # as counted, until the next count
    cache.delete(NATIONAL_KEY)  # five minutes later
    verified, total = (int(n) for n in re.match(r"(\d+) of (\d+)", first).groups())
    assert figures(admin_client)[0] == f"{verified + 1} of {total} records"
    assert figures(client_for("province"))[1] == ""


def test_the_recognition_charts_say_which_records_they_count(client_for):
    """The card counts every recognition record of the scope, the charts the same-vendor ones: the panel
    says so, so the two figures do not read as a contradiction."""
    response = client_for("platform-puyang").get("/dashboard/")
    html = response.content.decode()
    assert 'data-testid="chart-scope"' in html and "图表统计同一机构互认记录；上方卡片统计全部互认记录。" in html
