"""One row's large value written on the server: a file as a binary parameter, entries appended to a JSON list."""

from typing import Any

from django.db import connection
from django.db.models import Model

from .vendor import on_postgresql


def save_with_binary(instance: Model, field: str) -> None:
    """Save an instance whose `field` holds a large file: on PostgreSQL the bytes go in as one binary parameter
    (server-side binding), not quoted into the SQL text in Python."""
    content = getattr(instance, field)
    if not on_postgresql() or not content:
        instance.save()
        return
    setattr(instance, field, b"")
    instance.save()
    with connection.connection.cursor() as raw:  # same connection, same transaction
        sql = f"UPDATE {instance._meta.db_table} SET {field} = %b WHERE id = %s"  # noqa: S608 - identifiers constant
        raw.execute(sql, [content, instance.pk])
    setattr(instance, field, content)


def append_to_json_list(model: type[Model], pk: int, field: str, entries: list[Any]) -> None:
    """Append to a JSON list column; on PostgreSQL on the server (the list is not read and re-sent)."""
    if on_postgresql():
        from psycopg.types.json import Jsonb

        with connection.connection.cursor() as raw:
            sql = f"UPDATE {model._meta.db_table} SET {field} = {field} || %s WHERE id = %s"  # noqa: S608 - constant
            raw.execute(sql, [Jsonb(entries), pk])
        return
    current = model._default_manager.filter(pk=pk).values_list(field, flat=True).get()
    model._default_manager.filter(pk=pk).update(**{field: [*current, *entries]})
