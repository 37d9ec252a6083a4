"""Running an import: check (a dry run that writes nothing) then write (all or nothing).

The check keeps the lines it accepted; writing stores them without validating every row again (see
``fees.importing.resource``). A row the database refuses at write time (the data changed since the
check) rolls the whole import back with a message saying why.

Small sheets run inside the request; large ones in Celery, reporting progress (``portal.jobs``) so
the page can draw a progress bar while the work runs inside its transaction.
"""

import json
import logging
from collections import Counter

import tablib
from celery import shared_task
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.results import Result
from openpyxl import load_workbook

from fees import workflow
from fees.importing.columns import label
from fees.importing.resource import FilingLineResource
from fees.importing.xlsx import SheetError, read_sheet
from fees.models import FeeFiling, FeeFilingLine, FeeImport
from portal.jobs import Progress
from supervision.models import CAVendor

logger = logging.getLogger(__name__)
SYNC_MAX_ROWS = 300  # larger sheets go to Celery
MAX_ERRORS_KEPT = 500
CHECK, WRITE = "check", "write"
PHASES = {"reading": (0, 20), "checking": (20, 100), "writing": (20, 90), "submitting": (90, 100)}
PROGRESS = Progress("fees:import", PHASES, first="reading")
# Why the database refused a line or filing the check had accepted, by the constraint it broke.
REFUSALS = {
    "feefilingline_once_per_filing": gettext_lazy("the same product and fee item twice in one filing"),
    "feefilingline_amount_not_negative": gettext_lazy("a negative amount"),
    "feefiling_one_per_day": gettext_lazy("a second filing for the same vendor, region and effective date"),
}


def report_progress(import_id: int, phase: str, done: int, total: int) -> None:
    PROGRESS.report(import_id, phase, done, total)


def progress_of(job: FeeImport) -> dict:
    """Percentage and phase for the progress bar."""
    return PROGRESS.of(job.pk, running=job.running, status=job.status)


def estimated_rows(job: FeeImport) -> int:
    """A cheap guess of the row count (the sheet's stated dimension) to choose request or Celery."""
    try:
        with job.file.open("rb") as handle:
            workbook = load_workbook(handle, read_only=True)
            try:
                rows = workbook.worksheets[0].max_row or 0
            finally:
                workbook.close()
    except Exception:
        return 0  # unreadable: the check will say why, quickly
    return max(rows - 1, 0)


def start(job: FeeImport, phase: str) -> None:
    """Run the phase now (small sheets) or hand it to Celery after the current transaction."""
    rows = job.total_rows if phase == WRITE else estimated_rows(job)
    if rows > SYNC_MAX_ROWS:
        report_progress(job.pk, "reading", 0, rows)
        transaction.on_commit(lambda: run_import.delay(job.pk, phase))
    else:
        run(job.pk, phase)


def run(import_id: int, phase: str) -> str:
    job = FeeImport.objects.select_related("created_by").get(pk=import_id)
    try:
        return _check(job) if phase == CHECK else _write(job)
    except Exception:
        logger.exception("fee import %s failed in phase %s", import_id, phase)
        message = _("The import stopped on an unexpected error; nothing was written. Please tell the administrators.")
        return _fail(job, FeeImport.Status.FAILED, [{"row": None, "column": "", "message": message}])


@shared_task(name="fees.tasks.run_import", acks_late=True)
def run_import(import_id: int, phase: str) -> str:
    """Check (dry run) or write an uploaded sheet; large sheets come here instead of the request."""
    return run(import_id, phase)


def _read(job: FeeImport):
    def progress(done):
        report_progress(job.pk, "reading", done, max(job.total_rows, done))

    with job.file.open("rb") as handle:
        return read_sheet(handle, progress=progress)


def _rows_name(job: FeeImport) -> str:
    return f"{job.file.name}.rows.json"


def _keep_checked(job: FeeImport, checked: dict) -> None:
    """What the check accepted (``FilingLineResource.checked``), so writing neither parses the workbook
    nor validates its rows a second time."""
    content = json.dumps({"checked": checked}, ensure_ascii=False)
    name = _rows_name(job)
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, ContentFile(content.encode()))


def _checked(job: FeeImport) -> tuple[dict, list[dict]]:
    """What the check accepted and kept, or, when it is gone (or kept by an older release as the sheet's
    rows), the sheet checked again: (the checked lines, the errors found)."""
    name = _rows_name(job)
    data = {}
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as handle:
            data = json.loads(handle.read())
    if "checked" in data:
        return data["checked"], []
    if "rows" in data:
        dataset = tablib.Dataset(*[tuple(row) for row in data["rows"]], headers=data["headers"])
    else:
        dataset = _read(job)
    resource, result = _import(job, dataset, dry_run=True, phase="writing")
    return resource.checked(), collect_errors(result)


def _forget_rows(job: FeeImport) -> None:
    name = _rows_name(job)
    if default_storage.exists(name):
        default_storage.delete(name)


def _fail(job: FeeImport, status: str, errors: list[dict], summary: dict | None = None) -> str:
    FeeImport.objects.filter(pk=job.pk).update(
        status=status,
        errors=errors[:MAX_ERRORS_KEPT],
        summary=(summary or {}) | {"error_count": len(errors)},
        finished_at=timezone.now(),
    )
    return status


def collect_errors(result: Result) -> list[dict]:
    """Row-level messages: the sheet row (the header is row 1), the column and what is wrong."""
    errors = []
    for error in result.base_errors:
        errors.append({"row": None, "column": "", "message": str(error.error)})
    for number, row_errors in result.row_errors():
        for error in row_errors:
            errors.append({"row": number + 1, "column": "", "message": str(error.error)})
    for invalid in result.invalid_rows:
        for field, messages in invalid.error_dict.items():
            for message in messages:
                errors.append(
                    {
                        "row": invalid.number + 1,
                        "column": "" if field == "__all__" else label(field),
                        "message": message,
                    }
                )
    errors.sort(key=lambda e: e["row"] or 0)
    return errors


def _import(job: FeeImport, dataset, dry_run: bool, phase: str):
    total = len(dataset)
    resource = FilingLineResource(
        user=job.created_by,
        source_name=job.original_name,
        progress=lambda done: report_progress(job.pk, phase, done, total),
    )
    result = resource.import_data(
        dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True, raise_errors=False
    )
    return resource, result


def _summary(resource: FilingLineResource, dataset) -> dict:
    counts = Counter(key for key, _product, _item in resource.seen)
    names = dict(CAVendor.objects.filter(pk__in={k[0] for k in counts}).values_list("pk", "short_name"))
    filings = [
        {
            "vendor": names.get(key[0], key[0]),
            "region": f"{resource.tree.name(key[1])}（{key[1]}）",
            "effective_date": key[2].isoformat(),
            "lines": n,
            "row": resource.group_rows.get(key),
        }
        for key, n in sorted(counts.items(), key=lambda kv: resource.group_rows.get(kv[0], 0))
    ]
    preview = [dict(zip(dataset.headers, row)) for row in dataset[:20]]
    return {"filings": len(filings), "lines": sum(counts.values()), "by_filing": filings[:200], "preview": preview}


def _check(job: FeeImport) -> str:
    if not FeeImport.objects.filter(pk=job.pk, status__in=[FeeImport.Status.QUEUED]).update(
        status=FeeImport.Status.CHECKING
    ):
        return job.status
    report_progress(job.pk, "reading", 0, 0)
    try:
        dataset = _read(job)
    except SheetError as exc:
        return _fail(job, FeeImport.Status.INVALID, [{"row": None, "column": "", "message": str(exc)}])
    FeeImport.objects.filter(pk=job.pk).update(total_rows=len(dataset))
    job.total_rows = len(dataset)
    if not len(dataset):
        return _fail(
            job, FeeImport.Status.INVALID, [{"row": None, "column": "", "message": _("The sheet has no rows.")}]
        )
    resource, result = _import(job, dataset, dry_run=True, phase="checking")
    errors = collect_errors(result)
    if errors:
        return _fail(job, FeeImport.Status.INVALID, errors)
    _keep_checked(job, resource.checked())
    FeeImport.objects.filter(pk=job.pk).update(
        status=FeeImport.Status.CHECKED, summary=_summary(resource, dataset), errors=[]
    )
    return FeeImport.Status.CHECKED


def _write(job: FeeImport) -> str:
    if not FeeImport.objects.filter(pk=job.pk, status=FeeImport.Status.CHECKED).update(status=FeeImport.Status.WRITING):
        return job.status  # somebody else confirmed it already
    report_progress(job.pk, "reading", 0, job.total_rows)
    summary = dict(job.summary)
    try:
        checked, errors = _checked(job)
    except SheetError as exc:
        return _fail(job, FeeImport.Status.FAILED, [{"row": None, "column": "", "message": str(exc)}])
    if errors:
        return _fail(job, FeeImport.Status.FAILED, errors, summary)
    total = len(checked["lines"])
    resource = FilingLineResource(
        user=job.created_by,
        source_name=job.original_name,
        progress=lambda done: report_progress(job.pk, "writing", done, total),
    )
    try:
        with transaction.atomic():
            errors = resource.write_checked(checked)
            if errors:
                raise _Rollback
            # The deferred foreign keys are checked here, not at a commit that may be the caller's.
            connection.check_constraints(table_names=_TABLES)
            filings = resource.created_filings
            summary["filing_ids"] = filings[:1000]
            if job.submit_after and filings:
                report_progress(job.pk, "submitting", 0, 1)
                breaches = workflow.submit_many(
                    filings,
                    job.created_by,
                    progress=lambda done, steps: report_progress(job.pk, "submitting", done, steps),
                )
                summary["breaches"] = len(breaches)
    except _Rollback:
        return _fail(job, FeeImport.Status.FAILED, errors, summary)
    except IntegrityError as exc:
        logger.warning("fee import %s refused when written: %s", job.pk, exc)
        return _fail(job, FeeImport.Status.FAILED, [{"row": None, "column": "", "message": refusal(exc)}], summary)
    except (ValidationError, PermissionDenied) as exc:
        message = "；".join(getattr(exc, "messages", [str(exc)]))
        return _fail(job, FeeImport.Status.FAILED, [{"row": None, "column": "", "message": message}], summary)
    _forget_rows(job)
    FeeImport.objects.filter(pk=job.pk).update(
        status=FeeImport.Status.DONE, summary=summary, errors=[], finished_at=timezone.now()
    )
    return FeeImport.Status.DONE


class _Rollback(Exception):
    pass


_TABLES = [
    model._meta.db_table for model in (FeeFiling, FeeFilingLine, FeeFiling.history.model, FeeFilingLine.history.model)
]


def refusal(exc: IntegrityError) -> str:
    """What to tell the user when the database refused a row the check had accepted: the rule it broke
    (named by its constraint, or by its columns in SQLite's words)."""
    text = str(exc)
    reason = _("it breaks a rule of the stored data")
    if "foreign key" in text.lower():
        reason = _("a product, fee item, vendor or region that no longer exists")
    for model in (FeeFiling, FeeFilingLine):
        for constraint in model._meta.constraints:
            columns = ", ".join(
                f"{model._meta.db_table}.{model._meta.get_field(name).column}"
                for name in getattr(constraint, "fields", ())
            )
            if constraint.name in text or (columns and columns in text):
                reason = str(REFUSALS.get(constraint.name, reason))
    return _(
        "A row the check had accepted was refused when written (%(reason)s): the data changed since the check. "
        "Nothing was written; upload the sheet again to check it."
    ) % {"reason": reason}
