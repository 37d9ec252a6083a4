"""A list in the browser: filter the duties by a CA vendor picked by name in the searchable select,
export what is shown to Excel, and print it (the print stylesheet: no navigation, the title, filters
and date on top, the table's header repeated on every sheet)."""

import io

import pytest
from e2e.steps import expect, log_in
from openpyxl import load_workbook

from portal.exports import HEADER_ROW

pytestmark = pytest.mark.e2e

SZCA = "深圳市电子商务安全证书管理有限公司"


def test_filter_by_name_export_and_print_the_duties(registry, live_server, new_page, shot):
    page = new_page(locale="zh-CN")
    base = live_server.url
    log_in(page, base, "province")
    page.goto(f"{base}/registry/obligations/")
    expect(page.locator("main h1")).to_contain_text("任务")
    everything = int(page.locator("[data-testid=total]").inner_text())

    # The vendor filter: type part of the name, pick it from what the server offers.
    page.locator("#id_vendor-ts-control").click()
    page.locator("#id_vendor-ts-control").fill("深圳")
    option = page.locator(".ts-dropdown .option", has_text=SZCA)
    expect(option).to_be_visible()
    shot(page, "01-vendor-search")
    option.click()
    page.locator("[data-testid=filters] button[type=submit]").click()
    page.wait_for_url("**/registry/obligations/?*vendor=*")
    expect(page.locator("#id_vendor + .ts-wrapper .item")).to_have_text(SZCA)
    shown = int(page.locator("[data-testid=total]").inner_text())
    assert 0 < shown < everything
    shot(page, "02-filtered")

    # Export: the workbook holds the rows the page counts, under the title and the filter.
    with page.expect_download() as download_info:
        page.click("[data-testid=export-xlsx]")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx") and download.suggested_filename.startswith("任务")
    sheet = load_workbook(io.BytesIO(download.path().read_bytes())).active  # the file has no .xlsx suffix
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "任务"
    assert SZCA in rows[1][0]  # the filters row names the vendor
    assert len(rows) - HEADER_ROW == shown
    responsible = rows[HEADER_ROW - 1].index("责任主体")
    assert {row[responsible] for row in rows[HEADER_ROW:]} == {SZCA}

    # Print: the print view of the same rows; on paper no navigation, filters or buttons.
    page.click("[data-testid=print]")
    page.wait_for_url("**print=1*")
    expect(page.locator("[data-testid=print-toolbar]")).to_be_visible()
    expect(page.locator("nav.navbar")).to_be_hidden()
    shot(page, "03-print-view")
    page.emulate_media(media="print")
    header = page.locator("[data-testid=print-header]")
    expect(header).to_be_visible()
    expect(header.locator(".print-title")).to_have_text("任务")
    expect(header).to_contain_text(SZCA)
    expect(header).to_contain_text("打印时间")
    for hidden in ("nav.navbar", "[data-testid=filters]", "[data-testid=print-toolbar]", "footer"):
        expect(page.locator(hidden)).to_be_hidden()
    thead = page.locator("[data-testid=list-table] thead")
    assert thead.evaluate("(el) => getComputedStyle(el).display") == "table-header-group"
    expect(page.locator("[data-testid=list-table] tbody tr")).to_have_count(shown)
    shot(page, "04-printed")
