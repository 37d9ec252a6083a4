"""The texts of reminders, notices and digests. Messages go out in Chinese (the portal's language);
the msgids are English like the rest of the code. Templates are translated once per sweep and
filled per row with ``%``, so rendering costs microseconds, not a template engine per message."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from supervision.models import Obligation

MESSAGE_LANGUAGE = "zh-hans"


def absolute(path: str) -> str:
    return f"{settings.BASE_URL}{path}"


def url_pattern(name: str) -> str:
    """ "…/obligations/%s/" for a detail URL, reversed once instead of once per row."""
    return absolute(reverse(name, args=[987654321]).replace("987654321", "%s"))


class Texts:
    """Translated templates, ready to fill."""

    def __init__(self) -> None:
        with translation.override(MESSAGE_LANGUAGE):
            self.portal = str(settings.PORTAL_NAME)
            self.date = _("%(year)d-%(month)02d-%(day)02d")
            self.due_in = _("due in %(days)s days")
            self.due_today = _("due today")
            self.overdue_by = _("overdue by %(days)s days")
            self.no_directive = _("none")
            self.basis_line = _("Basis: %(citation)s")
            self.stage_before = _("%(days)s days before the due date")
            self.stage_due = _("the due day")
            self.stage_overdue = _("day %(days)s overdue")
            self.stage_age = _("open for %(days)s days")
            self.asap = _("as soon as possible (no date)")
            self.age_basis = _(
                "%(number)s bears no date of issue: the age counts from %(date)s, the first day of its year."
            )
            self.subject = _("Reminder: %(title)s (%(state)s)")
            self.copy_subject = _("Copy: reminder to %(party)s: %(title)s (%(state)s)")
            self.copy_line = _(
                "This is a copy for the supervising authority; the responsible party received the same reminder."
            )
            self.body = _(
                "%(name)s:\n\n"
                "The %(portal)s reminds you of the following duty.\n\n"
                "Duty: %(title)s\n"
                "Kind: %(kind)s\n"
                "Responsible party: %(party)s\n"
                "Due date: %(due)s (%(state)s)\n"
                "Under the directive: %(directive)s\n\n"
                "Please complete it and record what was done, with evidence, on this page: %(link)s\n\n"
                "This reminder is sent once for this stage (%(stage)s). "
                "Once the duty is recorded as done, the reminders stop.\n"
            )
            self.case_title = _("Rectification case %(number)s: %(title)s")
            self.kind_case = _("Rectification (整改)")
            self.kinds = {value: str(label) for value, label in Obligation.Kind.choices}
        self.obligation_url = url_pattern("supervision:obligation_detail")
        self.case_url = url_pattern("supervision:case_detail")

    def format_date(self, value: datetime.date) -> str:
        return self.date % {"year": value.year, "month": value.month, "day": value.day}

    def with_basis(self, directive: str, basis) -> str:
        """The directive line of a reminder, followed by the clause and sentence the duty rests on."""
        if basis is None:
            return directive
        return f"{directive or self.no_directive}\n{self.basis_line % {'citation': basis.citation}}"

    def with_age_basis(self, directive: str, number: str | None, issued_on, year: int | None) -> str:
        """A duty with no date whose directive bears no day of issue: say where its age counts from (the
        year's first day), so the age a reminder states is never taken for a known date."""
        if issued_on is not None or not year or not number:
            return directive
        return (
            f"{directive}\n{self.age_basis % {'number': number, 'date': self.format_date(datetime.date(year, 1, 1))}}"
        )

    def state(self, due: datetime.date, today: datetime.date) -> str:
        days = (due - today).days
        if days > 0:
            return self.due_in % {"days": days}
        if days == 0:
            return self.due_today
        return self.overdue_by % {"days": -days}

    def stage_label(self, stage: str) -> str:
        days = int(stage[1:]) if stage[1:].isdigit() else 0
        if stage.startswith("a"):
            return self.stage_age % {"days": days}
        if stage.startswith("o"):
            return self.stage_overdue % {"days": days}
        return self.stage_due if days == 0 else self.stage_before % {"days": days}

    def reminder(
        self, *, recipient, party: str, title: str, kind: str, due, today, directive: str, link: str, stage, age=None
    ):
        """(subject, body) of one reminder about an obligation or a case; a duty with no date (尽快) is
        described by its ``age`` in days."""
        state = self.state(due, today) if due is not None else self.stage_age % {"days": age}
        values = {
            "name": recipient.name,
            "portal": self.portal,
            "title": title,
            "kind": kind,
            "party": party,
            "due": self.format_date(due) if due is not None else self.asap,
            "state": state,
            "directive": directive or self.no_directive,
            "link": link,
            "stage": self.stage_label(stage),
        }
        body = self.body % values
        if recipient.is_copy:
            return (self.copy_subject % values)[:300], f"{self.copy_line}\n\n{body}"
        return (self.subject % values)[:300], body


def directive_label(number: str | None, title: str | None) -> str:
    if not number:
        return ""
    return f"{number}《{title}》" if title else number


def render(template: str, context: dict) -> str:
    """A case or digest message (few of them): a Django template under supervision/messages/, in Chinese."""
    from django.template.loader import render_to_string

    with translation.override(MESSAGE_LANGUAGE):
        return render_to_string(template, context).strip() + "\n"
