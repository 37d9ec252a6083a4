"""Usage statistics: submitting a report (form, API and xlsx all come here), the at-a-glance
submission matrix, and the national table (Attachment 2) added up by platform, province and vendor."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from supervision.models import Platform, Region
from trial import rounds
from trial.models import ReportingPeriod, TrialParticipant, UsageLine, UsageReport
from trial.models.rounds import platform_covered, reports_for
from trial.models.usage import COUNT_FIELDS


def overlapping(platform: Platform, starts_on: datetime.date, ends_on: datetime.date, exclude_pk=None):
    reports = UsageReport.objects.filter(platform=platform, starts_on__lte=ends_on, ends_on__gte=starts_on)
    return reports.exclude(pk=exclude_pk) if exclude_pk else reports


def check_platform(user, platform: Platform) -> None:
    """An operator reports for its own platform; an administrator for the platforms of its region; a
    lead department for the platforms it reports for."""
    if platform_covered(user, platform) or reports_for(user, platform):
        return
    if getattr(user, "is_administrator", False):
        raise ValidationError({"platform": _("This platform is not in your region.")})
    raise ValidationError({"platform": _("You may only report usage statistics for the platform you operate.")})


def _check_lines(lines: list[dict]) -> None:
    if not lines:
        raise ValidationError({"lines": _("Enter at least one line (one CA vendor).")})
    seen, errors = set(), []
    for number, line in enumerate(lines, start=1):
        vendor = line.get("vendor")
        if vendor is None:
            errors.append(_("Line %(n)d: choose the CA vendor.") % {"n": number})
            continue
        if vendor.pk in seen:
            errors.append(_("Line %(n)d: %(vendor)s appears twice.") % {"n": number, "vendor": vendor})
        seen.add(vendor.pk)
        for name in COUNT_FIELDS:
            value = line.get(name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                errors.append(
                    _("Line %(n)d, %(field)s: enter a whole number of 0 or more.")
                    % {"n": number, "field": UsageLine._meta.get_field(name).verbose_name}
                )
        if not errors:
            try:
                UsageLine(vendor=vendor, **{name: line[name] for name in COUNT_FIELDS}).full_clean(exclude=["report"])
            except ValidationError as exc:
                errors.extend(_("Line %(n)d: %(message)s") % {"n": number, "message": m} for m in exc.messages)
    if errors:
        raise ValidationError({"lines": errors})


def submit_report(
    *,
    platform: Platform,
    period: ReportingPeriod,
    lines: list[dict],
    by,
    via: str = UsageReport.Via.FORM,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    notes: str = "",
) -> UsageReport:
    """Write one report with its lines, or nothing (ValidationError with every problem)."""
    check_platform(by, platform)
    starts_on = starts_on or period.starts_on
    ends_on = ends_on or period.ends_on
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The period ends before it starts.")})
    if not TrialParticipant.objects.filter(round_id=period.round_id, platform=platform).exists():
        raise ValidationError({"platform": _("This platform does not take part in this round of the trial.")})
    _check_lines(lines)
    now = timezone.now()
    try:
        with transaction.atomic():
            # One writer per platform at a time, so two simultaneous reports cannot both pass the checks.
            Platform.objects.select_for_update().filter(pk=platform.pk).first()
            if UsageReport.objects.filter(platform=platform, period=period).exists():
                raise ValidationError(
                    {"period": _("A report for this period has already been submitted for this platform.")}
                )
            earlier = overlapping(platform, starts_on, ends_on).order_by("starts_on").first()
            if earlier is not None:
                raise ValidationError(
                    {
                        "starts_on": _(
                            "%(start)s – %(end)s overlaps the report already submitted for %(other_start)s – %(other_end)s."
                        )
                        % {
                            "start": starts_on.isoformat(),
                            "end": ends_on.isoformat(),
                            "other_start": earlier.starts_on.isoformat(),
                            "other_end": earlier.ends_on.isoformat(),
                        }
                    }
                )
            report = UsageReport(
                platform=platform,
                period=period,
                starts_on=starts_on,
                ends_on=ends_on,
                submitted_at=now,
                submitted_by=by,
                via=via,
                is_late=timezone.localdate(now) > period.due_date,
                notes=notes,
            )
            report._history_user = by
            report.save()
            UsageLine.objects.bulk_create(
                UsageLine(report=report, vendor=line["vendor"], **{name: line[name] for name in COUNT_FIELDS})
                for line in lines
            )
            rounds.report_submitted(report, by)
    except IntegrityError as exc:
        raise ValidationError(_("A report for this period has already been submitted for this platform.")) from exc
    return report


# --- at a glance ---------------------------------------------------------------------------------


@dataclass
class Cell:
    state: str  # on_time, late, missing (overdue), pending (not yet due)
    report: UsageReport | None = None


def submission_matrix(trial_round, user, today: datetime.date | None = None) -> dict:
    """Participants (those whose reports the user may see) × periods: on time, late, missing, pending."""
    today = today or timezone.localdate()
    periods = list(trial_round.periods.all())
    reports = {
        (r.platform_id, r.period_id): r
        for r in UsageReport.objects.visible_to(user).filter(period__round=trial_round).select_related("period")
    }
    participants = trial_round.participants.select_related("platform", "platform__region")
    if not user.is_superuser:
        if user.is_administrator or user.platform_id:
            participants = participants.filter(platform__in=Platform.objects.visible_to(user))
        else:
            participants = participants.none()  # vendors see no platform's reports
    rows = []
    for participant in participants:
        cells = []
        for period in periods:
            report = reports.get((participant.platform_id, period.pk))
            if report is not None:
                cells.append(Cell("late" if report.is_late else "on_time", report))
            else:
                cells.append(Cell("missing" if today > period.due_date else "pending"))
        rows.append({"participant": participant, "cells": cells})
    return {"periods": periods, "rows": rows}


# --- the national table --------------------------------------------------------------------------


def _zero() -> dict[str, int]:
    return dict.fromkeys(COUNT_FIELDS, 0)


def _add(total: dict[str, int], row: dict) -> None:
    for name in COUNT_FIELDS:
        total[name] += row[name] or 0


@dataclass
class Group:
    key: object
    label: str
    totals: dict = field(default_factory=_zero)
    lines: list = field(default_factory=list)  # for platforms: one entry per vendor
    extra: dict = field(default_factory=dict)


def province_of(region_code: str | None, names: dict[str, str]) -> tuple[str, str]:
    if not region_code:
        return "", _("Enterprise platforms (no region)")
    code = region_code[:2] + "0000"
    return code, names.get(code, code)


def national_table(lines) -> dict:
    """``lines``: a UsageLine queryset already scoped (``visible_to``) and filtered by period or round."""
    rows = list(
        lines.values(
            "report__platform_id",
            "report__platform__name",
            "report__platform__region_id",
            "vendor_id",
            "vendor__name",
            "vendor__short_name",
        )
        .annotate(**{name: Sum(name) for name in COUNT_FIELDS})
        .order_by("report__platform__region_id", "report__platform__name", "vendor__name")
    )
    names = dict(Region.objects.filter(level=Region.Level.PROVINCE).values_list("code", "name"))
    platforms: dict[int, Group] = {}
    provinces: dict[str, Group] = {}
    vendors: dict[int, Group] = {}
    total = _zero()
    for row in rows:
        code, province_name = province_of(row["report__platform__region_id"], names)
        platform = platforms.setdefault(
            row["report__platform_id"],
            Group(row["report__platform_id"], row["report__platform__name"], extra={"province": province_name}),
        )
        platform.lines.append({"vendor": row["vendor__name"], **{name: row[name] for name in COUNT_FIELDS}})
        _add(platform.totals, row)
        province = provinces.setdefault(code, Group(code, province_name, extra={"platforms": set()}))
        province.extra["platforms"].add(row["report__platform_id"])
        _add(province.totals, row)
        vendor = vendors.setdefault(
            row["vendor_id"], Group(row["vendor_id"], row["vendor__name"], extra={"short": row["vendor__short_name"]})
        )
        _add(vendor.totals, row)
        _add(total, row)
    for province in provinces.values():
        province.extra["platform_count"] = len(province.extra.pop("platforms"))
    return {
        "platforms": list(platforms.values()),
        "provinces": sorted(provinces.values(), key=lambda g: (g.key == "", g.key)),
        "vendors": sorted(vendors.values(), key=lambda g: (-g.totals["bids"], g.label)),
        "total": total,
    }
