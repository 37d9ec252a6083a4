"""Reading a filing sheet: every cell as text (money never through float arithmetic), formula
errors recognised, a file that is not xlsx refused with a message instead of an exception."""

import datetime
import zipfile

import tablib
from django.utils.translation import gettext as _

from fees.importing.columns import COLUMNS, HEADERS, REQUIRED, header_key, label

MAX_ROWS = 100_000
MAX_BYTES = 20 * 1024 * 1024
FORMULA_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!"}


class SheetError(Exception):
    """The file cannot be read as a filing sheet at all (not row by row)."""


class CellError(str):
    """A cell holding a formula error (#DIV/0! …): every widget refuses it with this message."""


def cell_text(value) -> str:
    """A cell value as text. Floats keep their shortest form (199.9 → "199.9"); integral floats
    lose the ".0" (410900.0 → "410900"); dates become ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time(0) else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, int):
        return str(value)
    text = str(value).strip()
    if text in FORMULA_ERRORS:
        return CellError(text)
    return text


def read_sheet(fileobj, max_rows: int = MAX_ROWS, progress=None) -> tablib.Dataset:
    """The first worksheet as a Dataset with our column keys as headers and text cells.

    Raises ``SheetError`` when the file is not an xlsx workbook, the header row lacks a required
    column, or the sheet is too large.
    """
    from openpyxl import load_workbook

    try:
        fileobj.seek(0, 2)
        size = fileobj.tell()
        fileobj.seek(0)
    except (AttributeError, OSError):
        size = 0
    if size > MAX_BYTES:
        raise SheetError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // 1024 // 1024})
    head = fileobj.read(4)
    fileobj.seek(0)
    if head != b"PK\x03\x04":
        raise SheetError(_("This is not an xlsx file (Excel 2007 or later). Please save the sheet as .xlsx."))
    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise SheetError(
            _("This is not an xlsx file that can be read (%(error)s).") % {"error": type(exc).__name__}
        ) from exc
    except Exception as exc:  # openpyxl raises assorted errors on damaged files
        raise SheetError(
            _("This is not an xlsx file that can be read (%(error)s).") % {"error": type(exc).__name__}
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise SheetError(_("The sheet is empty."))
        keys = [header_key(cell) for cell in header]
        missing = [COLUMNS[key][0] for key in REQUIRED if key not in keys]
        if missing:
            raise SheetError(
                _("The header row (row 1) lacks the column(s) %(columns)s; download the template to see them.")
                % {"columns": "、".join(missing)}
            )
        seen = set()
        for key in keys:
            if key is not None and key in seen:
                raise SheetError(_("The column %(column)s appears twice in the header row.") % {"column": label(key)})
            seen.add(key)
        wanted = [(index, key) for index, key in enumerate(keys) if key is not None]
        dataset = tablib.Dataset(headers=[key for _, key in wanted])
        count = 0
        for values in rows:
            if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                dataset.append(["" for _ in wanted])  # keep row numbers; blank rows are skipped later
                continue
            count += 1
            if count > max_rows:
                raise SheetError(_("The sheet has more than %(n)d rows; please split it.") % {"n": max_rows})
            width = len(values)
            dataset.append([cell_text(values[index]) if index < width else "" for index, _ in wanted])
            if progress is not None and count % 5000 == 0:
                progress(count)
    except SheetError:
        raise
    except Exception as exc:
        raise SheetError(_("The sheet could not be read (%(error)s).") % {"error": type(exc).__name__}) from exc
    finally:
        workbook.close()
    # Trailing blank rows are not rows.
    while len(dataset) and not any(dataset[-1]):
        del dataset[-1]
    return dataset


def template_workbook(products, items, regions) -> bytes:
    """The downloadable template: the header row, two example rows and a sheet of allowed values."""
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "收费标准"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    example_product = products[0].name if products else ""
    example_items = [i.name for i in items if not i.prohibited][:2]
    for item in example_items:
        sheet.append(["", "410900", "2019-08-15", example_product, item, "100.00", "否", "示例行，请删除"])
    for column in range(1, len(HEADERS) + 1):
        sheet.cell(row=1, column=column)
        sheet.column_dimensions[chr(64 + column)].width = 16
    # Text format for the amount column keeps the typed figures exactly.
    for row in sheet.iter_rows(min_row=2, min_col=6, max_col=6):
        for cell in row:
            cell.number_format = "@"
    values = workbook.create_sheet("可选值")
    values.append(["产品", "收费项目", "禁止收费", "地区代码", "地区名称"])
    for cell in values[1]:
        cell.font = Font(bold=True)
    longest = max(len(products), len(items), len(regions))
    for index in range(longest):
        product = products[index].name if index < len(products) else ""
        item = items[index] if index < len(items) else None
        region = regions[index] if index < len(regions) else None
        values.append(
            [
                product,
                item.name if item else "",
                ("是（" + item.forbidden_by_number + "）" if item.prohibited else "否") if item else "",
                region.code if region else "",
                region.name if region else "",
            ]
        )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
