"""Supervision's part of the progress report (``supervision.engine.report_figures``): the rectification
cases of the area, open, closed and escalated on the report's day (one query).

A case belongs to the region of its party (a platform's, an authority's) or, for a vendor, which has no
region, to the region of the administrator who opened it.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from supervision.engine.report_figures import Area, Section, day
from supervision.models import RectificationCase

OPENED, IN_PROGRESS, CLOSED, ESCALATED = range(4)


def state_on(row: dict, area: Area) -> int:
    """The case's state at the end of the report's day, from the moments it was closed or escalated."""
    if row["closed_at"] is not None and row["closed_at"] < area.end:
        return CLOSED
    if row["escalated_at"] is not None and row["escalated_at"] < area.end:
        return ESCALATED
    return IN_PROGRESS


def sections(area: Area) -> list[Section]:
    in_area = (
        Q(platform__region_id__in=area.codes)
        | Q(authority__region_id__in=area.codes)
        | Q(vendor__isnull=False, opened_by__region_id__in=area.codes)
    )
    if area.is_province:
        in_area |= Q(vendor__isnull=False, opened_by__region__isnull=True)  # opened by a superuser
    rows = (
        RectificationCase.objects.filter(in_area, created__lt=area.end)
        .order_by("created", "pk")
        .values(
            "number",
            "document_number",
            "title",
            "due_date",
            "created",
            "closed_at",
            "escalated_at",
            "is_demo",
            "vendor__name",
            "platform__name",
            "authority__name",
            "platform__region_id",
            "authority__region_id",
            "opened_by__region_id",
        )
    )
    labels = {IN_PROGRESS: _("in progress"), CLOSED: _("closed"), ESCALATED: _("escalated")}
    section = Section.start(
        area,
        key="cases",
        order=40,
        title=_("Rectification cases"),
        columns=[_("Cases opened"), _("In progress"), _("Closed"), _("Escalated")],
        summary="",
        ledger_headers=[
            _("Case number"),
            _("Document number (文号)"),
            _("Responsible party"),
            _("Region"),
            _("Title"),
            _("Opened on"),
            _("Due date"),
            _("State"),
            _("Closed on"),
        ],
    )
    for row in rows:
        unit = area.unit(row["platform__region_id"], row["authority__region_id"], row["opened_by__region_id"])
        unit = unit or area.region.code
        state = state_on(row, area)
        section.count(unit, OPENED, state)
        section.has_demo |= row["is_demo"]
        section.ledger.append(
            [
                row["number"],
                row["document_number"],
                row["vendor__name"] or row["platform__name"] or row["authority__name"],
                area.unit_name(unit),
                row["title"],
                day(row["created"]),
                row["due_date"],
                labels[state],
                day(row["closed_at"]) if state == CLOSED else None,
            ]
        )
    opened, in_progress, closed, escalated = section.totals
    section.summary = _(
        "%(opened)s rectification cases opened: %(closed)s verified and closed, %(progress)s in progress, "
        "%(escalated)s escalated for being overdue."
    ) % {"opened": opened, "closed": closed, "progress": in_progress, "escalated": escalated}
    return [section]
