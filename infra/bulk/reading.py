"""Reading in bulk: `IN` with many values, per-transaction settings, raw rows of one query."""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet

from .vendor import on_postgresql


def where_in(queryset: QuerySet, column: str, values: Iterable[Any]) -> QuerySet:
    """`column IN values` for hundreds of values. On PostgreSQL one array parameter (`= ANY(%s)`): Django
    compiles, and psycopg's client-side binding splits and quotes, one placeholder per value otherwise."""
    values = list(values)
    if not on_postgresql():
        return queryset.filter(**{f"{column}__in": values})
    quote = connection.ops.quote_name
    where = f"{quote(queryset.model._meta.db_table)}.{quote(column)} = ANY(%s)"
    return queryset.extra(where=[where], params=[values])  # noqa: S610 - constant identifiers, values bound


def set_local(settings: Mapping[str, Any]) -> None:
    """`SET LOCAL name = value` for the current transaction (PostgreSQL; nothing to tune elsewhere)."""
    if on_postgresql():
        with connection.cursor() as cursor:
            for name, value in settings.items():
                cursor.execute(f"SET LOCAL {name} = %s", [value])


@contextmanager
def local_settings(settings: Mapping[str, Any]) -> Iterator[None]:
    """A transaction with `settings` applied to the enclosed queries only (SET LOCAL ends with it)."""
    with transaction.atomic():
        set_local(settings)
        yield


# JIT compiling costs more than a short batch query takes; parallel workers only compete with the other
# batch processes for the same cores
SHORT_QUERY_SETTINGS = {"jit": "off", "max_parallel_workers_per_gather": 0}


def fetch_rows(sql: str, params: Sequence[Any], *, settings: Mapping[str, Any] = SHORT_QUERY_SETTINGS) -> list[tuple]:
    """All rows of one PostgreSQL query, as the driver gives them (no model, no dict per row)."""
    connection.ensure_connection()
    with transaction.atomic(), connection.connection.cursor() as cursor:
        for name, value in settings.items():
            cursor.execute(f"SET LOCAL {name} = {int(value) if isinstance(value, int) else value}")
        cursor.execute(sql, list(params))
        return cursor.fetchall()
