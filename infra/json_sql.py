"""SQL over JSON arrays that Django's lookups do not cover on both databases. Knows no domain rule.

`JsonArrayHas(field, array_key, item_key, values)` is true when the JSON object in `field` has, under
`array_key`, an element whose `item_key` is one of `values` — e.g. a stored evaluation with a line whose rule is
"outcome_2cm_2kg". PostgreSQL: `jsonb_path_exists` (one pass over the binary JSON); SQLite: `json_each`.
"""

import json
from collections.abc import Sequence
from typing import Any

from django.db.models import BooleanField, Expression, F
from django.db.models.sql.compiler import SQLCompiler


def _identifier(name: str) -> str:
    if not name.isidentifier():
        raise ValueError(f"not a plain JSON key: {name!r}")
    return name


class JsonArrayHas(Expression):
    """A boolean expression usable in filter(), Count(filter=…), When(…)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, field: str | Expression, array_key: str, item_key: str, values: Sequence[str]) -> None:
        super().__init__()
        self.source: Any = F(field) if isinstance(field, str) else field
        self.array_key, self.item_key = _identifier(array_key), _identifier(item_key)
        self.values = tuple(values)
        if not self.values:
            raise ValueError("JsonArrayHas needs at least one value")

    def get_source_expressions(self) -> list[Any]:
        return [self.source]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.source,) = exprs

    def resolve_expression(self, *args: Any, **kwargs: Any) -> "JsonArrayHas":
        clone = self.copy()
        clone.is_summary = kwargs.get("summarize", False)
        clone.source = self.source.resolve_expression(*args, **kwargs)
        return clone

    def as_postgresql(self, compiler: SQLCompiler, connection: Any) -> tuple[str, Any]:
        field_sql, params = compiler.compile(self.source)
        condition = " || ".join(f"@.{self.item_key} == {json.dumps(value)}" for value in self.values)
        path = f"$.{self.array_key}[*] ? ({condition})"
        return f"jsonb_path_exists({field_sql}, %s::jsonpath)", [*params, path]

    def as_sql(self, compiler: SQLCompiler, connection: Any) -> tuple[str, Any]:
        field_sql, params = compiler.compile(self.source)
        placeholders = ", ".join(["%s"] * len(self.values))
        # Only the compiled column and placeholders go into the text; every value is a parameter.
        select = f"SELECT 1 FROM json_each({field_sql}, %s) AS element"  # noqa: S608
        sql = f"EXISTS ({select} WHERE json_extract(element.value, %s) IN ({placeholders}))"
        return sql, [*params, f"$.{self.array_key}", f"$.{self.item_key}", *self.values]
