"""Every list as an xlsx workbook: the rows and columns the page shows, with its filters and the
user's scope, under a title row naming the list, its filters and the date.

A list answers ``?format=xlsx`` (``wanted``) with ``respond(request, table)``. Up to
``SYNC_MAX_ROWS`` rows the workbook is built within the request. A longer list becomes an
``ExportJob``: Celery calls the list's own view again, as the same user with the same address
(``run_list_view``), so the file holds exactly what the page would have; the job's page draws a
progress bar and then links to the file, which only that user may download (``portal.downloads``).
"""

import datetime
import io
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from celery import shared_task
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import resolve
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from portal.filters import filters_text
from portal.jobs import Progress, progress_block
from portal.models import ExportJob
from portal.templatetags.portal_tags import when

logger = logging.getLogger(__name__)

FORMAT = "xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SYNC_MAX_ROWS = 2000  # longer lists are built by Celery
HEADER_ROW = 4  # title, filters, date, then the column headers
PROGRESS = Progress("portal:export", {"rows": (0, 95), "saving": (95, 100)}, first="rows")
PROGRESS_EVERY = 500  # rows
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
SEPARATOR = "、"
KEPT_FOR = datetime.timedelta(days=7)  # a user's finished exports are deleted when they ask for a new one after this
HEADER_STYLE = {  # a column header's cell (a workbook's other sheets use it too: the progress report's ledger)
    "font": Font(bold=True),
    "fill": PatternFill("solid", start_color="E9ECEF", end_color="E9ECEF"),
    "alignment": Alignment(wrap_text=True, vertical="top"),
}


@dataclass
class Table:
    """What a list shows: its title, the filters set, the column headers and the rows (values as
    ``cell_value`` makes them). ``rows`` may be a generator; ``count`` says how many it yields."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    count: int
    filters: Sequence[tuple[str, str]] = field(default_factory=list)


def wanted(request: HttpRequest) -> bool:
    """Whether the list is asked for as a workbook rather than a page."""
    return request.GET.get("format") == FORMAT


def cell_value(value):
    """A value as the page shows it, for a spreadsheet cell: names for rows, yes/no, lists joined,
    moments in the user's time zone to the minute, numbers and dates as themselves."""
    if isinstance(value, models.Manager):
        value = value.all()
    if isinstance(value, models.QuerySet | list | tuple | set):
        return SEPARATOR.join(str(cell_value(item)) for item in value) or None
    if isinstance(value, dict):
        return SEPARATOR.join(f"{key}: {item}" for key, item in value.items() if item not in (None, "", [], {})) or None
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(second=0, microsecond=0, tzinfo=None)
    if isinstance(value, datetime.date | int | float | Decimal):
        return value
    return str(value)


def workbook(table: Table, progress: Callable[[int], None] | None = None) -> bytes:
    """The xlsx file: title, filters and date above the header row (repeated on every printed page)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title(table.title))
    width = max(len(table.headers), 1)
    for index in range(width):
        sheet.column_dimensions[get_column_letter(index + 1)].width = 20
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"

    def text_cell(text: str, **style) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=text)
        for name, value in style.items():
            setattr(cell, name, value)
        return cell

    filters = filters_text(table.filters)
    exported = when(timezone.now())
    sheet.append([text_cell(table.title, font=Font(bold=True, size=14))])
    sheet.append([text_cell(_("Filters: %(filters)s") % {"filters": filters})])
    sheet.append([text_cell(_("Exported %(date)s · %(count)s rows") % {"date": exported, "count": table.count})])
    sheet.append([text_cell(str(header), **HEADER_STYLE) for header in table.headers])
    for done, row in enumerate(table.rows, start=1):
        sheet.append([_data_cell(sheet, value) for value in row])
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _data_cell(sheet, value):
    value = cell_value(value)
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return value


def sheet_title(title: str) -> str:
    """A sheet's name: at most 31 characters and none of []:*?/\\."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in str(title)).strip()
    return cleaned[:31] or "Sheet1"


def file_name(title: str) -> str:
    stem = get_valid_filename(title) or "export"
    return f"{stem}-{timezone.localdate():%Y%m%d}.xlsx"


def xlsx_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def respond(request: HttpRequest, table: Table) -> HttpResponse:
    """The workbook of ``table`` now; or, for a long list, a job building it and its progress page."""
    job = getattr(request, "export_job", None)
    if job is not None:  # Celery is building it: report the progress
        return xlsx_response(
            workbook(table, progress=lambda done: PROGRESS.report(job.pk, "rows", done, table.count)),
            file_name(table.title),
        )
    if table.count <= SYNC_MAX_ROWS or not request.user.is_authenticated:
        return xlsx_response(workbook(table), file_name(table.title))
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("page", None)
    forget_old_exports(request.user)
    with transaction.atomic():
        job = ExportJob.objects.create(
            created_by=request.user,
            title=table.title[:200],
            path=request.path,
            query=query.urlencode(),
            language=translation.get_language(),
            time_zone=timezone.get_current_timezone_name(),
            total_rows=table.count,
        )
        transaction.on_commit(lambda: build_export.delay(job.pk))
    messages.info(
        request,
        _("%(count)s rows: the workbook is being prepared; this page shows its progress.") % {"count": table.count},
    )
    return redirect(job)


def forget_old_exports(user) -> None:
    """Delete the user's exports older than ``KEPT_FOR``, files included (a list changes; its export is
    asked for again rather than kept)."""
    old = ExportJob.objects.filter(created_by=user, created__lt=timezone.now() - KEPT_FOR).exclude(
        status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING]
    )
    for job in old:
        if job.file:
            job.file.delete(save=False)
    old.delete()


def run_list_view(job: ExportJob) -> HttpResponse:
    """The list's own view called as the job's user with the job's address and ``format=xlsx``."""
    match = resolve(job.path)
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = job.path
    query = QueryDict(job.query, mutable=True)
    query["format"] = FORMAT
    request.GET = query
    request.user = job.created_by
    request.LANGUAGE_CODE = job.language
    request.export_job = job
    return match.func(request, *match.args, **match.kwargs)


def build(job_id: int) -> str:
    """Build a queued job's workbook (once: the job is claimed by moving it from queued to running)."""
    if not ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(status=ExportJob.Status.RUNNING):
        return ExportJob.objects.get(pk=job_id).status
    job = ExportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        with translation.override(job.language), timezone.override(job.time_zone):
            PROGRESS.report(job.pk, "rows", 0, job.total_rows)
            response = run_list_view(job)
            if response.status_code != 200 or response["Content-Type"] != XLSX:
                raise RuntimeError(f"the list answered {response.status_code} {response['Content-Type']}")
            PROGRESS.report(job.pk, "saving", 0, 1)
            name = file_name(job.title)
            job.file.save(name, ContentFile(response.content), save=False)
        status, done = ExportJob.Status.DONE, {"file": job.file.name, "file_name": name}
    except Exception:
        logger.exception("export %s of %s failed", job_id, job.path)
        status, done = ExportJob.Status.FAILED, {}
    ExportJob.objects.filter(pk=job_id).update(status=status, finished_at=timezone.now(), **done)
    PROGRESS.forget(job.pk)
    return status


@shared_task(name="portal.tasks.build_export", acks_late=True)
def build_export(job_id: int) -> str:
    return build(job_id)


def progress_of(job: ExportJob) -> dict:
    return PROGRESS.of(job.pk, running=job.running, status=job.status)


def _job(request, pk: int) -> ExportJob:
    return get_object_or_404(ExportJob.objects.visible_to(request.user), pk=pk)


@login_required
def export_detail(request, pk: int) -> HttpResponse:
    job = _job(request, pk)
    return render(request, "portal/export_detail.html", {"job": job, "progress": progress_of(job)})


@login_required
def export_progress(request, pk: int) -> HttpResponse:
    """The progress block, polled by HTMX while the job runs; a finished job asks for a reload."""
    job = _job(request, pk)
    return progress_block(
        request, "portal/includes/export_progress.html", {"job": job, "progress": progress_of(job)}, job
    )
