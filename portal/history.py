"""Change history (django-simple-history) as shown on detail pages: who, when, what changed."""

from dataclasses import dataclass, field

HISTORY_SHOWN = 20


@dataclass
class HistoryEntry:
    when: object
    user: object
    kind: str  # "+", "~", "-"
    changes: list[tuple[str, object, object]] = field(default_factory=list)
    reason: str = ""


def history_entries(obj, limit: int = HISTORY_SHOWN) -> list[HistoryEntry]:
    """The latest changes of ``obj``, newest first, each with its field differences.

    One query: the records are fetched once (plus one older than the shown ones) and compared
    pairwise in Python instead of asking each record for its predecessor.
    """
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    entries = []
    for newer, older in zip(records, records[1:] + [None]):
        entry = HistoryEntry(
            when=newer.history_date,
            user=newer.history_user,
            kind=newer.history_type,
            reason=newer.history_change_reason or "",
        )
        if older is not None and newer.history_type == "~":
            delta = newer.diff_against(older, foreign_keys_are_objs=False)
            for change in delta.changes:
                field_obj = obj._meta.get_field(change.field)
                labels = dict(field_obj.flatchoices) if field_obj.choices else {}
                entry.changes.append(
                    (
                        str(field_obj.verbose_name),
                        labels.get(change.old, change.old),
                        labels.get(change.new, change.new),
                    )
                )
        entries.append(entry)
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
    for obj in objects:
        record_change(obj, by=by, reason=reason)
