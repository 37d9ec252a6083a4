"""The figures of a progress report to the government (豫公管办〔2019〕23号 五): the area a report covers,
and the sections the apps contribute.

Each app may have a ``reporting`` module with ``sections(area) -> list[Section]`` (recognition from
``certificates``, fee filings and fee violations from ``fees``, cases from ``supervision``), gathered like
the navigation: the report needs every app, and ``supervision`` imports none above it. A section reads
its rows with one or two queries over the whole area and counts them per unit in Python, so a report
costs the same number of queries for ten rows or ten thousand.

The *units* of an area are the rows of its per-city tables: for a province, the province's own level,
each city (省辖市, with its counties) and each county governed by the province (省直管县); for a city,
the city alone.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.scope import covered_q
from portal.seeding import app_modules
from supervision.models import Region


@dataclass
class Area:
    region: Region
    as_of: datetime.date
    codes: list[str]  # every region code the report covers
    unit_of: dict[str, str]  # region code → the code of its unit
    units: list[str]  # unit codes in the order of the tables
    unit_names: dict[str, str]

    @classmethod
    def of(cls, region: Region, as_of: datetime.date) -> Area:
        """The regions a report on ``region`` covers (one query): a province with its cities and counties,
        a city with its counties except those the province governs (as an administrator's scope)."""
        code = region.code
        rows = list(
            Region.objects.filter(covered_q(code, region.level))
            .order_by("code")
            .values_list("code", "name", "level", "parent_id", "province_governed")
        )
        unit_of, names = {}, {}
        for row_code, name, level, parent, governed in rows:
            if region.level != Region.Level.PROVINCE or row_code == code:
                unit = code
            elif level == Region.Level.CITY or governed:
                unit = row_code
            else:
                unit = parent
            unit_of[row_code] = unit
            if unit == row_code:
                names[row_code] = name
        if region.level == Region.Level.PROVINCE:
            names[code] = _("%(name)s (province level)") % {"name": region.name}
        units = sorted(set(unit_of.values()))
        return cls(region, as_of, [row[0] for row in rows], unit_of, units, names)

    @property
    def is_province(self) -> bool:
        return self.region.level == Region.Level.PROVINCE

    @property
    def end(self) -> datetime.datetime:
        """The first moment after the report's day (Asia/Shanghai): what happened before it counts."""
        next_day = self.as_of + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(next_day, datetime.time.min))

    def unit(self, *codes: str | None) -> str | None:
        """The unit of the first of ``codes`` the area covers."""
        for code in codes:
            if code in self.unit_of:
                return self.unit_of[code]
        return None

    def unit_name(self, unit: str | None) -> str:
        return self.unit_names.get(unit, "") if unit else ""


@dataclass
class Section:
    """One part of the report: figures per unit (a table in the PDF) and its ledger (台账: one sheet of
    the workbook, one row per record counted)."""

    key: str
    order: int
    title: str
    columns: list[str]  # the figures' labels
    summary: str  # one sentence for the PDF, with the area's totals
    ledger_headers: list[str]
    ledger: list[list] = field(default_factory=list)
    by_unit: dict[str, list[int]] = field(default_factory=dict)
    # The area's figure of a column that is not the sum of its units' (distinct vendors: one vendor
    # counts once in the province, however many cities it files in).
    overall: dict[int, int] = field(default_factory=dict)
    has_demo: bool = False

    @classmethod
    def start(cls, area: Area, **values) -> Section:
        section = cls(**values)
        section.by_unit = {unit: [0] * len(section.columns) for unit in area.units}
        return section

    def count(self, unit: str | None, *columns: int) -> None:
        """One more in each of ``columns`` of the unit."""
        row = self.by_unit.get(unit)
        if row is None:
            return
        for column in columns:
            row[column] += 1

    @property
    def totals(self) -> list[int]:
        sums = [sum(column) for column in zip(*self.by_unit.values(), strict=True)] or [0] * len(self.columns)
        return [self.overall.get(index, value) for index, value in enumerate(sums)]

    def unit_rows(self, area: Area) -> list[tuple[str, list[int]]]:
        return [(area.unit_name(unit), self.by_unit[unit]) for unit in area.units]

    def as_json(self, area: Area) -> dict:
        return {
            "title": self.title,
            "columns": self.columns,
            "totals": self.totals,
            "units": [
                {"region": unit, "name": area.unit_name(unit), "figures": self.by_unit[unit]} for unit in area.units
            ],
            "ledger_rows": len(self.ledger),
        }


def collect(area: Area, progress: Callable[[int, int], None] | None = None) -> list[Section]:
    """Every app's sections for the area, in their order."""
    providers = [module.sections for module in app_modules("reporting")]
    sections: list[Section] = []
    for done, provider in enumerate(providers, start=1):
        sections.extend(provider(area))
        if progress is not None:
            progress(done, len(providers))
    return sorted(sections, key=lambda section: section.order)


def day(value: datetime.datetime | datetime.date | None) -> datetime.date | None:
    """A moment as its day in the portal's time zone (a ledger's date column)."""
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value)
    return value
