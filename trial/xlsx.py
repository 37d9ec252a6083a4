"""Excel files of the usage statistics: the national table in the layout of Attachment 2 (exported),
the import template and the import itself (all rows valid, or nothing written).

The headings are the notice's own (Chinese whatever the user's language): the national office
compiles these sheets as they are. Exports are built in memory: the national table has one row per
platform and vendor (a few hundred at most), so it is served synchronously.
"""

from __future__ import annotations

import io
import zipfile

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils.exceptions import InvalidFileException

from supervision.models import CAVendor
from trial.models.usage import COUNT_FIELDS

TITLE = "各参与互认平台网络共享数字证书实际应用情况统计表"
COUNT_HEADINGS = {
    "registered_entities": "使用网络共享数字证书注册的市场主体数（家）",
    "bids": "使用网络共享数字证书投标数（次）",
    "cross_region_bids": "其中：跨区域投标数（次）",
    "decryption_failures": "解密失败数（次）",
    "remedies_used": "使用救济措施数（次）",
}
TABLE_HEADINGS = ["序号", "省份", "参与互认平台", "数字证书服务机构", *COUNT_HEADINGS.values(), "备注"]
IMPORT_HEADINGS = ["数字证书服务机构", *COUNT_HEADINGS.values()]
MAX_IMPORT_ROWS = 500
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _heading(sheet, row: int, values: list[str]) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=value)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BOX


def _row(sheet, values: list, bold: bool = False) -> None:
    """Append a row; empty strings become empty cells, and text is never read as a formula."""
    sheet.append([None if value == "" else value for value in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"  # a name such as "=cmd|…" stays text (no formula injection)
        cell.border = BOX
        if bold:
            cell.font = Font(bold=True)


def _title(sheet, title: str, subtitle: str, width: int) -> None:
    sheet["A1"] = "附件2"
    sheet["A2"] = title
    sheet["A2"].font = Font(bold=True, size=14)
    sheet["A2"].alignment = Alignment(horizontal="center")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet["A3"] = subtitle
    sheet.merge_cells(start_row=3, start_column=1, end_row=3, end_column=width)


def _counts(totals: dict) -> list[int]:
    return [totals[name] for name in COUNT_FIELDS]


def national_workbook(table: dict, *, period_text: str, notes: dict | None = None, missing=()) -> bytes:
    """Sheet 1: platforms × vendors with each platform's subtotal and the grand total (Attachment 2);
    sheet 2: totals by province; sheet 3: totals by CA vendor. ``notes``: platform id → remark
    (逾期报送); ``missing``: names of participants without a report (未报送)."""
    notes = notes or {}
    book = Workbook()
    sheet = book.active
    sheet.title = "统计表"
    subtitle = f"统计期间：{period_text}　　导出时间：{timezone.localtime():%Y-%m-%d %H:%M}"
    _title(sheet, TITLE, subtitle, len(TABLE_HEADINGS))
    _heading(sheet, 4, TABLE_HEADINGS)
    for number, platform in enumerate(table["platforms"], start=1):
        province = platform.extra["province"]
        for line in platform.lines:
            _row(sheet, [number, province, platform.label, line["vendor"], *_counts(line), ""])
        _row(
            sheet, ["", province, platform.label, "小计", *_counts(platform.totals), notes.get(platform.key, "")], True
        )
    _row(sheet, ["", "合计", "", "", *_counts(table["total"]), ""], True)
    for name in missing:
        _row(sheet, ["", "", name, "", "", "", "", "", "", "未报送"])
    for column, width in zip("ABCDEFGHIJ", (6, 12, 34, 30, 16, 16, 14, 12, 14, 12)):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A5"

    by_province = book.create_sheet("按省份汇总")
    headings = ["序号", "省份", "报送平台数", *COUNT_HEADINGS.values()]
    _title(by_province, f"{TITLE}（按省份汇总）", f"统计期间：{period_text}", len(headings))
    _heading(by_province, 4, headings)
    for number, province in enumerate(table["provinces"], start=1):
        _row(by_province, [number, province.label, province.extra["platform_count"], *_counts(province.totals)])
    _row(by_province, ["", "合计", len(table["platforms"]), *_counts(table["total"])], True)

    by_vendor = book.create_sheet("按服务机构汇总")
    headings = ["序号", "数字证书服务机构", *COUNT_HEADINGS.values()]
    _title(by_vendor, f"{TITLE}（按数字证书服务机构汇总）", f"统计期间：{period_text}", len(headings))
    _heading(by_vendor, 4, headings)
    for number, vendor in enumerate(table["vendors"], start=1):
        _row(by_vendor, [number, vendor.label, *_counts(vendor.totals)])
    _row(by_vendor, ["", "合计", *_counts(table["total"])], True)

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def import_template() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "统计"
    _heading(sheet, 1, IMPORT_HEADINGS)
    for column, width in zip("ABCDEF", (34, 18, 18, 16, 14, 16)):
        sheet.column_dimensions[column].width = width
    names = book.create_sheet("数字证书服务机构名录")
    _heading(names, 1, ["名称", "简称"])
    for vendor in CAVendor.objects.order_by("name"):
        names.append([vendor.name, vendor.short_name])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_rows(upload) -> list[tuple[int, dict]]:
    """(row number, raw values) of the filled rows, or ValidationError for a file that is not the template."""
    try:
        upload.seek(0)
        book = load_workbook(upload, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ValidationError(_("The file is not a readable Excel (.xlsx) workbook.")) from exc
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(v).strip() if v is not None else "" for v in next(rows, ())][: len(IMPORT_HEADINGS)]
    if header != IMPORT_HEADINGS:
        raise ValidationError(
            _("The first row must hold the template's headings: %(headings)s.")
            % {"headings": "、".join(IMPORT_HEADINGS)}
        )
    found = []
    for number, values in enumerate(rows, start=2):
        values = list(values[: len(IMPORT_HEADINGS)]) + [None] * (len(IMPORT_HEADINGS) - len(values or ()))
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if len(found) >= MAX_IMPORT_ROWS:
            raise ValidationError(_("At most %(n)d rows can be imported at once.") % {"n": MAX_IMPORT_ROWS})
        vendor = values[0]
        found.append(
            (
                number,
                {
                    "vendor_name": str(vendor).strip() if vendor is not None else "",
                    **{name: ("" if value is None else value) for name, value in zip(COUNT_FIELDS, values[1:])},
                },
            )
        )
    book.close()
    if not found:
        raise ValidationError(_("The workbook has no rows to import."))
    return found


FEEDBACK_HEADINGS = [
    "跟踪编号",
    "收到日期",
    "类别",
    "参与互认平台",
    "数字证书服务机构",
    "问题描述",
    "处理情况",
    "需国家层面统筹解决的意见建议",
]


def feedback_workbook(rows) -> bytes:
    """Feedback marked for national attention, for the national office."""
    book = Workbook()
    sheet = book.active
    sheet.title = "需国家层面统筹解决的问题"
    _heading(sheet, 1, FEEDBACK_HEADINGS)
    for fb in rows:
        _row(
            sheet,
            [
                fb.tracking_number,
                timezone.localtime(fb.created).date().isoformat(),
                fb.get_category_display(),
                fb.platform.name,
                fb.vendor.name if fb.vendor_id else "",
                fb.description,
                fb.answer or fb.get_status_display(),
                fb.national_note,
            ],
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
