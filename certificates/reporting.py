"""Recognition's part of the progress report (``supervision.engine.report_figures``): each platform ×
vendor recognition record of the area, done or late on the report's day (two queries).

A record is done when it reached "done" or "verified" by the end of the day; it is late when it was not
done by then and its vendor's date (the due date of the vendor's recognition duty, as the matrix shows
it) had passed; done after that date it is "done late". A duty with no date (尽快) is never late.
"""

from __future__ import annotations

from django.db.models import Min
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from certificates.matrix import OBLIGATION_KIND
from certificates.models import RecognitionRecord, RecognitionScope, RecognitionStatus
from supervision.engine.report_figures import Area, Section, day
from supervision.models import Obligation

TOTAL, DONE, DONE_LATE, LATE, UNDER_WAY = range(5)
DONE_STATUSES = (RecognitionStatus.DONE, RecognitionStatus.VERIFIED)


def due_dates() -> dict[tuple[int, str], object]:
    """(vendor, scope) → the vendor's due date for recognition of that scope (one query)."""
    scope_of = {kind: scope for scope, kind in OBLIGATION_KIND.items()}
    rows = (
        Obligation.objects.filter(vendor__isnull=False, kind__in=list(scope_of))
        .values("vendor_id", "kind")
        .annotate(due=Min("due_date"))
    )
    return {(row["vendor_id"], scope_of[row["kind"]]): row["due"] for row in rows}


def sections(area: Area) -> list[Section]:
    rows = (
        RecognitionRecord.objects.filter(platform__region_id__in=area.codes, created__lt=area.end)
        .annotate(done_on=Coalesce("done_at", "verified_at", "status_changed_at"))
        .order_by("platform__region_id", "platform__name", "vendor__name", "scope", "pk")
        .values(
            "scope",
            "status",
            "done_on",
            "is_demo",
            "vendor_id",
            "vendor__name",
            "other_vendor__name",
            "platform__name",
            "platform__region_id",
        )
    )
    dues = due_dates()
    labels = {
        DONE: _("done"),
        DONE_LATE: _("done late"),
        LATE: _("late, not done"),
        UNDER_WAY: _("under way"),
    }
    scopes = dict(RecognitionScope.choices)
    statuses = dict(RecognitionStatus.choices)
    section = Section.start(
        area,
        key="recognition",
        order=10,
        title=_("Mutual recognition of certificates (互认)"),
        columns=[_("Platform × vendor"), _("Done"), _("Of which late"), _("Late, not done"), _("Under way")],
        summary="",
        ledger_headers=[
            _("Region"),
            _("Platform"),
            _("CA vendor"),
            _("Recognition scope"),
            _("Status"),
            _("Due date"),
            _("Done on"),
            _("State"),
        ],
    )
    for row in rows:
        due = dues.get((row["vendor_id"], row["scope"]))
        done_on = day(row["done_on"]) if row["status"] in DONE_STATUSES and row["done_on"] < area.end else None
        if done_on is not None:
            state = DONE_LATE if due is not None and done_on > due else DONE
        else:
            state = LATE if due is not None and due < area.as_of else UNDER_WAY
        unit = area.unit(row["platform__region_id"])
        section.count(unit, TOTAL, *((DONE, DONE_LATE) if state == DONE_LATE else (state,)))
        section.has_demo |= row["is_demo"]
        vendor = row["vendor__name"]
        if row["other_vendor__name"]:
            vendor = f"{vendor} ↔ {row['other_vendor__name']}"
        section.ledger.append(
            [
                area.unit_name(unit),
                row["platform__name"],
                vendor,
                str(scopes.get(row["scope"], row["scope"])),
                str(statuses.get(row["status"], row["status"])),
                due,
                done_on,
                labels[state],
            ]
        )
    total, done, done_late, late, under_way = section.totals
    section.summary = _(
        "%(total)s platform × vendor recognition items: %(done)s done (%(done_late)s of them after their date), "
        "%(late)s late and not done, %(under_way)s under way."
    ) % {"total": total, "done": done, "done_late": done_late, "late": late, "under_way": under_way}
    return [section]
