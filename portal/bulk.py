"""Writing many rows with their history, set-based.

django-simple-history's ``bulk_create_with_history`` builds one historical model instance per row in
Python and inserts them through the ORM: for an import of 50,000 fee lines that is most of the time.
Here the rows are written in bulk (``COPY`` on PostgreSQL, ``bulk_create`` elsewhere) and their
history rows with one ``INSERT … SELECT`` from the rows just stored, so the history is exactly what
the table holds. Who, when and why are the same for every row of the batch, as in an import.

``update_rows`` writes changed fields of many rows with one ``UPDATE … FROM (VALUES …)`` on
PostgreSQL instead of Django's ``bulk_update`` (a ``CASE`` per field with a branch per row, whose
building and compiling in Python costs more than the update itself).
"""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Sequence
from decimal import Decimal

from django.db import connections, router
from django.db.models import Model
from django.utils import timezone

# Rows per INSERT … SELECT where the ids are listed as parameters (SQLite counts them).
HISTORY_CHUNK = 500
# Parameters per UPDATE … FROM (VALUES …) (PostgreSQL takes at most 65,535).
UPDATE_PARAMETERS = 30_000


def can_copy(model: type[Model]) -> bool:
    """Whether ``create_with_history`` writes ``model``'s rows with COPY (PostgreSQL)."""
    return connections[router.db_for_write(model)].vendor == "postgresql"


def create_with_history(
    objs: Sequence[Model],
    *,
    user=None,
    reason: str | None = None,
    date: datetime.datetime | None = None,
    batch_size: int = 5000,
    copy: bool | None = None,
) -> list[Model]:
    """Store the unsaved ``objs`` (one model, no many-to-many values) and a "+" history row for each,
    recorded as ``user``'s with ``reason`` at ``date`` (default: now). On PostgreSQL the rows are
    written with COPY (``copy=False`` forces the ORM's ``bulk_create``); the objects get their ids
    either way. Run it inside the caller's transaction: nothing is committed here."""
    objs = list(objs)
    if not objs:
        return objs
    model = type(objs[0])
    if copy is None:
        copy = can_copy(model)
    history = _history_values(model, user, reason, date)
    if copy and _tracks_every_column(model):
        _copy_rows(model, objs, history)
        return objs
    if copy:
        _copy_rows(model, objs)
    else:
        model._default_manager.bulk_create(objs, batch_size=batch_size)
    write_history(model, [obj.pk for obj in objs], user=user, reason=reason, date=date)
    return objs


def _tracks_every_column(model: type[Model]) -> bool:
    """Whether the history table holds every column of the model's table (no excluded field)."""
    tracked = {field.column for field in model.history.model.tracked_fields}
    return tracked == {field.column for field in model._meta.concrete_fields}


def _history_values(model: type[Model], user, reason: str | None, date, history_type: str = "+") -> dict:
    """The history table's own columns: when, why, what, who."""
    meta = model.history.model._meta
    return {
        meta.get_field("history_date").column: date or timezone.now(),
        meta.get_field("history_change_reason").column: reason,
        meta.get_field("history_type").column: history_type,
        meta.get_field("history_user").column: getattr(user, "pk", user),
    }


def write_history(
    model: type[Model],
    pks: Sequence,
    *,
    history_type: str = "+",
    user=None,
    reason: str | None = None,
    date: datetime.datetime | None = None,
) -> int:
    """A history row of ``history_type`` for each row ``pks`` of ``model`` as it is stored now,
    written by the database from the rows themselves (one statement on PostgreSQL)."""
    if not pks:
        return 0
    history = model.history.model
    alias = router.db_for_write(model)
    connection = connections[alias]
    qn = connection.ops.quote_name
    tracked = [field.column for field in history.tracked_fields]
    extra = _history_values(model, user, reason, date, history_type)
    columns = ", ".join(qn(column) for column in [*tracked, *extra])
    values = ", ".join(qn(column) for column in tracked)
    head = (
        f"INSERT INTO {qn(history._meta.db_table)} ({columns}) "
        f"SELECT {values}, {', '.join(['%s'] * len(extra))} FROM {qn(model._meta.db_table)} "
    )
    pk_column = qn(model._meta.pk.column)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"{head}WHERE {pk_column} = ANY(%s)", [*extra.values(), list(pks)])
            return cursor.rowcount
        for start in range(0, len(pks), HISTORY_CHUNK):
            chunk = list(pks[start : start + HISTORY_CHUNK])
            cursor.execute(f"{head}WHERE {pk_column} IN ({', '.join(['%s'] * len(chunk))})", [*extra.values(), *chunk])
            written += cursor.rowcount
    return written


def update_rows(objs: Sequence[Model], fields: Sequence[str]) -> int:
    """Store ``fields`` (names) of the saved ``objs`` (one model) as they are set on the objects, without
    ``save()`` and its signals (no history row: as ``bulk_update``). One ``UPDATE … FROM (VALUES …)``
    per batch on PostgreSQL; Django's ``bulk_update`` elsewhere. Returns the rows updated."""
    objs = list(objs)
    if not objs:
        return 0
    model = type(objs[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return model._default_manager.db_manager(alias).bulk_update(objs, fields, batch_size=500)
    meta = model._meta
    qn = connection.ops.quote_name
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    # Each value cast to its column's type: a NULL in VALUES would be text otherwise.
    row = "(" + ", ".join(f"%s::{field.db_type(connection)}" for field in columns) + ")"
    names = ", ".join(qn(field.column) for field in columns)
    assignments = ", ".join(f"{qn(field.column)} = v.{qn(field.column)}" for field in columns[1:])
    table = qn(meta.db_table)
    per_batch = max(1, UPDATE_PARAMETERS // len(columns))
    relations = [field for field in columns[1:] if field.is_relation]
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objs), per_batch):
            batch = objs[start : start + per_batch]
            params = []
            for obj in batch:
                if any(getattr(obj, field.attname) is None for field in relations):
                    obj._prepare_related_fields_for_save(operation_name="update_rows", fields=relations)
                params.append(obj.pk)
                params.extend(field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns[1:])
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([row] * len(batch))}) AS v ({names}) "
                f"WHERE {table}.{qn(meta.pk.column)} = v.{qn(meta.pk.column)}",
                params,
            )
            updated += cursor.rowcount
    return updated


def _copy_rows(model: type[Model], objs: list[Model], history: dict | None = None) -> None:
    """COPY the objects into the model's table under ids reserved from its sequence; with ``history``
    (its own columns' values), the same values into the history table as well."""
    alias = router.db_for_write(model)
    connection = connections[alias]
    qn = connection.ops.quote_name
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        for field in fields:  # the moment of auto_now(_add) fields, the same for every row
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                moment = field.pre_save(objs[0], add=True)
                for obj in objs:
                    setattr(obj, field.attname, moment)
        relations = [field for field in fields if field.is_relation]
        plain = {field.attname for field in fields if field.get_internal_type() in _PLAIN}
        json_fields = {field.attname: field.encoder for field in fields if field.get_internal_type() == "JSONField"}
        lines = []
        for obj, pk in zip(objs, ids, strict=True):
            if any(getattr(obj, field.attname) is None for field in relations):
                obj._prepare_related_fields_for_save(operation_name="bulk_create")  # a related row saved since
            values = [str(pk)]
            for field in fields:
                value = getattr(obj, field.attname)
                if field.attname in json_fields:
                    value = None if value is None else json.dumps(value, cls=json_fields[field.attname])
                elif field.attname not in plain or (isinstance(value, datetime.datetime) and value.tzinfo is None):
                    value = field.get_db_prep_save(value, connection)
                values.append(_copy_text(value))
            lines.append("\t".join(values))
        columns = ", ".join(qn(column) for column in [meta.pk.column, *(f.column for f in fields)])
        with connection.wrap_database_errors:  # a refused row raises Django's IntegrityError, as bulk_create
            cursor.cursor.copy_expert(
                f"COPY {qn(meta.db_table)} ({columns}) FROM STDIN", io.StringIO("\n".join(lines) + "\n")
            )
        if history is not None:
            # The history's tracked fields are the model's columns: the same text, then its own.
            suffix = "\t" + "\t".join(_copy_text(value) for value in history.values())
            history_columns = ", ".join([columns, *(qn(column) for column in history)])
            with connection.wrap_database_errors:
                cursor.cursor.copy_expert(
                    f"COPY {qn(model.history.model._meta.db_table)} ({history_columns}) FROM STDIN",
                    io.StringIO("".join(line + suffix + "\n" for line in lines)),
                )
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = alias


# Fields whose Python value is written as it is (``_copy_text``), without the field's conversion.
_PLAIN = {
    "BigIntegerField",
    "BinaryField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, int | Decimal | float):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview | bytearray):
        return "\\\\x" + bytes(value).hex()
    raise TypeError(f"no COPY text for {type(value).__name__}")
