"""The offices' documents in a real browser (issue: official documents and the reports the offices owe).

The province opens an overdue duty of SZCA that no case covers, issues a supervision letter (督办函) with a
requirement and a date to report by, and downloads its PDF; SZCA finds the letter in its inbox with the
link to the PDF. Then the province asks for its progress report to the government, watches it finish
and downloads the report (PDF) and the ledger (xlsx). Screenshots of each step go to tests/screenshots/.
"""

import datetime
import io

import pytest
from django.utils import timezone
from e2e.steps import expect, log_in
from openpyxl import load_workbook
from pypdf import PdfReader

from supervision.models import CAVendor, Directive, Obligation, ProgressReport
from supervision.services import ensure_obligation

pytestmark = pytest.mark.e2e


def pdf_text(body: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_the_province_issues_a_supervision_letter_and_reports_to_its_government(
    registry, live_server, new_page, shot, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    szca = CAVendor.objects.get(short_name="SZCA")
    today = timezone.localdate()
    duty, _ = ensure_obligation(
        party=szca,
        kind=Obligation.Kind.SAME_VENDOR_RECOGNITION,
        title="深圳CA：同一机构数字证书（含签章）互认",
        due_date=today - datetime.timedelta(days=30),
        dedup_key="story:letter",
        directive=Directive.objects.get(number="豫公管办〔2019〕23号"),
    )
    Obligation.objects.filter(pk=duty.pk).update(status=Obligation.Status.OVERDUE)
    base = settings.BASE_URL = live_server.url  # the messages' links point at this server

    # The province issues the letter from the duty's page.
    province = new_page(locale="zh-CN")
    log_in(province, base, "province")
    province.goto(f"{base}/registry/obligations/{duty.pk}/")
    expect(province.locator("[data-testid=letter-form]")).to_be_visible()
    province.fill("#id_requirement", "请书面说明未按期完成的原因及整改措施。")
    shot(province, "01-overdue-duty")
    with province.expect_navigation():
        province.click("[data-testid=issue-letter]")
    letter = duty.letters.get()
    expect(province.locator("[data-testid=letters]")).to_contain_text(letter.number)
    province.reload()  # the PDF is made after the issue's commit
    link = province.locator("[data-testid=letter-pdf]")
    expect(link).to_be_visible()
    shot(province, "02-letter-issued")
    download = province.request.get(base + link.get_attribute("href"))
    assert download.status == 200 and download.body().startswith(b"%PDF-")
    text = pdf_text(download.body())
    assert letter.number in text and "逾期 30 天" in text and "豫公管办〔2019〕23号 二" in text

    # SZCA reads it in its inbox, with the link to the PDF.
    vendor = new_page(locale="zh-CN")
    log_in(vendor, base, "szca")
    vendor.goto(f"{base}/registry/inbox/")
    vendor.locator("[data-testid=inbox] a", has_text=letter.number).first.click()
    body = vendor.locator("[data-testid=message-body]")
    expect(body).to_contain_text("督办函")
    pdf_link = body.locator(f"a[href$='/files/supervision.supervisionletter/{letter.pk}/pdf/']")
    expect(pdf_link).to_have_count(1)
    assert vendor.request.get(pdf_link.get_attribute("href")).status == 200
    shot(vendor, "03-vendor-inbox-letter")
    vendor.goto(f"{base}/registry/obligations/{duty.pk}/")
    expect(vendor.locator("[data-testid=letters]")).to_contain_text(letter.number)
    expect(vendor.locator("[data-testid=issue-letter]")).to_have_count(0)

    # The province asks for its progress report, sees it finish and downloads both files.
    province.goto(f"{base}/registry/reports/")
    expect(province.locator("#id_region")).to_have_value("410000")
    shot(province, "04-reports")
    # Celery runs eagerly here: the post answers once the PDF and the workbook are built, which on a
    # busy two-core machine takes longer than the default five seconds.
    with province.expect_navigation(timeout=30_000):
        province.click("[data-testid=generate-report]", timeout=30_000)
    report = ProgressReport.objects.get()
    expect(province).to_have_url(f"{base}/registry/reports/{report.pk}/")
    province.reload()
    expect(province.locator("[data-testid=report-pdf]")).to_be_visible()
    expect(province.locator("[data-testid=report-progress]")).to_contain_text("100%")
    shot(province, "05-report-ready")
    pdf = province.request.get(base + province.locator("[data-testid=report-pdf]").get_attribute("href"))
    assert pdf.status == 200 and "各地公管办要向本级政府报告" in "".join(pdf_text(pdf.body()).split())
    xlsx = province.request.get(base + province.locator("[data-testid=report-xlsx]").get_attribute("href"))
    assert xlsx.status == 200
    assert load_workbook(io.BytesIO(xlsx.body())).sheetnames[0] == "汇总"
