"""One row's large value written on the server: a file as a binary parameter."""

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
