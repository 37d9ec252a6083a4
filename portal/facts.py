"""A finding's facts as a person reads them.

A rule records what it found as JSON data: ids, codes, amounts as strings, ISO dates (the API and the
admin show that data as it is). A page shows each fact under its label: an id as the name of what it
names (linked to its page), a code as its label, an amount in yuan, a list as its items, the basis as
its citation; never a Python repr. Each app names the facts its rules write in its ``clauses`` module,
next to the rules (``FACTS``, key → :class:`Fact`, or None for a fact a page does not show, such as an
internal row id); a key no app names is shown under its own name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from django.apps import apps
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.clauses import Basis
from portal.seeding import app_modules

Show = Callable[[object], object]


def text(value) -> object:
    """A plain value: a list as its items, a mapping as its own facts, yes/no for a flag."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return FactList(value)
    if isinstance(value, list | tuple):
        items = ((FactList(v) if isinstance(v, dict) else v,) for v in value)
        return format_html_join("", '<span class="badge text-bg-light border me-1">{}</span>', items)
    return value


def yuan(value) -> object:
    """An amount recorded as a string ("280.00") in yuan."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return value
    return _("%(amount)s yuan") % {"amount": f"{amount:,.2f}"}


def days(value) -> object:
    return _("%(days)s days") % {"days": value}


def citation(value) -> object:
    basis = Basis.from_facts({"basis": value})
    return basis.citation if basis else text(value)


def codes(value) -> object:
    """Certificate fingerprints and the like: each on its own line, in a monospace font."""
    items = value if isinstance(value, list | tuple) else [value]
    return format_html_join("", '<code class="d-block small text-break">{}</code>', ((v,) for v in items))


def record(label: str, field: str = "pk") -> Show:
    """An id as the row it names ("supervision.CAVendor": 3 → 深圳市电子商务安全证书管理有限公司, linked to
    its page), or the row whose ``field`` it is (a region's code); a name recorded as text stays as it is."""

    def show(value):
        if field == "pk" and (isinstance(value, bool) or not isinstance(value, int)):
            return text(value)
        row = apps.get_model(label)._default_manager.filter(**{field: value}).first()
        if row is None:
            return _("#%(id)s (no longer recorded)") % {"id": value}
        if hasattr(row, "get_absolute_url"):
            return format_html('<a href="{}">{}</a>', row.get_absolute_url(), row)
        return str(row)

    return show


def choice(label: str, field: str, extra: dict | None = None) -> Show:
    """A code as the label of ``field``'s choices ("verified" → 已核实)."""

    def show(value):
        labels = dict(apps.get_model(label)._meta.get_field(field).flatchoices) | (extra or {})
        return labels.get(value, value)

    return show


def labelled(labels: dict) -> Show:
    """A code as its label in ``labels`` (lazy translations)."""

    def show(value):
        return labels.get(value, value)

    return show


@dataclass(frozen=True)
class Fact:
    label: str  # a lazy translation
    show: Show = text
    unless: str = ""  # not shown when the facts hold this key too (a name kept beside its id)


# Facts that several apps' rules write; each app adds its own in ``<app>.clauses.FACTS``.
FACTS: dict[str, Fact | None] = {
    "basis": Fact(gettext_lazy("basis"), citation),
    "amount": Fact(gettext_lazy("amount"), yuan),
    "detected_on": Fact(gettext_lazy("detected on")),
    "directive": Fact(gettext_lazy("directive")),
    "date": Fact(gettext_lazy("date")),
    "document_number": Fact(gettext_lazy("document number (文号)")),
    "evidence": Fact(gettext_lazy("evidence")),
}


@cache
def known_facts() -> dict[str, Fact | None]:
    """The facts named here and in every app's ``clauses.FACTS``; a key named twice is an error."""
    known = dict(FACTS)
    for module in app_modules("clauses"):
        for key, fact in getattr(module, "FACTS", {}).items():
            if key in known:
                raise ValueError(f"the fact {key!r} is named twice ({module.__name__})")
            known[key] = fact
    return known


class FactList:
    """``{{ facts }}`` in a template: a definition list of the facts, ``skip`` left out."""

    def __init__(self, facts: dict, skip: tuple[str, ...] = ()) -> None:
        self.facts = facts if isinstance(facts, dict) else {}
        self.skip = skip

    def rows(self) -> list[tuple[str, object]]:
        known = known_facts()
        rows = []
        for key, value in self.facts.items():
            if key in self.skip or value in (None, "", [], {}):
                continue
            fact = known.get(key, Fact(key))
            if fact is None or (fact.unless and fact.unless in self.facts):
                continue
            rows.append((capfirst(str(fact.label)), fact.show(value)))
        return rows

    def __html__(self) -> SafeString:
        rows = self.rows()
        if not rows:
            return mark_safe('<span class="text-body-tertiary">—</span>')
        items = format_html_join(
            "", '<dt class="col-sm-4 fw-normal text-body-secondary">{}</dt><dd class="col-sm-8 mb-1">{}</dd>', rows
        )
        return format_html('<dl class="row mb-0 facts">{}</dl>', items)

    def __str__(self) -> str:
        return self.__html__()
