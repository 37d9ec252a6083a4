"""Bulk import from xlsx: template, dry-run preview with row errors, all or nothing."""

import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from certificates.models import CACertificate, RecognitionEvent, RecognitionRecord, TrustListEntry

pytestmark = pytest.mark.django_db
HEADERS = ["vendor", "platform", "scope", "other_vendor", "seals_included", "status", "note"]
PUYANG = "濮阳市公共资源交易中心交易平台"
LUOYANG = "洛阳市公共资源交易中心交易平台"


def workbook(headers, rows, name="import.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def statuses(vendor_short):
    return dict(
        RecognitionRecord.objects.filter(vendor__short_name=vendor_short, scope="same_vendor").values_list(
            "platform__name", "status"
        )
    )


def test_the_template_has_the_columns(client_for):
    response = client_for("szca").get("/ca/import/recognition/template.xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == HEADERS
    response = client_for("platform-puyang").get("/ca/import/trust-list/template.xlsx")
    assert [c.value for c in load_workbook(BytesIO(response.content)).active[1]] == ["platform", "sha256", "note"]


def test_preview_then_confirm_saves_every_row(client_for):
    client = client_for("szca")
    before = statuses("SZCA")
    file = workbook(
        HEADERS,
        [
            ["SZCA", PUYANG, "same_vendor", "", "yes", "done", "测试通过（导入）"],
            ["SZCA", LUOYANG, "同一机构互认", "", "是", "done", "测试通过（导入）"],
        ],
    )
    preview = client.post("/ca/import/recognition/", {"file": file})
    page = preview.content.decode()
    assert 'data-testid="confirm-import"' in page and "修改 2 行" in page
    assert statuses("SZCA") == before  # the preview saved nothing
    token = re.search(r'name="token" value="([0-9a-f]+)"', page).group(1)
    done = client.post("/ca/import/recognition/", {"token": token}, follow=True)
    assert "导入完成" in done.content.decode()
    after = statuses("SZCA")
    assert after[PUYANG] == after[LUOYANG] == "done"
    assert RecognitionEvent.objects.filter(via="import", to_status="done").count() == 2
    again = client.post("/ca/import/recognition/", {"token": token}, follow=True)
    assert "已失效" in again.content.decode()


def test_one_bad_row_means_nothing_is_saved_and_each_error_is_named(client_for):
    client = client_for("szca")
    before = statuses("SZCA")
    file = workbook(
        HEADERS,
        [
            ["SZCA", PUYANG, "same_vendor", "", "yes", "done", "测试通过"],  # fine
            ["SZCA", LUOYANG, "same_vendor", "", "yes", "verified", ""],  # skips a step
            ["BJCA", PUYANG, "same_vendor", "", "yes", "testing", ""],  # not the user's vendor
            ["SZCA", "不存在的平台", "same_vendor", "", "yes", "testing", ""],  # unknown platform
            ["SZCA", PUYANG, "sideways", "", "yes", "testing", ""],  # bad scope
            ["SZCA", PUYANG, "same_vendor", "", "yes", "finished", ""],  # bad status
        ],
    )
    page = client.post("/ca/import/recognition/", {"file": file}).content.decode()
    assert 'data-testid="confirm-import"' not in page
    errors = re.findall(r'data-testid="row-errors">([^<]*)<', page)
    assert errors[0] == ""
    assert "不能跳过步骤" in errors[1]
    assert "BJCA" in errors[2]
    assert "不存在的平台" in errors[3]
    assert "sideways" in errors[4]
    assert "status" in errors[5] and "finished" in errors[5]
    assert statuses("SZCA") == before


def test_persona_rules_apply_to_imports(client_for, personas):
    file = workbook(HEADERS, [["BJCA", "北京市公共资源交易中心交易平台", "same_vendor", "", "yes", "testing", ""]])
    page = client_for("puyang").post("/ca/import/recognition/", {"file": file}).content.decode()
    assert 'data-testid="confirm-import"' not in page  # Beijing is outside Puyang's scope
    file = workbook(HEADERS, [["SZCA", PUYANG, "same_vendor", "", "yes", "done", "x"]])
    page = client_for("puyang").post("/ca/import/recognition/", {"file": file}).content.decode()
    assert "只有深圳市电子商务安全证书管理有限公司的用户" in page  # administrators do not move vendors' work forward


def test_new_rows_are_created_through_the_workflow(client_for, vendors):
    file = workbook(HEADERS, [["SZCA", PUYANG, "cross_vendor", "HNCA", "yes", "in_progress", ""]])
    client = client_for("szca")
    page = client.post("/ca/import/recognition/", {"file": file}).content.decode()
    token = re.search(r'name="token" value="([0-9a-f]+)"', page).group(1)
    client.post("/ca/import/recognition/", {"token": token})
    record = RecognitionRecord.objects.get(vendor=vendors["SZCA"], other_vendor=vendors["HNCA"], platform__name=PUYANG)
    assert record.status == "in_progress"
    assert list(record.events.values_list("action", flat=True)) == ["create", "advance"]


@pytest.mark.parametrize(
    "content,message",
    [
        (b"not a workbook", "xlsx"),
        (b"PK\x03\x04broken", "无法读取"),
    ],
)
def test_bad_workbooks_get_a_message_not_a_500(client_for, content, message):
    response = client_for("szca").post("/ca/import/recognition/", {"file": SimpleUploadedFile("x.xlsx", content)})
    assert response.status_code == 200 and message in response.content.decode()


def test_missing_columns_are_named(client_for):
    page = client_for("szca").post(
        "/ca/import/recognition/", {"file": workbook(["vendor", "status"], [["SZCA", "done"]])}
    )
    assert "platform" in page.content.decode() and "缺少" in page.content.decode()


def test_trust_list_import_and_export(client_for, api_for, personas, upload):
    api_for("szca").post("/api/v1/ca-certificates/", {"file": upload("sm2_root.pem")}, format="multipart")
    root = CACertificate.objects.get(subject_cn="华测CA根证书")
    client = client_for("platform-puyang")
    spaced = ":".join(root.sha256_fingerprint[i : i + 2] for i in range(0, 64, 2)).lower()
    file = workbook(["platform", "sha256", "note"], [[PUYANG, spaced, "2019年9月导入"], [PUYANG, "00" * 32, ""]])
    page = client.post("/ca/import/trust-list/", {"file": file}).content.decode()
    assert "上传该证书" in page and 'data-testid="confirm-import"' not in page
    file = workbook(["platform", "sha256", "note"], [[PUYANG, spaced, "2019年9月导入"]])
    page = client.post("/ca/import/trust-list/", {"file": file}).content.decode()
    token = re.search(r'name="token" value="([0-9a-f]+)"', page).group(1)
    client.post("/ca/import/trust-list/", {"token": token})
    assert TrustListEntry.objects.filter(platform=personas["platform-puyang"].platform, certificate=root).exists()
    exported = load_workbook(BytesIO(client.get("/ca/export/trust-list.xlsx").content)).active
    rows = list(exported.iter_rows(min_row=2, values_only=True))
    assert {row[0] for row in rows} == {PUYANG}
    assert root.sha256_fingerprint in {row[1] for row in rows}
    other = workbook(["platform", "sha256", "note"], [["郑州市公共资源交易中心交易平台", spaced, ""]])
    page = client.post("/ca/import/trust-list/", {"file": other}).content.decode()
    assert 'data-testid="confirm-import"' not in page
