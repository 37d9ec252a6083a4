"""The progress report to the government (进展情况报告) and its ledger (台账), 豫公管办〔2019〕23号 五: "各地
公管办要向本级政府报告公共资源交易平台数字证书互认、降费有关要求".

An administrator asks for the report of a region on a day (``request_report``); Celery counts the figures
(``report_figures``: a fixed number of queries), numbers the report in the office's sequence, renders the
PDF (WeasyPrint, a government letter to the region's people's government) and the workbook (one sheet of
figures, then one ledger sheet per section), reporting its progress for the page's bar. The row keeps the
figures and both files: a dated record.
"""

from __future__ import annotations

import datetime
import io
import logging

from celery import shared_task
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from portal.accounts.models import Role
from portal.exports import DATE_FORMAT, HEADER_STYLE, sheet_title
from portal.jobs import Progress
from supervision.clauses import REPORT_TO_GOVERNMENT
from supervision.engine import documents
from supervision.engine.messages import MESSAGE_LANGUAGE, Texts
from supervision.engine.pdf import render_pdf
from supervision.engine.report_figures import Area, Section, collect
from supervision.models import Directive, ProgressReport, Region

logger = logging.getLogger(__name__)
PROGRESS = Progress("supervision:report", {"counting": (0, 60), "pdf": (60, 90), "xlsx": (90, 100)})
TEMPLATE = "supervision/pdf/progress_report.html"
NUMERALS = "一二三四五六七八九十"  # the sections' headings: 一、二、……


def reportable_regions(user):
    """The regions the user may report on: a city's administrators their city, the province's the province
    and each of its cities and province-governed counties (each reports to its own government)."""
    regions = Region.objects.filter(
        Q(level=Region.Level.PROVINCE)
        | Q(level=Region.Level.CITY)
        | Q(level=Region.Level.COUNTY, province_governed=True)
    )
    if user.is_superuser:
        return regions
    if not user.is_authenticated or user.role not in Role.administrators() or not user.region_id:
        return regions.none()
    code = user.region_id
    if user.role == Role.PROVINCIAL_ADMIN:
        return regions.filter(Q(code=code) | Q(parent_id=code) | Q(parent__parent_id=code, province_governed=True))
    return regions.filter(code=code)


def request_report(*, region: Region, as_of: datetime.date, by) -> ProgressReport:
    """Record the request; the report is generated in Celery after commit."""
    if not reportable_regions(by).filter(code=region.code).exists():
        raise PermissionDenied
    if as_of > timezone.localdate():
        raise ValidationError({"as_of": _("A report speaks of a day that has passed or of today.")})
    first_year = Directive.objects.aggregate(first=Min("year"))["first"]
    if first_year and as_of < datetime.date(first_year, 1, 1):
        raise ValidationError(
            {
                "as_of": _(
                    "A report speaks of a day since %(day)s, the first day of the year of the earliest directive "
                    "on record: before it there is nothing to report."
                )
                % {"day": datetime.date(first_year, 1, 1).isoformat()}
            }
        )
    with transaction.atomic():
        report = ProgressReport.objects.create(region=region, as_of=as_of, created_by=by)
        transaction.on_commit(lambda: generate_progress_report.delay(report.pk))
    return report


def progress_of(report: ProgressReport) -> dict:
    return PROGRESS.of(report.pk, running=report.running, status=report.status)


def generate(report_id: int) -> str:
    """Count, number, render and keep the report (once: the job is claimed from queued to running)."""
    if not ProgressReport.objects.filter(pk=report_id, status=ProgressReport.Status.QUEUED).update(
        status=ProgressReport.Status.RUNNING
    ):
        return ProgressReport.objects.get(pk=report_id).status
    report = ProgressReport.objects.select_related("region").get(pk=report_id)
    try:
        with translation.override(MESSAGE_LANGUAGE):
            done = build(report)
        status = ProgressReport.Status.DONE
    except Exception:
        logger.exception("progress report %s failed", report_id)
        done, status = {}, ProgressReport.Status.FAILED
    ProgressReport.objects.filter(pk=report_id).update(status=status, finished_at=timezone.now(), **done)
    PROGRESS.forget(report_id)
    return status


def build(report: ProgressReport) -> dict:
    PROGRESS.report(report.pk, "counting", 0, 1)
    area = Area.of(report.region, report.as_of)
    sections = collect(area, progress=lambda done, total: PROGRESS.report(report.pk, "counting", done, total))
    authority = documents.region_office(report.region.code)
    # The number is taken now and kept on the row: a report that then fails still accounts for it.
    report.number = documents.next_number(authority, timezone.localdate().year) if authority else f"BG-{report.pk}"
    report.issuing_authority = authority
    report.is_demo = any(section.has_demo for section in sections)
    ProgressReport.objects.filter(pk=report.pk).update(
        number=report.number, issuing_authority=authority, is_demo=report.is_demo
    )
    PROGRESS.report(report.pk, "pdf", 0, 1)
    pdf = render_pdf(TEMPLATE, pdf_context(report, area, sections))
    PROGRESS.report(report.pk, "xlsx", 0, 1)
    xlsx = workbook(report, area, sections)
    stem = f"{report.region.code}-{report.as_of:%Y%m%d}-{report.pk}"
    report.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
    report.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
    PROGRESS.report(report.pk, "xlsx", 1, 1)
    return {
        "pdf": report.pdf.name,
        "xlsx": report.xlsx.name,
        "figures": {section.key: section.as_json(area) for section in sections},
    }


@shared_task(name="supervision.generate_progress_report", acks_late=True)
def generate_progress_report(report_id: int) -> str:
    return generate(report_id)


def government(region: Region) -> str:
    """The addressee: the region's people's government (本级政府)."""
    return _("%(region)s People's Government") % {"region": region.name}


def report_title() -> str:
    return _(
        "Report on the progress of mutual recognition of digital certificates and fee reduction on the "
        "public-resource trading platforms"
    )


def per_unit_table(area: Area, sections: list[Section]) -> dict:
    """The province's table of its cities (附表): one row per unit, every section's figures side by side."""
    return {
        "groups": [(section.title, len(section.columns)) for section in sections],
        "columns": [column for section in sections for column in section.columns],
        "rows": [
            (area.unit_name(unit), [figure for section in sections for figure in section.by_unit[unit]])
            for unit in area.units
        ],
        "totals": [figure for section in sections for figure in section.totals],
    }


def pdf_context(report: ProgressReport, area: Area, sections: list[Section]) -> dict:
    texts = Texts()
    authority = report.issuing_authority
    return {
        "per_unit": per_unit_table(area, sections) if area.is_province else None,
        "report": report,
        "area": area,
        "sections": [
            {"numeral": NUMERALS[index], "section": section, "totals": section.totals}
            for index, section in enumerate(sections)
        ],
        "title": report_title(),
        "government": government(report.region),
        "basis": REPORT_TO_GOVERNMENT,
        "as_of": texts.format_date(report.as_of),
        "issued": texts.format_date(timezone.localdate()),
        "issuer": authority.name if authority is not None else report.region.name,
    }


def workbook(report: ProgressReport, area: Area, sections: list[Section]) -> bytes:
    """The figures on a first sheet (per unit, with the totals), then each section's ledger (台账) on a
    sheet of its own: a header row and one row per record counted."""
    book = Workbook()
    summary = book.active
    summary.title = sheet_title(_("Figures"))
    summary.append([f"{report_title()}（{report.number}）"])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([_("%(region)s, as of %(date)s") % {"region": report.region.name, "date": report.as_of.isoformat()}])
    for section in sections:
        summary.append([])
        summary.append([section.title])
        summary.cell(row=summary.max_row, column=1).font = Font(bold=True)
        _header(summary, [_("Region"), *section.columns])
        for name, figures in section.unit_rows(area):
            summary.append([name, *figures])
        if area.is_province:
            summary.append([_("Total"), *section.totals])
            for cell in summary[summary.max_row]:
                cell.font = Font(bold=True)
    _widths(summary, 1 + max(len(section.columns) for section in sections), 16)
    summary.column_dimensions["A"].width = 28
    for section in sections:
        sheet = book.create_sheet(sheet_title(section.title))
        _header(sheet, section.ledger_headers)
        sheet.freeze_panes = "A2"
        for row in section.ledger:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, datetime.date):
                    cell.number_format = DATE_FORMAT
        _widths(sheet, len(section.ledger_headers), 20)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _header(sheet, headers: list[str]) -> None:
    sheet.append([str(header) for header in headers])
    for cell in sheet[sheet.max_row]:
        for name, value in HEADER_STYLE.items():
            setattr(cell, name, value)


def _widths(sheet, columns: int, width: int) -> None:
    for index in range(columns):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
