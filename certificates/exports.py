"""The matrices as xlsx workbooks (openpyxl), coloured like the pages."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FILLS = {
    "not_started": "E9ECEF",
    "in_progress": "FFF3CD",
    "testing": "FFE5B4",
    "done": "CFE2FF",
    "verified": "D1E7DD",
    "late": "F8D7DA",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_VENDOR_LIMIT = 500


def xlsx_response(workbook: Workbook, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _header(sheet, values: list[str]) -> None:
    sheet.append(values)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 12


def province_workbook(matrix) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Recognition matrix")[:31]
    _header(sheet, [_("CA vendor"), _("due date"), *[p["name"] for p in matrix.platforms], _("verified")])
    for index in range(len(matrix.platforms)):
        sheet.column_dimensions[get_column_letter(index + 3)].width = 14
    for row in matrix.rows:
        values = [row.vendor.name, row.due.isoformat() if row.due else _("as soon as possible")]
        for cell in row.cells:
            if not cell.total:
                values.append("")
                continue
            text = f"{cell.status_label} {cell.verified}/{cell.total}"
            if cell.days_left is not None:
                text += " · " + (
                    _("%(days)s days left") % {"days": cell.days_left}
                    if cell.days_left >= 0
                    else _("%(days)s days late") % {"days": -cell.days_left}
                )
            values.append(text)
        values.append(f"{row.verified}/{row.total}")
        sheet.append(values)
        for cell, target in zip(row.cells, sheet[sheet.max_row][2:], strict=False):
            if cell.total:
                late = cell.days_left is not None and cell.days_left < 0
                colour = FILLS["late"] if late else FILLS.get(cell.status, "FFFFFF")
                target.fill = PatternFill("solid", start_color=colour, end_color=colour)
    return workbook


def national_workbook(matrix) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Recognition by region")[:31]
    _header(sheet, [_("CA vendor"), _("verified"), *[c["name"] for c in matrix.columns]])
    for row in matrix.rows:
        values = [row.vendor.name, f"{row.verified}/{row.total}"]
        for share in row.cells:
            values.append(f"{share.percent}% ({share.verified}/{share.total})" if share.total else "")
        sheet.append(values)
    return workbook
