"""Writing model instances in bulk: new ones by COPY with ids from the sequence, existing ones by bulk_update."""

import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import JSONField, Model
from django.utils import timezone

from .vendor import on_postgresql


class RawJson(str):
    """A JSON field's value already serialised (e.g. in a worker process): COPY'd as it is, decoded elsewhere."""


def _decoded(objects: Iterable[Model], json_names: Sequence[str]) -> None:
    for obj in objects:
        for name in json_names:
            value = obj.__dict__[name]
            if isinstance(value, RawJson):
                obj.__dict__[name] = json.loads(value)


def _json_attnames(model: type[Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, JSONField)]


@dataclass(frozen=True)
class _CopyPlan:
    """What a model's COPY needs of its fields: a pure function of the model, worked out once per model."""

    table: str
    names: list[str]  # attribute names, in column order
    json_positions: frozenset[int]
    stamped: list[str]  # auto_now / auto_now_add attributes
    columns: str  # the quoted column list


@functools.cache
def _copy_plan(model: type[Model]) -> _CopyPlan:
    fields = model._meta.concrete_fields
    return _CopyPlan(
        table=model._meta.db_table,
        names=[f.attname for f in fields],
        json_positions=frozenset(i for i, f in enumerate(fields) if isinstance(f, JSONField)),
        stamped=[f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)],
        columns=", ".join(connection.ops.quote_name(str(f.column)) for f in fields),
    )


def insert_new(model: type[Model], objects: Sequence[Model]) -> None:
    """Insert new model instances and set their primary keys. PostgreSQL: ids drawn from the sequence, then one
    COPY (values go through psycopg's C dumpers; Django's client-side binding quotes each value in Python);
    elsewhere `bulk_create`. A JSON field may hold `RawJson` text."""
    if not objects:
        return
    if not on_postgresql():
        _decoded(objects, _json_attnames(model))
        model._default_manager.bulk_create(objects, batch_size=1000)
        return
    from psycopg.types.json import Jsonb

    plan = _copy_plan(model)
    table, names, json_positions = plan.table, plan.names, plan.json_positions
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(objects)]
        )
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk
            for name in plan.stamped:
                obj.__dict__[name] = now

    def cell(value: Any) -> Any:
        return str(value) if isinstance(value, RawJson) else Jsonb(value)

    with connection.connection.cursor() as raw, raw.copy(f"COPY {table} ({plan.columns}) FROM STDIN") as copy:
        for obj in objects:
            values = obj.__dict__
            copy.write_row([cell(values[n]) if i in json_positions else values[n] for i, n in enumerate(names)])


def update_objects(
    model: type[Model], objects: Sequence[Model], fields: Sequence[str], *, batch_size: int = 500
) -> None:
    """`bulk_update` of existing instances; a JSON field may hold `RawJson` text."""
    if objects:
        _decoded(objects, [n for n in _json_attnames(model) if n in fields])
        model._default_manager.bulk_update(objects, list(fields), batch_size=batch_size)
