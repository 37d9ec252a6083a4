"""Writing many rows with their history, set-based.

django-simple-history's ``bulk_create_with_history`` builds one historical model instance per row in
Python and inserts them through the ORM: for an import of 50,000 fee lines that is most of the time.
Here the rows are written in bulk (``COPY`` on PostgreSQL, ``bulk_create`` elsewhere) and their
history rows with them: on PostgreSQL the same text goes into the history table in a second COPY,
else one ``INSERT … SELECT`` from the rows just stored, so the history is exactly what the table
holds. Who, when and why are the same for every row of the batch, as in an import.
``insert_rows`` takes the rows as tuples of values (an import's checked lines) and builds no model
instance at all; ``create_with_history`` takes unsaved instances.

``update_rows`` writes changed fields of many rows with one ``UPDATE … FROM (VALUES …)`` on
PostgreSQL instead of Django's ``bulk_update`` (a ``CASE`` per field with a branch per row, whose
building and compiling in Python costs more than the update itself).

``among`` selects rows by a list of ids of any length: one array parameter on PostgreSQL
(``= ANY(%s)``) instead of a parameter per id.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Sequence
from decimal import Decimal

from django.db import connections, router
from django.db.models import BooleanField, Model, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

# Rows per INSERT … SELECT where the ids are listed as parameters (SQLite counts them).
HISTORY_CHUNK = 500
# Parameters per UPDATE … FROM (VALUES …) (PostgreSQL takes at most 65,535).
UPDATE_PARAMETERS = 30_000
# Rows between two calls of ``insert_rows``'s progress callback while the database reads them.
PROGRESS_EVERY = 5000
READ_LINES = 1000  # lines handed to the driver at a time
# COPY statements run (they bypass Django's execute wrappers, so a query count misses them).
COPY_STATEMENTS = 0


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
    if not copy:
        model._default_manager.bulk_create(objs, batch_size=batch_size)
        write_history(model, [obj.pk for obj in objs], user=user, reason=reason, date=date)
        return objs
    fields = _columns(model)
    for field in fields:  # the moment of auto_now(_add) fields, the same for every row
        if _stamped(field):
            moment = field.pre_save(objs[0], add=True)
            for obj in objs:
                setattr(obj, field.attname, moment)
    relations = [field for field in fields if field.is_relation]
    for obj in objs:
        if any(getattr(obj, field.attname) is None for field in relations):
            obj._prepare_related_fields_for_save(operation_name="bulk_create")  # a related row saved since
    rows = [[getattr(obj, field.attname) for field in fields] for obj in objs]
    ids = insert_rows(model, [field.attname for field in fields], rows, user=user, reason=reason, date=date)
    alias = router.db_for_write(model)
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = alias
    return objs


def insert_rows(
    model: type[Model],
    fields: Sequence[str],
    rows: Sequence[Sequence],
    *,
    user=None,
    reason: str | None = None,
    date: datetime.datetime | None = None,
    copy: bool | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[int]:
    """Store new rows of ``model`` given as sequences of the values of ``fields`` (attribute names, in
    that order; a field not named takes its default, an ``auto_now(_add)`` one the moment of writing)
    with a "+" history row each, as ``create_with_history`` does, without building a model instance:
    on PostgreSQL one COPY writes the rows and one their history, and ``progress(done)`` is called every
    ``PROGRESS_EVERY`` rows as the database reads them; elsewhere the ORM writes them. Returns the new
    rows' ids, in order. Values are written as they are: the database's constraints are the check."""
    if not rows:
        return []
    if copy is None:
        copy = can_copy(model)
    if not copy:
        objs = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        create_with_history(objs, user=user, reason=reason, date=date, copy=False)
        if progress is not None:
            progress(len(objs))
        return [obj.pk for obj in objs]
    history = _history_values(model, user, reason, date)
    every_column = _tracks_every_column(model)
    ids = _copy_rows(model, fields, rows, history if every_column else None, progress)
    if not every_column:
        write_history(model, ids, user=user, reason=reason, date=date)
    return ids


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


def _columns(model: type[Model]) -> list:
    """The model's stored fields but its id, in the table's order."""
    return [field for field in model._meta.concrete_fields if not field.primary_key]


def _stamped(field) -> bool:
    return getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)


def _copy_rows(
    model: type[Model],
    names: Sequence[str],
    rows: Sequence[Sequence],
    history: dict | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[int]:
    """COPY ``rows`` (values of the fields ``names``; the other fields their default or, stamped, the
    moment) into the model's table under ids reserved from its sequence; with ``history`` (its own
    columns' values), the same text into the history table as well. Returns the ids."""
    global COPY_STATEMENTS
    alias = router.db_for_write(model)
    connection = connections[alias]
    qn = connection.ops.quote_name
    meta = model._meta
    given = {name: index for index, name in enumerate(names)}
    moment = timezone.now()
    # Per column: (the row's index, the function giving its text) or (None, the text every row has).
    parts = []
    for field in _columns(model):
        if field.attname in given:
            parts.append((given[field.attname], _text_of(field, connection)))
        elif _stamped(field):
            parts.append((None, _copy_text(moment)))
        else:
            parts.append((None, _text_of(field, connection)(field.get_default())))
    with connection.cursor() as cursor:
        # The sequence named once: ``pg_get_serial_sequence`` in the select list runs for every row.
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [meta.db_table, meta.pk.column])
        cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [cursor.fetchone()[0], len(rows)])
        ids = [row[0] for row in cursor.fetchall()]
        lines = [
            "\t".join([str(pk), *[part if index is None else part(row[index]) for index, part in parts]])
            for pk, row in zip(ids, rows, strict=True)
        ]
        columns = ", ".join(qn(column) for column in [meta.pk.column, *(f.column for f in _columns(model))])
        with connection.wrap_database_errors:  # a refused row raises Django's IntegrityError, as bulk_create
            cursor.cursor.copy_expert(f"COPY {qn(meta.db_table)} ({columns}) FROM STDIN", _Lines(lines, progress))
        COPY_STATEMENTS += 1
        if history is not None:
            # The history's tracked fields are the model's columns: the same text, then its own.
            suffix = "\t" + "\t".join(_copy_text(value) for value in history.values())
            history_columns = ", ".join([columns, *(qn(column) for column in history)])
            with connection.wrap_database_errors:
                cursor.cursor.copy_expert(
                    f"COPY {qn(model.history.model._meta.db_table)} ({history_columns}) FROM STDIN",
                    _Lines(lines, suffix=suffix),
                )
            COPY_STATEMENTS += 1
    return ids


class _Lines:
    """COPY's input, read by the driver from a list of lines (without their newline) ``READ_LINES`` at a
    time; ``progress`` is called with the lines read so far every ``PROGRESS_EVERY`` lines and at the end."""

    def __init__(self, lines: list[str], progress=None, suffix: str = "") -> None:
        self.lines = lines
        self.progress = progress
        self.end = suffix + "\n"
        self.done = 0

    def read(self, size: int = -1) -> str:
        start, total = self.done, len(self.lines)
        stop = min(total, start + READ_LINES)
        if self.progress is not None:
            stop = min(stop, (start // PROGRESS_EVERY + 1) * PROGRESS_EVERY)
            if stop > start and (stop % PROGRESS_EVERY == 0 or stop == total):
                self.progress(stop)
        self.done = stop
        return "".join(line + self.end for line in self.lines[start:stop])


def _text_of(field, connection) -> Callable:
    """The function giving one value of ``field`` in COPY's text format."""
    kind = field.get_internal_type()
    if kind == "JSONField":
        encoder = field.encoder
        return lambda value: _copy_text(None if value is None else json.dumps(value, cls=encoder))
    if kind == "DateTimeField":
        return lambda value: _copy_text(
            field.get_db_prep_save(value, connection)
            if isinstance(value, datetime.datetime) and value.tzinfo is None
            else value
        )
    if kind in _PLAIN:
        return _copy_text
    return lambda value: _copy_text(field.get_db_prep_save(value, connection))


SQLITE_PARAMETERS = 10_000  # past this many values, SQLite gets them as one JSON array (``among``)


def among(model: type[Model], field: str, values) -> Q | RawSQL:
    """A filter for ``model``'s rows whose ``field`` (a column of its own table) is one of ``values``,
    however many: ``= ANY(%s)`` with one array on PostgreSQL, ``IN`` elsewhere."""
    values = list(values)
    connection = connections[router.db_for_read(model)]
    qn = connection.ops.quote_name
    column = model._meta.pk.column if field == "pk" else model._meta.get_field(field).column
    name = f"{qn(model._meta.db_table)}.{qn(column)}"
    if connection.vendor == "postgresql":
        return RawSQL(f"{name} = ANY(%s)", (values,), output_field=BooleanField())
    if len(values) > SQLITE_PARAMETERS and all(isinstance(v, int | str) for v in values):
        # SQLite takes at most 32,766 parameters in a statement: the values go in as one JSON array.
        return RawSQL(
            f"{name} IN (SELECT value FROM json_each(%s))", (json.dumps(values),), output_field=BooleanField()
        )
    return Q(**{f"{field}__in": values})


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


def copy_escape(text: str) -> str:
    """``text`` in COPY's text format: a C-level ``in`` and ``replace`` per special character (faster
    than ``str.translate``, which looks every character up at Python level)."""
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if "\t" in text:
        text = text.replace("\t", "\\t")
    if "\n" in text:
        text = text.replace("\n", "\\n")
    if "\r" in text:
        text = text.replace("\r", "\\r")
    return text


def _copy_text(value) -> str:
    """One value in COPY's text format."""
    kind = type(value)
    if kind is str:
        return copy_escape(value)
    if kind is int or kind is Decimal:
        return str(value)
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return copy_escape(str(value))
    if isinstance(value, int | Decimal | float):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview | bytearray):
        return "\\\\x" + bytes(value).hex()
    raise TypeError(f"no COPY text for {type(value).__name__}")
