"""Fast set-based INSERT … ON CONFLICT DO NOTHING for the sweep's hot path.

The sweep writes tens of thousands of rows; building model instances and going through
``bulk_create`` costs more than the database work itself. Rows here are plain tuples. On
PostgreSQL they are streamed with COPY into a temporary table and moved with one
``INSERT … SELECT … ON CONFLICT DO NOTHING``; elsewhere (SQLite) multi-row VALUES statements do
the same. Either way the unique keys decide what is new.
"""

from __future__ import annotations

import datetime
import io

from django.db import connection

from portal.bulk import copy_escape

CHUNK_VALUES = 8000  # parameters per VALUES statement (SQLite allows 32766)
COPY_STATEMENTS = 0  # COPY bypasses Django's execute wrappers: counted here for the benchmark


def insert_ignoring_conflicts(model, columns: tuple[str, ...], rows: list[tuple]) -> int:
    """Insert ``rows`` (tuples in ``columns`` order); returns how many were new."""
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        return _copy_insert(model, columns, rows)
    return _values_insert(model, columns, rows)


def _values_insert(model, columns, rows) -> int:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    per_statement = max(1, CHUNK_VALUES // len(columns))
    adapt = connection.ops.adapt_datetimefield_value
    written = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            part = rows[start : start + per_statement]
            params = [adapt(v) if isinstance(v, datetime.datetime) else v for row in part for v in row]
            sql = f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(part))} ON CONFLICT DO NOTHING"
            cursor.execute(sql, params)
            written += max(cursor.rowcount, 0)
    return written


def _copy_value(value, _datetimes: dict = {}) -> str:  # noqa: B006 - a deliberate per-process cache
    """One value in COPY's text format."""
    kind = type(value)
    if kind is str:
        return copy_escape(value)
    if value is None:
        return "\\N"
    if kind is bool:
        return "t" if value else "f"
    if kind is int:
        return str(value)
    if isinstance(value, datetime.datetime):
        text = _datetimes.get(value)
        if text is None:
            if len(_datetimes) > 1000:
                _datetimes.clear()
            text = _datetimes[value] = value.isoformat()
        return text
    return copy_escape(str(value))


def _copy_insert(model, columns, rows) -> int:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    staging = quote(f"staging_{model._meta.db_table}")
    names = ", ".join(quote(column) for column in columns)
    data = io.StringIO("".join("\t".join(map(_copy_value, row)) + "\n" for row in rows))
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} AS SELECT {names} FROM {table} WITH NO DATA")
        cursor.execute(f"TRUNCATE {staging}")
        cursor.cursor.copy_expert(f"COPY {staging} ({names}) FROM STDIN", data)
        global COPY_STATEMENTS
        COPY_STATEMENTS += 1
        cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {staging} ON CONFLICT DO NOTHING")
        written = max(cursor.rowcount, 0)
        cursor.execute(f"TRUNCATE {staging}")
    return written
