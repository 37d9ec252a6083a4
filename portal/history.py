"""Change history (django-simple-history) as shown on detail pages: who, when, what changed.

A change reads as a person would say it: a choice as its label, a related row as its name (never its
id), a file as its file name, a flag as yes/no, a moment in the user's time zone. A reason the code
records is an English msgid (marked with ``gettext_noop`` where it is written) and is shown translated.
"""

import datetime
from dataclasses import dataclass, field
from pathlib import PurePath

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.facts import FactList
from portal.facts import text as facts_text
from portal.templatetags.portal_tags import when

HISTORY_SHOWN = 20


@dataclass
class Change:
    label: str
    old: object
    new: object
    field: str = ""

    def __iter__(self):  # (label, old, new), as a change was first written
        return iter((self.label, self.old, self.new))


@dataclass
class HistoryEntry:
    when: object
    user: object
    kind: str  # "+", "~", "-"
    changes: list[Change] = field(default_factory=list)
    reason: str = ""


def reason_text(reason: str) -> str:
    """A recorded reason in the user's language: the code's reasons are msgids, some followed by what a
    person wrote ("confirmed unmet: 缺少回执"); a person's own reason stays as written."""
    translated = _(reason)
    if translated != reason:
        return translated
    head, colon, tail = reason.partition(": ")
    if colon and _(head) != head:
        return f"{_(head)}: {tail}"
    return reason


def shown(field_obj, value, names: dict) -> object:
    """One side of a change as a person reads it."""
    if value is None or value == "":
        return ""
    if field_obj.choices:
        return dict(field_obj.flatchoices).get(value, value)
    if field_obj.is_relation and field_obj.many_to_one:
        row = names.get(field_obj.related_model, {}).get(value)
        return str(row) if row is not None else _("a deleted record")
    if isinstance(field_obj, models.FileField):
        return PurePath(str(value)).name
    if isinstance(field_obj, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return when(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return FactList(value)
    if isinstance(value, list | tuple):
        if any(isinstance(item, dict) for item in value):
            return facts_text(value)  # e.g. a complaint's breaches: each as its labelled facts
        return "、".join(str(item) for item in value)
    return str(value)


def related_names(obj, raw: list[tuple]) -> dict:
    """model → {pk: row} for the related rows the changes name: one query per related model."""
    wanted: dict = {}
    for field_obj, old, new in raw:
        if field_obj.is_relation and field_obj.many_to_one:
            wanted.setdefault(field_obj.related_model, set()).update(v for v in (old, new) if v is not None)
    return {model: model._default_manager.in_bulk(pks) for model, pks in wanted.items()}


def history_entries(obj, limit: int = HISTORY_SHOWN) -> list[HistoryEntry]:
    """The latest changes of ``obj``, newest first, each with its field differences.

    The records are fetched once (plus one older than the shown ones) and compared pairwise in Python
    instead of asking each record for its predecessor; the rows the changes name are fetched once per
    model.
    """
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    entries, raw = [], []
    for newer, older in zip(records, records[1:] + [None]):
        entry = HistoryEntry(
            when=newer.history_date,
            user=newer.history_user,
            kind=newer.history_type,
            reason=reason_text(newer.history_change_reason or ""),
        )
        if older is not None and newer.history_type == "~":
            delta = newer.diff_against(older, foreign_keys_are_objs=False)
            for change in delta.changes:
                field_obj = obj._meta.get_field(change.field)
                raw.append((field_obj, change.old, change.new))
                entry.changes.append(Change(str(field_obj.verbose_name), change.old, change.new, change.field))
        entries.append(entry)
    names = related_names(obj, raw)
    for entry in entries:
        for change in entry.changes:
            field_obj = obj._meta.get_field(change.field)
            change.old, change.new = shown(field_obj, change.old, names), shown(field_obj, change.new, names)
    return entries[:limit]


def record_change(obj, *, by=None, reason: str) -> None:
    """Write a history row of ``obj`` as it now stands in the database, after a conditional UPDATE (the
    race-safe way to move a status, which django-simple-history does not see): who, when and why."""
    obj.refresh_from_db()
    if by is not None:
        obj._history_user = by
    obj._change_reason = reason[:100]
    obj.save(update_fields=["updated"])


def record_changes(objects, *, by=None, reason: str) -> None:
    """``record_change`` for many rows of one model at once (a case's findings): their rows as they now
    stand, one ``updated`` stamp and their history rows in a fixed number of queries, not a few per row."""
    objects = list(objects)
    if not objects:
        return
    model, pks = type(objects[0]), [obj.pk for obj in objects]
    now = timezone.now()
    model._default_manager.filter(pk__in=pks).update(updated=now)
    rows = list(model._default_manager.filter(pk__in=pks).order_by("pk"))
    model.history.bulk_history_create(
        rows, update=True, default_user=by, default_change_reason=reason[:100], default_date=now
    )
