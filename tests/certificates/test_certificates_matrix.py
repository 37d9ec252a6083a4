"""The matrix pages and the list endpoints answer with a fixed number of queries, whatever the data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certificates import workflow
from certificates.matrix import Filters, national_matrix, province_matrix
from certificates.models import RecognitionRecord
from supervision.models import CAVendor, Platform

pytestmark = pytest.mark.django_db


def queries(call) -> int:
    with CaptureQueriesContext(connection) as context:
        call()
    return len(context.captured_queries)


@pytest.fixture
def more_rows(vendors, henan_platforms):
    """Ten more vendors with a row on every Henan platform: the counts must not move."""

    def grow(count=10):
        created = []
        for index in range(count):
            vendor = CAVendor.objects.create(name=f"测试机构{index}（示例）", short_name=f"T{index}")
            created += [
                RecognitionRecord(vendor=vendor, platform=platform, scope="same_vendor", status="in_progress")
                for platform in henan_platforms
            ]
        RecognitionRecord.objects.bulk_create(created)

    return grow


PAGES = ["/ca/matrix/", "/ca/matrix/national/", "/ca/matrix/?region=410900&scope=cross_vendor&status=testing"]
ENDPOINTS = [
    "/api/v1/recognition-records/",
    "/api/v1/recognition-matrix/",
    "/api/v1/recognition-matrix/national/",
    "/api/v1/ca-certificates/",
    "/api/v1/trust-list-entries/",
    "/api/v1/products/",
]


@pytest.mark.parametrize("url", PAGES)
def test_matrix_pages_use_a_fixed_number_of_queries(url, client_for, more_rows):
    client = client_for("province")
    client.get(url)  # warm caches (content types, permissions)
    before = queries(lambda: client.get(url))
    more_rows()
    after = queries(lambda: client.get(url))
    assert before == after
    assert after <= 16


@pytest.mark.parametrize("url", ENDPOINTS)
def test_list_endpoints_use_a_fixed_number_of_queries(url, api_for, more_rows):
    client = api_for("province")
    client.get(url)
    before = queries(lambda: client.get(url))
    more_rows()
    after = queries(lambda: client.get(url))
    assert before == after
    assert after <= 8


def test_matrix_query_counts_are_pinned(personas):
    """region, platforms, vendor count, vendor page, cells, due dates; national: count, page, cells, names."""
    personas["province"].region  # noqa: B018 - the user's region is loaded once per request anyway
    assert queries(lambda: province_matrix(personas["province"], Filters(region="410000"))) == 6
    assert queries(lambda: national_matrix(personas["province"], Filters())) == 4


def test_province_matrix_cells(personas, vendors):
    result = province_matrix(personas["province"], Filters(region="410000"), today=datetime.date(2019, 10, 5))
    names = [p["name"] for p in result.platforms]
    assert "濮阳市公共资源交易中心交易平台" in names and "北京市公共资源交易中心交易平台" not in names
    rows = {row.vendor.short_name: row for row in result.rows}
    assert rows["BJCA"].due == datetime.date(2019, 9, 30) and rows["HNCA"].due == datetime.date(2019, 11, 30)
    assert all(cell.status == "verified" and cell.days_left is None for cell in rows["BJCA"].cells)
    szca = dict(zip(names, rows["SZCA"].cells, strict=True))
    puyang = szca["濮阳市公共资源交易中心交易平台"]
    assert puyang.status == "testing" and puyang.days_late == 5 and "cell-late" in puyang.css
    verified_late = szca["郑州市公共资源交易中心交易平台"]
    assert verified_late.status == "verified" and verified_late.verified_late_days == 21
    city = province_matrix(personas["province"], Filters(region="410900"))
    assert {p["region_id"] for p in city.platforms} <= {"410900"} | {
        code for code in Platform.objects.filter(region__parent_id="410900").values_list("region_id", flat=True)
    }
    verified_only = province_matrix(personas["province"], Filters(region="410000", status="verified"))
    assert all(cell.status in ("", "verified") for row in verified_only.rows for cell in row.cells)


def test_national_matrix_shares_and_drill_down(personas, client_for):
    result = national_matrix(personas["province"], Filters())
    assert [c["code"] for c in result.columns] == ["410000"]  # a Henan administrator sees Henan
    everyone = national_matrix(personas["szca"], Filters())
    assert {c["code"] for c in everyone.columns} == {"410000", "440000"}
    row = everyone.rows[0]
    henan = row.cells[[c["code"] for c in everyone.columns].index("410000")]
    assert (
        henan.total
        == RecognitionRecord.objects.filter(
            vendor=personas["szca"].vendor, scope="same_vendor", platform__region__code__startswith="41"
        ).count()
    )
    page = client_for("szca").get("/ca/matrix/national/").content.decode()
    assert 'href="/ca/matrix/?region=410000&amp;scope=same_vendor"' in page


def test_matrix_page_shows_due_dates_and_lateness(client_for):
    page = client_for("province").get("/ca/matrix/").content.decode()
    assert "2019-09-30" in page and "2019-11-30" in page
    assert "逾期" in page and "cell-late" in page


def test_lateness_made_up_for_the_demo_is_marked_as_such(client_for):
    """The demo's late cells say 示例 (issue 9: demo data never accuses a real company); real ones do not."""
    page = client_for("province").get("/ca/matrix/").content.decode()
    late_cells = [c for c in page.split("<td ")[1:] if "cell-late" in c.split(">")[0]]
    assert late_cells and all("demo-badge" in c.split("</td>")[0] for c in late_cells)
    assert 'data-testid="matrix-demo"' in page
    RecognitionRecord.objects.update(is_demo=False)
    page = client_for("province").get("/ca/matrix/").content.decode()
    assert "cell-late" in page and "demo-badge" not in page and 'data-testid="matrix-demo"' not in page


def test_matrix_xlsx_export(client_for):
    from io import BytesIO

    from openpyxl import load_workbook

    response = client_for("province").get("/ca/matrix/?format=xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert header[0] == "电子认证服务机构" and "濮阳市公共资源交易中心交易平台" in header
    bodies = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "深圳市电子商务安全证书管理有限公司" in bodies
    assert any("逾期" in str(value) for value in bodies["深圳市电子商务安全证书管理有限公司"] if value)


def test_dashboard_has_the_charts(client_for):
    page = client_for("province").get("/dashboard/").content.decode()
    assert 'id="recognition-chart-data"' in page and "chart.umd.min.js" in page
    assert "互认已核验" in page
    vendor_page = client_for("szca").get("/dashboard/").content.decode()
    assert "华测CA" not in vendor_page.split('id="recognition-chart-data"')[1].split("</script>")[0]


def test_workflow_changes_show_in_the_matrix(personas, vendors):
    record = RecognitionRecord.objects.get(
        vendor=vendors["SZCA"], platform__name="洛阳市公共资源交易中心交易平台", scope="same_vendor"
    )
    workflow.transition(record, "done", user=personas["szca"], note="测试通过")
    result = province_matrix(personas["province"], Filters(region="410300"))
    row = next(r for r in result.rows if r.vendor.short_name == "SZCA")
    assert [cell.status for cell in row.cells if cell.total] == ["done"] * len([c for c in row.cells if c.total])
