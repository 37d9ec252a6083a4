"""The matrix bodies as HTML, built in Python: a province page has thousands of cells, and the
template engine spends about 0.3 ms on each (a ``{% url %}``, a ``{% blocktranslate %}``, a few
conditions). Here every translated fragment is looked up once per page and each cell is one string
operation, so a page of 25 vendors × 100 platforms renders in a few milliseconds. The markup (CSS
classes, ``data-testid`` attributes) is the same as the pages' templates use for everything else."""

from __future__ import annotations

from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from certificates.models import RecognitionStatus


def _days(count: int, late: bool) -> str:
    if late:
        return ngettext("%(days)s day late", "%(days)s days late", count) % {"days": count}
    return ngettext("%(days)s day left", "%(days)s days left", count) % {"days": count}


def province_rows(matrix) -> list[SafeString]:
    labels = {value: escape(str(label)) for value, label in RecognitionStatus.choices}
    soon = escape(_("as soon as possible"))
    records = reverse("certificates:recognitionrecord_list")
    scope = escape(matrix.filters.scope)
    rows = []
    for row in matrix.rows:
        vendor = row.vendor
        due = row.due.isoformat() if row.due else soon
        link = f"{records}?vendor={vendor.pk}&amp;scope={scope}&amp;platform="
        parts = [
            f'<tr data-testid="vendor-row"><th class="vendor" scope="row">{escape(vendor.short_name)}</th>'
            f'<td class="text-nowrap">{due}</td>'
        ]
        for cell in row.cells:
            if not cell.total:
                parts.append('<td class="cell cell-none">—</td>')
                continue
            label = labels[cell.status]
            note = ""
            if cell.days_left is not None:
                note = f"<br><small>{escape(_days(abs(cell.days_left), cell.days_left < 0))}</small>"
            elif cell.verified_late_days:
                note = f"<br><small>{escape(_days(cell.verified_late_days, True))}</small>"
            if cell.demo and note:  # lateness made up for the demonstration says so where it shows
                note += '<br><span class="badge text-bg-warning demo-badge">示例</span>'
            parts.append(
                f'<td class="cell {cell.css}" title="{label} {cell.verified}/{cell.total}">'
                f'<a href="{link}{cell.platform_id}">{label}{note}</a></td>'
            )
        parts.append(f'<td class="text-nowrap">{row.verified}/{row.total}</td></tr>')
        rows.append(mark_safe("".join(parts)))
    return rows


def national_rows(matrix) -> list[SafeString]:
    rows = []
    for row in matrix.rows:
        parts = [
            f'<tr data-testid="vendor-row"><th class="vendor" scope="row">{escape(row.vendor.short_name)}</th>'
            f'<td class="text-nowrap">{row.verified}/{row.total}</td>'
        ]
        for share in row.cells:
            if share.total:
                parts.append(
                    f'<td class="cell {share.css}">{share.percent}%<br><small>{share.verified}/{share.total}</small></td>'
                )
            else:
                parts.append('<td class="cell cell-none">—</td>')
        parts.append("</tr>")
        rows.append(mark_safe("".join(parts)))
    return rows
