"""The progress report to the government and its ledger (台账), 豫公管办〔2019〕23号 五: figures counted right
on a small known dataset, a city's report holding only its region, the province's adding its cities,
the workbook's ledger rows equal to what was counted, generated in Celery with progress, at a fixed
number of queries whatever the data; pages, downloads and API per role."""

import datetime
import io
import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from certificates.models import RecognitionRecord, RecognitionScope, RecognitionStatus
from fees.models import FeeFiling, FeeFilingLine, FeeItem, ProductKind
from supervision.engine import progress_report as report_flow
from supervision.models import CAVendor, Finding, Platform, ProgressReport, RectificationCase, Region

TODAY = datetime.date(2026, 3, 2)
PUYANG, ZHENGZHOU, GONGYI, PROVINCE = "410900", "410100", "410181", "410000"
S, F, C = RecognitionStatus, Finding, RectificationCase.Status
serial = itertools.count(1)


def moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def platform(region: str) -> Platform:
    return Platform.objects.filter(region_id=region, kind=Platform.Kind.PUBLIC).order_by("pk").first()


def record(where, vendor, status, done=None, *, other=None) -> RecognitionRecord:
    return RecognitionRecord.objects.create(
        platform=platform(where) if isinstance(where, str) else where,
        vendor=vendor,
        scope=RecognitionScope.CROSS_VENDOR if other else RecognitionScope.SAME_VENDOR,
        other_vendor=other,
        status=status,
        done_at=moment(done) if done else None,
        verified_at=moment(done) if done and status == S.VERIFIED else None,
        confirmed_by_platform=status == S.VERIFIED,
    )


def filing(vendor, region, *, status=FeeFiling.Status.ACCEPTED, lines=0) -> FeeFiling:
    row = FeeFiling.objects.create(
        vendor=vendor,
        region_id=region,
        effective_date=datetime.date(2021, 1, 1) + datetime.timedelta(days=next(serial)),
        status=status,
        reviewed_at=moment(TODAY) if status == FeeFiling.Status.ACCEPTED else None,
    )
    products, items = list(ProductKind.objects.all()[:lines]), FeeItem.objects.first()
    for product in products:
        FeeFilingLine.objects.create(filing=row, product=product, item=items, amount=100)
    return row


def violation(vendor, kind, status, region=None) -> Finding:
    return Finding.objects.create(
        vendor=vendor,
        kind=kind,
        status=status,
        summary=f"违规收费 {next(serial)}",
        facts={"region": region} if region else {},
        dedup_key=f"report:{next(serial)}",
    )


def case(party, opener, *, closed=False, escalated=False) -> RectificationCase:
    row = RectificationCase(
        number=f"ZG-T{next(serial)}",
        title="整改",
        facts="事实",
        due_date=TODAY,
        opened_by=opener,
        status=C.CLOSED if closed else C.ESCALATED if escalated else C.NOTIFIED,
        closed_at=moment(TODAY) if closed else None,
        escalated_at=moment(TODAY) if escalated else None,
    )
    row.set_party(party)
    row.save()
    return row


@pytest.fixture
def dataset(registry, travel, personas):
    """The seeded demo's records, filings, findings and cases replaced by a small known set, on TODAY."""
    travel(TODAY)
    RectificationCase.objects.all().delete()
    Finding.objects.all().delete()
    FeeFiling.objects.update(status=FeeFiling.Status.DRAFT)  # the benchmark keeps its lines
    RecognitionRecord.objects.all().delete()
    v = {vendor.short_name: vendor for vendor in CAVendor.objects.all()}
    szca, hnca, bjca = v["SZCA"], v["HNCA"], v["BJCA"]  # due 2019-09-30, 2019-11-30, 2019-09-30
    # Recognition: platform × vendor.
    record(PUYANG, szca, S.VERIFIED, datetime.date(2019, 9, 20))  # done
    record(PUYANG, hnca, S.DONE, datetime.date(2019, 12, 5))  # done late
    record(PUYANG, bjca, S.TESTING)  # late
    record(PUYANG, szca, S.IN_PROGRESS, other=bjca)  # cross-vendor, 尽快: under way
    record(ZHENGZHOU, szca, S.IN_PROGRESS)  # late
    record(ZHENGZHOU, bjca, S.VERIFIED, datetime.date(2019, 9, 1))  # done
    record(PROVINCE, hnca, S.VERIFIED, datetime.date(2019, 10, 1))  # done (HNCA's date is 11-30)
    record(GONGYI, szca, S.VERIFIED, datetime.date(2020, 1, 1))  # done late; 巩义 is the province's
    # Fee filings.
    filing(szca, PUYANG, lines=2)
    filing(bjca, PUYANG)
    filing(szca, ZHENGZHOU, lines=1)
    filing(hnca, PROVINCE)
    filing(szca, GONGYI)
    filing(szca, PUYANG, status=FeeFiling.Status.SUBMITTED)  # not accepted: not counted
    # Fee violations.
    violation(szca, F.Kind.OVERCHARGE, F.Status.OPEN, PUYANG)
    violation(bjca, F.Kind.PROHIBITED_FEE, F.Status.RESOLVED, PUYANG)
    violation(szca, F.Kind.OVERCHARGE, F.Status.IN_RECTIFICATION, ZHENGZHOU)
    violation(hnca, F.Kind.REPEATED_CHARGE, F.Status.OPEN)  # raised by hand, no region: province level
    violation(szca, F.Kind.OVERCHARGE, F.Status.DISMISSED, PUYANG)  # dismissed: no violation
    violation(szca, F.Kind.TRUST_LIST_DISCREPANCY, F.Status.OPEN, PUYANG)  # not a fee violation
    # Cases.
    case(platform(PUYANG), personas["puyang"], closed=True)
    case(szca, personas["puyang"])  # a vendor's case counts where its opener is
    case(szca, personas["province"], escalated=True)
    case(platform(ZHENGZHOU), personas["province"])  # a platform's case counts where the platform is
    return v


def generate(region: str, by, capture, as_of=TODAY) -> ProgressReport:
    with capture(execute=True):
        report = report_flow.request_report(region=Region.objects.get(code=region), as_of=as_of, by=by)
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.DONE
    return report


def figures(report, section: str) -> dict:
    data = report.figures[section]
    return {"total": data["totals"], **{unit["region"]: unit["figures"] for unit in data["units"]}}


def workbook(report):
    with report.xlsx.open("rb") as handle:
        return load_workbook(io.BytesIO(handle.read()))


def pdf_text(report) -> str:
    with report.pdf.open("rb") as handle:
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


# --- the figures -------------------------------------------------------------------------------------


def test_the_provinces_report_counts_each_section_and_each_city(dataset, personas, django_capture_on_commit_callbacks):
    report = generate(PROVINCE, personas["province"], django_capture_on_commit_callbacks)
    recognition = figures(report, "recognition")  # total, done, of which late, late, under way
    assert recognition["total"] == [8, 5, 2, 2, 1]
    assert recognition[PUYANG] == [4, 2, 1, 1, 1]
    assert recognition[ZHENGZHOU] == [2, 1, 0, 1, 0]
    assert recognition[PROVINCE] == [1, 1, 0, 0, 0]
    assert recognition[GONGYI] == [1, 1, 1, 0, 0]  # a county the province governs is a row of its own
    filings = figures(report, "fee_filings")  # accepted, vendors, lines
    assert filings["total"] == [5, 3, 3]  # SZCA files in three places: one vendor of the province
    assert filings[PUYANG] == [2, 2, 2] and filings[ZHENGZHOU] == [1, 1, 1] and filings[GONGYI] == [1, 1, 0]
    violations = figures(report, "fee_violations")  # found, rectified, in rectification, not acted on
    assert violations["total"] == [4, 1, 1, 2]
    assert violations[PUYANG] == [2, 1, 0, 1] and violations[PROVINCE] == [1, 0, 0, 1]
    cases = figures(report, "cases")  # opened, in progress, closed, escalated
    assert cases["total"] == [4, 2, 1, 1]
    assert cases[PUYANG] == [2, 1, 1, 0] and cases[ZHENGZHOU] == [1, 1, 0, 0] and cases[PROVINCE] == [1, 0, 0, 1]
    assert report.number.startswith("豫公管办〔2026〕") and report.issuing_authority.region_id == PROVINCE


def test_a_citys_report_holds_its_region_only(dataset, personas, django_capture_on_commit_callbacks):
    report = generate(ZHENGZHOU, personas["zhengzhou"], django_capture_on_commit_callbacks)
    assert [unit["region"] for unit in report.figures["recognition"]["units"]] == [ZHENGZHOU]
    assert figures(report, "recognition")["total"] == [2, 1, 0, 1, 0]  # 巩义 (the province's) is not Zhengzhou's
    assert figures(report, "fee_filings")["total"] == [1, 1, 1]
    assert figures(report, "fee_violations")["total"] == [1, 0, 1, 0]
    assert figures(report, "cases")["total"] == [1, 1, 0, 0]
    assert report.issuing_authority.region_id == ZHENGZHOU


def test_the_ledger_rows_are_what_was_counted(dataset, personas, django_capture_on_commit_callbacks):
    report = generate(PROVINCE, personas["province"], django_capture_on_commit_callbacks)
    book = workbook(report)
    assert book.sheetnames == ["汇总", "数字证书互认", "收费标准备案", "违规收费", "整改事项"]
    sheets = dict(zip(["recognition", "fee_filings", "fee_violations", "cases"], book.worksheets[1:], strict=True))
    for key, sheet in sheets.items():
        rows = list(sheet.iter_rows(min_row=2, values_only=True))
        assert len(rows) == report.figures[key]["totals"][0] == report.figures[key]["ledger_rows"], key
    recognition = {(row[1], row[2], row[7]) for row in sheets["recognition"].iter_rows(min_row=2, values_only=True)}
    szca, hnca = CAVendor.objects.get(short_name="SZCA").name, CAVendor.objects.get(short_name="HNCA").name
    assert (platform(PUYANG).name, szca, "按期完成") in recognition
    assert (platform(PUYANG).name, hnca, "逾期完成") in recognition
    assert (platform(ZHENGZHOU).name, szca, "逾期未完成") in recognition
    states = [row[7] for row in sheets["cases"].iter_rows(min_row=2, values_only=True)]
    assert sorted(states) == sorted(["已办结", "办理中", "逾期升级", "办理中"])
    summary = [row for row in book["汇总"].iter_rows(values_only=True) if row[0] in ("濮阳市", "合计")]
    assert ("濮阳市", 4, 2, 1, 1, 1) in summary and ("合计", 8, 5, 2, 2, 1) in summary


def test_the_pdf_reads_as_a_report_to_the_government(dataset, personas, django_capture_on_commit_callbacks):
    report = generate(PROVINCE, personas["province"], django_capture_on_commit_callbacks)
    text = pdf_text(report)
    flat = "".join(text.split())
    assert "关于公共资源交易平台数字证书互认和降费工作进展情况的报告" in flat
    assert report.number in text and "河南省人民政府" in text
    assert "各地公管办要向本级政府报告公共资源交易平台数字证书互认、降费有关要求" in flat  # 23号 五, quoted
    assert "共有交易平台与电子认证服务机构互认事项8项" in flat
    assert "各市情况表" in flat and "濮阳市" in text and "巩义市" in text  # the province's table of its cities
    city = generate(PUYANG, personas["puyang"], django_capture_on_commit_callbacks)
    assert "濮阳市人民政府" in pdf_text(city) and "各市情况表" not in "".join(pdf_text(city).split())


def test_a_report_on_demo_data_is_marked_as_such(registry, personas, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    report = generate(PROVINCE, personas["province"], django_capture_on_commit_callbacks, today)  # the seeded demo
    with report.pdf.open("rb") as handle:
        pages = [page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages]
    assert report.is_demo and len(pages) > 1 and all("示例" in page for page in pages)


# --- Celery, progress, queries -------------------------------------------------------------------------


def test_it_is_generated_in_celery_reporting_its_progress(
    dataset, personas, monkeypatch, django_capture_on_commit_callbacks
):
    phases = []
    report_progress = report_flow.PROGRESS.report
    monkeypatch.setattr(
        report_flow.PROGRESS,
        "report",
        lambda job, phase, done, total: (phases.append(phase), report_progress(job, phase, done, total)),
    )
    region = Region.objects.get(code=PUYANG)
    queued = report_flow.request_report(region=region, as_of=TODAY, by=personas["puyang"])  # not committed: queued
    assert report_flow.progress_of(queued) == {"percent": 0, "phase": "counting"}
    report = generate(PUYANG, personas["puyang"], django_capture_on_commit_callbacks)
    assert [phase for phase, _group in itertools.groupby(phases)] == ["counting", "pdf", "xlsx"]
    assert report_flow.progress_of(report) == {"percent": 100, "phase": "done"}
    assert report.finished_at is not None and report.pdf and report.xlsx
    assert report_flow.generate(report.pk) == "done"  # a second delivery of the task does nothing
    assert ProgressReport.objects.get(pk=report.pk).number == report.number


def test_a_failure_is_recorded(dataset, personas, monkeypatch, django_capture_on_commit_callbacks):
    def broken(*args, **kwargs):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(report_flow, "render_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_flow.request_report(region=Region.objects.get(code=PUYANG), as_of=TODAY, by=personas["puyang"])
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.FAILED and not report.pdf and report.number  # the number is kept


def test_the_query_count_does_not_grow_with_the_data(dataset, personas, django_capture_on_commit_callbacks):
    def queries() -> int:
        report = ProgressReport.objects.create(region_id=PROVINCE, as_of=TODAY, created_by=personas["province"])
        with CaptureQueriesContext(connection) as context:
            assert report_flow.generate(report.pk) == "done"
        return len(context.captured_queries)

    queries()  # the first report of the year starts the office's number sequence (a row more)
    small = queries()
    vendors = list(CAVendor.objects.filter(short_name__in=["SZCA", "HNCA", "BJCA", "华测CA"]))
    for n in range(20):  # ten times the data of every section
        extra = Platform.objects.create(
            name=f"测试平台{n}", region_id=PUYANG if n % 2 else ZHENGZHOU, operator_company="测试公司"
        )
        for vendor in vendors:
            record(extra, vendor, S.IN_PROGRESS)
    for n in range(45):
        filing(vendors[n % 4], PUYANG if n % 2 else ZHENGZHOU, lines=1)
        violation(vendors[n % 4], F.Kind.OVERCHARGE, F.Status.OPEN, PUYANG)
        case(platform(PUYANG), personas["province"])
    assert RecognitionRecord.objects.count() >= 80 and RectificationCase.objects.count() >= 40
    assert queries() == small


# --- pages, downloads, API ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "regions"),
    [("province", {PROVINCE, PUYANG, ZHENGZHOU, GONGYI}), ("puyang", {PUYANG}), ("zhengzhou", {ZHENGZHOU})],
)
def test_administrators_get_the_form_for_the_regions_they_report_on(client_for, registry, persona, regions):
    page = client_for(persona).get("/registry/reports/")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="generate-report"' in html
    offered = set(re.findall(r'<option value="(\d{6})"', html))
    assert regions <= offered
    if persona != "province":
        assert offered == regions
    assert 'href="/registry/reports/"' in html  # in the navigation


@pytest.mark.parametrize("persona", ["szca", "platform-puyang"])
def test_other_roles_have_no_reports(client_for, registry, persona):
    assert client_for(persona).get("/registry/reports/").status_code == 403
    assert client_for(persona).post("/registry/reports/", {"region": PUYANG, "as_of": "2026-01-01"}).status_code == 403
    assert 'href="/registry/reports/"' not in client_for(persona).get("/").content.decode()
    assert client_for("anonymous").get("/registry/reports/").status_code == 302


def test_a_city_cannot_ask_for_the_provinces_report(client_for, registry):
    response = client_for("puyang").post("/registry/reports/", {"region": PROVINCE, "as_of": TODAY.isoformat()})
    assert response.status_code == 200 and 'data-testid="error-region"' in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_asking_for_a_report_leads_to_its_page_with_the_progress_and_files(
    client_for, dataset, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("puyang").post("/registry/reports/", {"region": PUYANG, "as_of": TODAY.isoformat()})
    report = ProgressReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/registry/reports/{report.pk}/"
    html = client_for("puyang").get(response["Location"]).content.decode()
    assert 'data-testid="report-progress"' in html and 'data-width="100"' in html
    assert f'href="/files/supervision.progressreport/{report.pk}/pdf/"' in html
    assert f'href="/files/supervision.progressreport/{report.pk}/xlsx/"' in html
    assert "逾期未完成" in html  # the figures, on the page too
    listing = client_for("puyang").get("/registry/reports/").content.decode()
    assert report.number in listing
    future = (TODAY + datetime.timedelta(days=1)).isoformat()
    refused = client_for("puyang").post("/registry/reports/", {"region": PUYANG, "as_of": future})
    assert 'data-testid="form-errors"' in refused.content.decode() and ProgressReport.objects.count() == 1


def test_a_running_report_polls_its_progress(client_for, dataset, personas):
    report = report_flow.request_report(region=Region.objects.get(code=PUYANG), as_of=TODAY, by=personas["puyang"])
    html = client_for("puyang").get(f"/registry/reports/{report.pk}/").content.decode()
    assert f'hx-get="/registry/reports/{report.pk}/progress/' in html and 'data-testid="report-pdf"' not in html
    report_flow.generate(report.pk)
    block = client_for("puyang").get(f"/registry/reports/{report.pk}/progress/?running=1")
    assert block["HX-Refresh"] == "true" and 'data-testid="report-pdf"' in block.content.decode()


def test_reports_and_files_are_seen_within_scope(client_for, dataset, personas, django_capture_on_commit_callbacks):
    province = generate(PROVINCE, personas["province"], django_capture_on_commit_callbacks)
    puyang = generate(PUYANG, personas["puyang"], django_capture_on_commit_callbacks)
    seen = {
        persona: set(ProgressReport.objects.visible_to(personas[persona]))
        for persona in ("province", "puyang", "zhengzhou", "szca")
    }
    assert seen == {"province": {province, puyang}, "puyang": {puyang}, "zhengzhou": set(), "szca": set()}
    for persona, report, status in [
        ("puyang", puyang, 200),
        ("province", puyang, 200),
        ("puyang", province, 404),
        ("zhengzhou", puyang, 404),
        ("szca", puyang, 404),
    ]:
        for field in ("pdf", "xlsx"):
            url = f"/files/supervision.progressreport/{report.pk}/{field}/"
            assert client_for(persona).get(url).status_code == status, (persona, url)
    assert client_for("puyang").get(f"/registry/reports/{province.pk}/").status_code == 404
    assert client_for("szca").get(f"/registry/reports/{puyang.pk}/").status_code == 404  # not in its scope


@pytest.mark.parametrize(
    ("persona", "region", "status"),
    [
        ("province", PROVINCE, 201),
        ("province", PUYANG, 201),
        ("puyang", PUYANG, 201),
        ("puyang", PROVINCE, 403),
        ("zhengzhou", PUYANG, 403),
        ("szca", PUYANG, 403),
    ],
)
def test_the_api_asks_for_reports_within_scope(
    api_for, dataset, persona, region, status, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(persona).post(
            "/api/v1/progress-reports/", {"region": region, "as_of": TODAY.isoformat()}, format="json"
        )
    assert response.status_code == status, response.content
    if status == 201:
        body = api_for(persona).get(f"/api/v1/progress-reports/{response.json()['id']}/").json()
        assert response.json()["status"] == "queued" and body["status"] == "done" and body["progress"]["percent"] == 100
        assert body["figures"]["cases"]["totals"][0] >= 1
        assert body["pdf"].endswith("/pdf/") and body["xlsx"].endswith("/xlsx/")
    else:
        assert not ProgressReport.objects.exists()


def test_the_api_lists_reports_within_scope_and_refuses_a_future_day(
    api_for, dataset, personas, django_capture_on_commit_callbacks
):
    province = generate(PROVINCE, personas["province"], django_capture_on_commit_callbacks)
    puyang = generate(PUYANG, personas["puyang"], django_capture_on_commit_callbacks)

    def listed(persona):
        return {row["id"] for row in api_for(persona).get("/api/v1/progress-reports/").json()["results"]}

    assert listed("province") == {province.pk, puyang.pk}
    assert listed("puyang") == {puyang.pk} and listed("szca") == set()
    future = (TODAY + datetime.timedelta(days=3)).isoformat()
    response = api_for("puyang").post("/api/v1/progress-reports/", {"region": PUYANG, "as_of": future}, format="json")
    assert response.status_code == 400 and "as_of" in response.json()
    # Nor a day before the supervision began: the first day of the earliest directive's year (2019).
    before = ProgressReport.objects.count()
    response = api_for("puyang").post(
        "/api/v1/progress-reports/", {"region": PUYANG, "as_of": "0001-01-01"}, format="json"
    )
    assert response.status_code == 400 and "2019-01-01" in response.json()["as_of"][0]
    assert ProgressReport.objects.count() == before
    assert api_for("province").delete(f"/api/v1/progress-reports/{puyang.pk}/").status_code == 405
