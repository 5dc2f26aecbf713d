"""Rows as plain values through a temporary table: COPY, then one INSERT … ON CONFLICT or UPDATE … FROM."""

import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import JSONField, Model
from django.utils import timezone

from .vendor import on_postgresql

_JSON = json.JSONEncoder(ensure_ascii=False)  # built once: json.dumps(..., ensure_ascii=False) builds one per call


def insert_rows(model: type[Model], rows: list[dict[str, Any]], *, fresh: bool = False) -> None:
    """Insert rows given as attribute values, skipping any that conflict with a row inserted meanwhile.

    PostgreSQL: COPY into a temporary table and one `INSERT … ON CONFLICT DO NOTHING` (instead of a model instance
    per row and every value quoted into the SQL text). `fresh`: the rows refer only to rows created in this
    transaction, so no conflict is possible and they are COPY'd straight into the table."""
    if not rows:
        return
    if not on_postgresql():
        model._default_manager.bulk_create([model(**row) for row in rows], ignore_conflicts=True)
        return
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {
        f.attname: now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
        for f in fields
    }
    encoders = {f.attname: f.encoder for f in fields if isinstance(f, JSONField)}
    names = [f.attname for f in fields]
    columns = ", ".join(str(f.column) for f in fields)
    table, temp = model._meta.db_table, f"{model._meta.db_table}_new_batch"

    def copy_rows(cursor: Any, target: str) -> None:
        with cursor.copy(f"COPY {target} ({columns}) FROM STDIN") as copy:
            for row in rows:
                values = []
                for name in names:
                    value = row.get(name, defaults[name])
                    if name in encoders:
                        value = json.dumps(value, cls=encoders[name])
                    values.append(value)
                copy.write_row(values)

    connection.ensure_connection()
    if fresh:
        with connection.connection.cursor() as cursor:
            copy_rows(cursor, table)
        return
    with transaction.atomic(), connection.connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE {temp} ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608
        )
        copy_rows(cursor, temp)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {temp} ON CONFLICT DO NOTHING"  # noqa: S608
        )
        cursor.execute(f"DROP TABLE {temp}")


def update_by_id(
    model: type[Model], fields: Sequence[str], rows: list[tuple[Any, ...]], *, also: Mapping[str, Any]
) -> None:
    """Set `fields` (and the constant values `also`) of the rows given as (id, *values in `fields` order).

    PostgreSQL: COPY the rows into a temporary table, then one `UPDATE … FROM` it (no value quoted into the SQL
    text); elsewhere `bulk_update`. A JSON field's value is a Python value."""
    if not rows:
        return
    if not on_postgresql():
        objects = [model(pk=pk, **also, **dict(zip(fields, values, strict=True))) for pk, *values in rows]
        model._default_manager.bulk_update(objects, [*fields, *also], batch_size=1000)
        return
    meta = model._meta
    table, temp = meta.db_table, f"{meta.db_table}_changed_batch"
    types = {name: meta.get_field(name).db_type(connection) for name in fields}
    json_at = [i + 1 for i, name in enumerate(fields) if isinstance(meta.get_field(name), JSONField)]
    declared = ", ".join(f"{n} {t}" for n, t in types.items())
    assignments = ", ".join([*(f"{n} = v.{n}" for n in fields), *(f"{n} = %s" for n in also)])
    encode = _JSON.encode
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:  # psycopg 3: COPY inside Django's transaction
        cursor.execute(f"CREATE TEMP TABLE {temp} (id bigint, {declared}) ON COMMIT DROP")
        with cursor.copy(f"COPY {temp} (id, {', '.join(fields)}) FROM STDIN") as copy:
            write_row = copy.write_row
            if len(json_at) == 1:  # the common case (a judgment record), without a per-cell test
                at = json_at[0]
                for row in rows:
                    write_row((*row[:at], encode(row[at]), *row[at + 1 :]))
            else:
                for row in rows:
                    write_row([encode(v) if i in json_at else v for i, v in enumerate(row)])
        cursor.execute(
            f"UPDATE {table} AS c SET {assignments} FROM {temp} AS v WHERE c.id = v.id",  # noqa: S608 - constants
            list(also.values()),
        )
        cursor.execute(f"DROP TABLE {temp}")
