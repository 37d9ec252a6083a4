"""The xlsx import: a good sheet (dry run, then all rows written with history), one bad row (nothing
written, the row and column named), every kind of bad input, and a large sheet through Celery."""

import datetime
import json
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext
from feetest import PUYANG, ZHENGZHOU, stored
from openpyxl import Workbook

from fees.importing import jobs
from fees.importing.resource import FilingLineResource
from fees.models import FeeFiling, FeeFilingLine, FeeImport, FeeItem

pytestmark = pytest.mark.django_db
HEADER = ["机构", "地区代码", "生效日期", "产品", "收费项目", "金额（元）", "按平台重复收取", "备注"]
GOOD = [
    ["SZCA", PUYANG, "2020-01-01", "单位证书", "新办", "200.00", "否", ""],
    ["SZCA", PUYANG, "2020-01-01", "单位证书", "年费/续期", 150, "", ""],
    ["SZCA", PUYANG, "2020-01-01", "个人证书", "新办", 99.9, "否", "个人"],
    ["BJCA", ZHENGZHOU, datetime.datetime(2020, 2, 1), "单位证书", "新办", "210", "否", ""],
]


def sheet(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, name="filings.xlsx", submit_after=False):
    return client.post(
        "/fees/imports/",
        {"file": SimpleUploadedFile(name, content), **({"submit_after": "on"} if submit_after else {})},
    )


def latest() -> FeeImport:
    return FeeImport.objects.order_by("-pk").first()


def test_good_sheet_dry_run_then_write(blank, client_for, personas):
    client = client_for("province")
    response = upload(client, sheet(GOOD))
    assert response.status_code == 302
    job = latest()
    assert job.status == FeeImport.Status.CHECKED, job.errors
    assert job.summary["lines"] == 4 and job.summary["filings"] == 2
    assert FeeFiling.objects.count() == 0  # the dry run wrote nothing
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'data-testid="import-preview"' in page
    client.post(f"/fees/imports/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == FeeImport.Status.DONE, job.errors
    assert FeeFiling.objects.filter(status="draft").count() == 2
    lines = FeeFilingLine.objects.order_by("pk")
    assert [str(line.amount) for line in lines] == ["200.00", "150.00", "99.90", "210.00"]
    created = FeeFilingLine.history.filter(id__in=[line.pk for line in lines], history_type="+")
    assert created.count() == 4  # history kept, written in bulk
    assert {h.history_user for h in created} == {personas["province"]}
    assert FeeFiling.history.filter(history_type="+", id__in=FeeFiling.objects.values("pk")).count() == 2
    # Confirming twice writes nothing more.
    client.post(f"/fees/imports/{job.pk}/confirm/")
    assert FeeFilingLine.objects.count() == 4


def test_import_with_submission_runs_the_rules(blank, client_for, file_filing, personas):
    from supervision.models import Finding

    file_filing("HNCA", PUYANG, datetime.date(2019, 3, 1), {"new-issuance": 180})
    client = client_for("szca")
    rows = [["", PUYANG, "2020-01-01", "单位证书", "新办", "200.00", "否", ""]]
    upload(client, sheet(rows), submit_after=True)
    job = latest()
    client.post(f"/fees/imports/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == FeeImport.Status.DONE and job.summary["breaches"] == 1
    filing = FeeFiling.objects.get(vendor=personas["szca"].vendor)
    assert filing.status == "submitted" and filing.submitted_by == personas["szca"]
    assert Finding.objects.filter(kind="overcharge", vendor=personas["szca"].vendor).count() == 1


def errors_of(client, rows, existing=0, **kwargs):
    upload(client, sheet(rows, **kwargs))
    job = latest()
    assert job.status == FeeImport.Status.INVALID
    assert FeeFiling.objects.count() == existing and FeeFilingLine.objects.count() == existing
    return [(e["row"], e["column"], e["message"]) for e in job.errors]


def test_one_bad_row_writes_nothing_and_names_the_row(blank, client_for):
    rows = [*GOOD[:2], ["SZCA", PUYANG, "2020-01-01", "个人证书", "新办", "-5", "否", ""], GOOD[3]]
    errors = errors_of(client_for("province"), rows)
    assert errors == [(4, "金额（元）", "金额不能为负数（-5）")]
    page = client_for("province").get(latest().get_absolute_url()).content.decode()
    assert "第 4 行，金额（元）：金额不能为负数（-5）" in page


@pytest.mark.parametrize(
    ("cell", "column", "value", "fragment"),
    [
        (5, "金额（元）", "abc", "不是数字"),
        (5, "金额（元）", "12.345", "两位小数"),
        (5, "金额（元）", 12.345, "两位小数"),
        (5, "金额（元）", "#DIV/0!", "公式错误"),
        (3, "产品", "钻石证书", "未知产品"),
        (4, "收费项目", "加急费", "未知收费项目"),
        (2, "生效日期", "1999-12-31", "不能早于2000-01-01"),
        (2, "生效日期", "2099-01-01", "十年"),
        (2, "生效日期", "明天", "不是日期"),
        (1, "地区代码", "999999", "未知地区代码"),
        (0, "机构", "不存在CA", "未知电子认证服务机构"),
        (6, "按平台重复收取", "也许", "请填写“是”或“否”"),
    ],
)
def test_bad_cells_are_named_by_row_and_column(blank, client_for, cell, column, value, fragment):
    row = list(GOOD[0])
    row[cell] = value
    errors = errors_of(client_for("province"), [GOOD[1], row])
    assert any(r == 3 and c == column and fragment in m for r, c, m in errors), errors


def test_the_same_line_twice(blank, client_for):
    errors = errors_of(client_for("province"), [GOOD[0], GOOD[1], GOOD[0]])
    assert errors == [(4, "收费项目", "与第 2 行重复（机构、地区、生效日期、产品和收费项目均相同）")]


def test_a_filing_that_already_exists(blank, client_for, file_filing):
    file_filing("SZCA", PUYANG, datetime.date(2020, 1, 1), {"new-issuance": 1}, status="draft")
    errors = errors_of(client_for("province"), [GOOD[0]], existing=1)
    assert errors[0][:2] == (2, "生效日期")


def test_formula_error_written_by_excel(blank, client_for):
    workbook = Workbook()
    ws = workbook.active
    ws.append(HEADER)
    ws.append(GOOD[0])
    ws["F2"] = "#VALUE!"  # openpyxl stores it as an error cell (data type "e"), as Excel does
    assert ws["F2"].data_type == "e"
    buffer = BytesIO()
    workbook.save(buffer)
    upload(client_for("province"), buffer.getvalue())
    assert latest().errors[0]["message"] == "单元格含公式错误（#VALUE!）"


def test_not_an_xlsx_file(blank, client_for):
    response = upload(client_for("province"), b"vendor,region\nSZCA,410900\n", name="filings.xlsx")
    assert response.status_code == 200  # the form refuses it before anything is stored
    assert "xlsx" in response.content.decode() and FeeImport.objects.count() == 0
    response = upload(client_for("province"), b"PK\x03\x04 not really a zip", name="filings.xlsx")
    job = latest()
    assert job.status == FeeImport.Status.INVALID and "xlsx" in job.errors[0]["message"]


def test_missing_columns_and_empty_sheet(blank, client_for):
    upload(client_for("province"), sheet([GOOD[0]], header=["机构", "地区代码"]))
    assert "生效日期" in latest().errors[0]["message"]
    upload(client_for("province"), sheet([]))
    assert latest().status == FeeImport.Status.INVALID


def test_vendor_may_import_only_for_itself(blank, client_for, personas):
    errors = errors_of(client_for("szca"), [GOOD[3]])  # a BJCA row
    assert errors == [(2, "机构", "只能为本机构备案（“BJCA”）")]


def test_city_admin_only_for_its_region(blank, client_for):
    errors = errors_of(client_for("puyang"), [GOOD[3]])  # Zhengzhou
    assert errors == [(2, "地区代码", "地区 410100 不在您的监管范围内")]


def checked(client, rows=GOOD) -> FeeImport:
    upload(client, sheet(rows))
    job = latest()
    assert job.status == FeeImport.Status.CHECKED, job.errors
    return job


def confirmed(client, job: FeeImport) -> FeeImport:
    client.post(f"/fees/imports/{job.pk}/confirm/")
    job.refresh_from_db()
    return job


def test_writing_stores_the_checked_lines_without_validating_the_rows_again(blank, client_for, monkeypatch):
    client = client_for("province")
    job = checked(client)

    def validated_again(*args, **kwargs):
        raise AssertionError("a row validated a second time")

    monkeypatch.setattr(FilingLineResource, "import_row", validated_again)
    assert confirmed(client, job).status == FeeImport.Status.DONE, job.errors
    lines = FeeFilingLine.objects.order_by("pk")
    assert [(line.product.name, line.item.name, str(line.amount), line.note) for line in lines] == [
        ("单位证书", "新办", "200.00", ""),
        ("单位证书", "年费/续期", "150.00", ""),
        ("个人证书", "新办", "99.90", "个人"),
        ("单位证书", "新办", "210.00", ""),
    ]
    assert {line.filing.note for line in lines} == {"导入自 filings.xlsx"}


def test_a_filing_stored_since_the_check_stops_the_write_and_names_its_row(blank, client_for, file_filing):
    client = client_for("province")
    job = checked(client)
    file_filing("BJCA", ZHENGZHOU, datetime.date(2020, 2, 1), {"new-issuance": 1}, status="draft")
    before = stored()
    job = confirmed(client, job)
    assert job.status == FeeImport.Status.FAILED
    assert [(e["row"], e["column"]) for e in job.errors] == [(5, "生效日期")]
    assert "已有" in job.errors[0]["message"] and stored() == before


def test_a_fee_item_removed_since_the_check_rolls_the_whole_import_back(blank, client_for):
    item = FeeItem.objects.create(code="expedite", name="加急费")
    client = client_for("province")
    job = checked(client, [*GOOD, ["SZCA", PUYANG, "2020-01-01", "单位证书", "加急费", "5", "否", ""]])
    item.delete()  # nothing refers to it yet: the import's line is not written
    before = stored()
    job = confirmed(client, job)
    assert job.status == FeeImport.Status.FAILED and stored() == before
    with translation.override("zh-hans"):
        reason = gettext("a product, fee item, vendor or region that no longer exists")
    assert [e["message"] for e in job.errors] == [jobs_message(reason)]


def jobs_message(reason: str) -> str:
    with translation.override("zh-hans"):
        return gettext(
            "A row the check had accepted was refused when written (%(reason)s): the data changed since the "
            "check. Nothing was written; upload the sheet again to check it."
        ) % {"reason": reason}


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [("twice", "the same product and fee item twice in one filing"), ("negative", "a negative amount")],
)
def test_a_line_the_database_refuses_when_written_rolls_the_whole_import_back(blank, client_for, tamper, reason):
    """The check's kept lines altered after the check: the database's constraints refuse them."""
    client = client_for("province")
    job = checked(client)
    name = f"{job.file.name}.rows.json"
    with default_storage.open(name, "rb") as handle:
        kept = json.loads(handle.read())
    first, second = kept["checked"]["lines"][:2]
    if tamper == "twice":
        second[2:4] = first[2:4]  # the same product and fee item
    else:
        second[4] = "-1.00"
    default_storage.delete(name)
    default_storage.save(name, ContentFile(json.dumps(kept).encode()))
    before = stored()
    job = confirmed(client, job)
    assert job.status == FeeImport.Status.FAILED and stored() == before
    with translation.override("zh-hans"):
        translated = gettext(reason)
    assert translated != reason and [e["message"] for e in job.errors] == [jobs_message(translated)]


def test_large_sheet_runs_in_celery_with_progress(blank, client_for, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(jobs, "SYNC_MAX_ROWS", 5)
    items = ["新办", "年费/续期", "补办", "介质(USB Key)"]
    rows = [
        ["SZCA", PUYANG, f"2020-01-{day:02d}", product, item, f"{100 + day}.50", "否", ""]
        for day in range(1, 4)
        for product in ("单位证书", "个人证书")
        for item in items
    ]
    client = client_for("szca")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        upload(client, sheet(rows))
    assert callbacks  # the check was handed to Celery (eager in tests)
    job = latest()
    assert job.status == FeeImport.Status.CHECKED and job.total_rows == 24
    assert jobs.progress_of(job)["percent"] == 100
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(f"/fees/imports/{job.pk}/confirm/")
    assert callbacks
    job.refresh_from_db()
    assert job.status == FeeImport.Status.DONE and FeeFilingLine.objects.count() == 24
    assert FeeFiling.objects.count() == 3
    fragment = client.get(f"/fees/imports/{job.pk}/progress/").content.decode()
    assert "100%" in fragment


def test_progress_while_running(blank, personas):
    from django.core.files.base import ContentFile

    job = FeeImport(
        created_by=personas["szca"], original_name="x.xlsx", status=FeeImport.Status.WRITING, total_rows=1000
    )
    job.file.save("x.xlsx", ContentFile(sheet([])), save=False)
    job.save()
    jobs.report_progress(job.pk, "writing", 500, 1000)
    assert jobs.progress_of(job) == {"percent": 55, "phase": "writing"}


def test_template_downloads_and_its_examples_import(blank, client_for):
    client = client_for("szca")
    response = client.get("/fees/imports/template.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    upload(client, response.content)
    job = latest()
    assert job.status == FeeImport.Status.CHECKED, job.errors
