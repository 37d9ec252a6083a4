"""The fees' part of the progress report (``supervision.engine.report_figures``): the fee filings accepted
in the area, and the fee violations found there (over-charge, prohibited item, repeated charge) with how
many were rectified (one query each).

A violation belongs to the region of the filing it was found in (``facts["region"]``); one raised by
hand without a region counts at the province's level. Findings record no moment of resolution: a
violation found by the report's day is counted in the state it has when the report is generated.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from fees.findings import RULE_KINDS
from fees.models import FeeFiling
from supervision.engine.report_figures import Area, Section, day
from supervision.models import Finding

FILINGS, VENDORS, LINES = range(3)
FOUND, RECTIFIED, IN_RECTIFICATION, OPEN = range(4)


def filings_section(area: Area) -> Section:
    accepted_by_then = Q(reviewed_at__lt=area.end) | Q(reviewed_at__isnull=True, created__lt=area.end)
    rows = (
        FeeFiling.objects.filter(accepted_by_then, status=FeeFiling.Status.ACCEPTED, region_id__in=area.codes)
        .annotate(line_count=Count("lines"))
        .order_by("region_id", "vendor__name", "effective_date", "pk")
        .values(
            "pk", "region_id", "vendor_id", "vendor__name", "effective_date", "reviewed_at", "line_count", "is_demo"
        )
    )
    section = Section.start(
        area,
        key="fee_filings",
        order=20,
        title=_("Fee filings accepted (收费标准备案)"),
        columns=[_("Filings accepted"), _("CA vendors"), _("Fee lines")],
        summary="",
        ledger_headers=[
            _("Region"),
            _("Filing number"),
            _("CA vendor"),
            _("Effective date"),
            _("Accepted on"),
            _("Fee lines"),
        ],
    )
    vendors: dict[str, set[int]] = {unit: set() for unit in area.units}
    for row in rows:
        unit = area.unit(row["region_id"])
        section.count(unit, FILINGS)
        section.by_unit[unit][LINES] += row["line_count"]
        vendors[unit].add(row["vendor_id"])
        section.has_demo |= row["is_demo"]
        section.ledger.append(
            [
                area.unit_name(unit),
                f"#{row['pk']}",
                row["vendor__name"],
                row["effective_date"],
                day(row["reviewed_at"]),
                row["line_count"],
            ]
        )
    for unit, seen in vendors.items():
        section.by_unit[unit][VENDORS] = len(seen)
    section.overall[VENDORS] = len(set().union(*vendors.values()))
    filings, _vendors, lines = section.totals
    section.summary = _("%(filings)s fee filings accepted, with %(lines)s fee lines.") % {
        "filings": filings,
        "lines": lines,
    }
    return section


def violations_section(area: Area) -> Section:
    in_area = Q(facts__region__in=area.codes)
    if area.is_province:
        in_area |= Q(facts__region__isnull=True)
    rows = (
        Finding.objects.filter(in_area, kind__in=RULE_KINDS, created__lt=area.end)
        .exclude(status=Finding.Status.DISMISSED)
        .order_by("created", "pk")
        .values("pk", "kind", "status", "summary", "facts", "created", "is_demo", "vendor__name")
    )
    kinds = dict(Finding.Kind.choices)
    statuses = dict(Finding.Status.choices)
    column_of = {
        Finding.Status.RESOLVED: RECTIFIED,
        Finding.Status.IN_RECTIFICATION: IN_RECTIFICATION,
        Finding.Status.OPEN: OPEN,
    }
    section = Section.start(
        area,
        key="fee_violations",
        order=30,
        title=_("Fee violations (违规收费)"),
        columns=[_("Found"), _("Rectified"), _("In rectification"), _("Not yet acted on")],
        summary="",
        ledger_headers=[
            _("Region"),
            _("Finding number"),
            _("CA vendor"),
            _("Kind"),
            _("Problem"),
            _("Found on"),
            _("Status"),
        ],
    )
    for row in rows:
        region = row["facts"].get("region") if isinstance(row["facts"], dict) else None
        unit = area.unit(region) or area.region.code
        section.count(unit, FOUND, column_of[row["status"]])
        section.has_demo |= row["is_demo"]
        section.ledger.append(
            [
                area.unit_name(unit),
                f"#{row['pk']}",
                row["vendor__name"],
                str(kinds.get(row["kind"], row["kind"])),
                row["summary"],
                day(row["created"]),
                str(statuses.get(row["status"], row["status"])),
            ]
        )
    found, rectified, in_rectification, still_open = section.totals
    section.summary = _(
        "%(found)s fee violations found (charges above the provincial lowest standard, prohibited items, repeated "
        "charges): %(rectified)s rectified, %(in_rectification)s in rectification, %(open)s not yet acted on."
    ) % {"found": found, "rectified": rectified, "in_rectification": in_rectification, "open": still_open}
    return section


def sections(area: Area) -> list[Section]:
    return [filings_section(area), violations_section(area)]
