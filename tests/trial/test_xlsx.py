"""The Excel files of the usage statistics: the national table (Attachment 2) read back cell by cell,
the import (all rows or none, with row errors) and the list for the national office."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from supervision.models import Platform
from trial.models import Feedback, TrialParticipant, UsageLine, UsageReport
from trial.xlsx import IMPORT_HEADINGS, TABLE_HEADINGS, TITLE

pytestmark = pytest.mark.django_db

HENAN = "河南省公共资源交易中心交易平台"
PUYANG = "濮阳市公共资源交易中心交易平台"
ZHENGZHOU = "郑州市公共资源交易中心交易平台"
KAIFENG = "开封市公共资源交易中心交易平台"
SZCA = "深圳市电子商务安全证书管理有限公司"
BJCA = "北京数字认证股份有限公司"
HNCA = "河南省信息化发展有限公司"
COUNTS = [10, 5, 2, 1, 1]  # every line of the world fixture
COUNT_HEADINGS = TABLE_HEADINGS[4:9]


def rows_of(sheet, first: int = 1) -> list[list]:
    return [list(row) for row in sheet.iter_rows(min_row=first, values_only=True)]


def test_national_table_export_cell_by_cell(world, client_for, round2023):
    """The province sees Henan's, Zhengzhou's and Puyang's reports (Beijing's is not in its scope);
    Zhengzhou reported late, Kaifeng joined and never reported."""
    UsageReport.objects.filter(platform__name=ZHENGZHOU).update(is_late=True)
    TrialParticipant.objects.create(round=round2023, platform=Platform.objects.get(name=KAIFENG))
    period = round2023.periods.order_by("due_date").first()
    response = client_for("province").get(reverse("trial:national_table_xlsx"), {"round": "2023", "period": period.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["统计表", "按省份汇总", "按服务机构汇总"]

    sheet = book["统计表"]
    assert sheet["A1"].value == "附件2"
    assert sheet["A2"].value == TITLE
    assert sheet["A3"].value.startswith("统计期间：第一次统计（2月15日前报送）（2023-01-19至2023-02-14）")
    assert "A2:J2" in {str(r) for r in sheet.merged_cells.ranges}
    assert rows_of(sheet, 4) == [
        ["序号", "省份", "参与互认平台", "数字证书服务机构", *COUNT_HEADINGS, "备注"],
        [1, "河南省", HENAN, SZCA, *COUNTS, None],
        [None, "河南省", HENAN, "小计", *COUNTS, None],
        [2, "河南省", ZHENGZHOU, HNCA, *COUNTS, None],
        [None, "河南省", ZHENGZHOU, "小计", *COUNTS, "逾期报送"],
        [3, "河南省", PUYANG, BJCA, *COUNTS, None],
        [3, "河南省", PUYANG, SZCA, *COUNTS, None],
        [None, "河南省", PUYANG, "小计", 20, 10, 4, 2, 2, None],
        [None, "合计", None, None, 40, 20, 8, 4, 4, None],
        [None, None, KAIFENG, None, None, None, None, None, None, "未报送"],
    ]
    assert COUNT_HEADINGS == [
        "使用网络共享数字证书注册的市场主体数（家）",
        "使用网络共享数字证书投标数（次）",
        "其中：跨区域投标数（次）",
        "解密失败数（次）",
        "使用救济措施数（次）",
    ]

    provinces = book["按省份汇总"]
    assert provinces["A2"].value == f"{TITLE}（按省份汇总）"
    assert rows_of(provinces, 4) == [
        ["序号", "省份", "报送平台数", *COUNT_HEADINGS],
        [1, "河南省", 3, 40, 20, 8, 4, 4],
        [None, "合计", 3, 40, 20, 8, 4, 4],
    ]

    by_vendor = book["按服务机构汇总"]
    assert by_vendor["A2"].value == f"{TITLE}（按数字证书服务机构汇总）"
    assert rows_of(by_vendor, 4) == [
        ["序号", "数字证书服务机构", *COUNT_HEADINGS],
        [1, SZCA, 20, 10, 4, 2, 2],
        [2, BJCA, 10, 5, 2, 1, 1],
        [3, HNCA, 10, 5, 2, 1, 1],
        [None, "合计", 40, 20, 8, 4, 4],
    ]


def test_export_keeps_text_that_looks_like_a_formula_as_text(world, client_for, round2023):
    Platform.objects.filter(name=PUYANG).update(name="=HYPERLINK(1)")
    response = client_for("puyang").get(reverse("trial:national_table_xlsx"), {"round": "2023"})
    sheet = load_workbook(io.BytesIO(response.content))["统计表"]
    assert sheet["C5"].value == "=HYPERLINK(1)" and sheet["C5"].data_type == "s"


def workbook(rows, headings=IMPORT_HEADINGS) -> io.BytesIO:
    book = Workbook()
    book.active.append(headings)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    out.name = "statistics.xlsx"
    out.seek(0)
    return out


@pytest.fixture
def henan_operator(operator_of, registry):
    from django.test import Client

    client = Client()
    client.force_login(operator_of(Platform.objects.get(name=HENAN)))
    return client


def post_import(client, round2023, upload):
    period = round2023.periods.order_by("due_date").first()
    henan = Platform.objects.get(name=HENAN)
    return client.post(reverse("trial:usage_import"), {"platform": henan.pk, "period": period.pk, "file": upload})


def test_import_writes_every_row(henan_operator, round2023):
    response = post_import(henan_operator, round2023, workbook([[SZCA, 3, 2, 1, 0, 0], ["BJCA", 4, 4, 4, 1, 1]]))
    assert response.status_code == 302
    report = UsageReport.objects.get(platform__name=HENAN)
    assert report.via == "xlsx"
    assert sorted(report.lines.values_list("vendor__short_name", "bids")) == [("BJCA", 4), ("SZCA", 2)]


def test_import_with_bad_rows_writes_nothing_and_names_every_row(henan_operator, round2023):
    rows = [
        [SZCA, 3, 2, 1, 0, 0],  # row 2: fine
        ["不存在的机构", 1, 1, 0, 0, 0],  # row 3: unknown vendor
        [BJCA, -1, 2, 1, 0, 0],  # row 4: negative
        [HNCA, 1, 2.5, 1, 0, 0],  # row 5: fraction
        ["华测CA", 1, 2, 3, 0, 0],  # row 6: more cross-region bids than bids
        ["BJCA", 1, 2, 0, "很多", 0],  # row 7: not a number
    ]
    henan_operator.cookies["django_language"] = "en"
    response = post_import(henan_operator, round2023, workbook(rows))
    assert response.status_code == 200
    errors = response.context["row_errors"]
    assert [e.split(",")[0] for e in errors] == ["Row 3", "Row 4", "Row 5", "Row 6", "Row 7"], errors
    assert "不存在的机构" in errors[0] and "registry" in errors[0]
    assert "greater than or equal to 0" in errors[1]
    assert "whole number" in errors[2] and "whole number" in errors[4]
    assert "cannot exceed" in errors[3]
    assert "Nothing was imported" in response.content.decode()
    assert not UsageReport.objects.exists() and not UsageLine.objects.exists()


@pytest.mark.parametrize(
    "upload, message",
    [
        (io.BytesIO(b"not a spreadsheet"), "xlsx"),
        ("wrong headings", "headings"),
        ("empty", "no rows"),
    ],
)
def test_import_refuses_files_that_are_not_the_template(henan_operator, round2023, upload, message, settings):
    settings.LANGUAGE_CODE = "en"
    if upload == "wrong headings":
        upload = workbook([[SZCA, 1, 1, 1, 1, 1]], headings=["机构", "数量"])
    elif upload == "empty":
        upload = workbook([])
    else:
        upload.name = "statistics.xlsx"
    henan_operator.cookies["django_language"] = "en"
    response = post_import(henan_operator, round2023, upload)
    assert response.status_code == 200
    errors = " ".join(str(e) for errors in response.context["form"].errors.values() for e in errors)
    assert message in errors
    assert not UsageReport.objects.exists()


def test_feedback_for_national_attention_exported(world, client_for):
    feedback = world["puyang"]["feedback"]
    assert (
        client_for("puyang")
        .post(reverse("trial:feedback_mark_national", args=[feedback.pk]), {"note": "需统一标准"})
        .status_code
        == 302
    )
    Feedback.objects.filter(pk=feedback.pk).update(description="=1+1")
    response = client_for("province").get(reverse("trial:feedback_national"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = rows_of(sheet)
    assert rows[0][0] == "跟踪编号" and len(rows) == 2
    assert rows[1][0] == feedback.tracking_number and rows[1][3] == PUYANG and rows[1][7] == "需统一标准"
    assert sheet["F2"].value == "=1+1" and sheet["F2"].data_type == "s"
    assert (
        load_workbook(
            io.BytesIO(client_for("zhengzhou").get(reverse("trial:feedback_national"), {"format": "xlsx"}).content)
        ).active.max_row
        == 1
    )
