"""One exam item as a clinic sends it in JSON (`items` of POST /api/v1/checkups/): its value as the CDA text, and
its validation — a plain item in a few lines, anything else through DRF's fields (issue #13)."""

from decimal import Decimal, InvalidOperation
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

CODE_MAX, METHOD_MAX, UNIT_MAX = 32, 16, 32  # an item's code, method code and unit (characters)


@extend_schema_field({"oneOf": [{"type": "number"}, {"type": "string", "maxLength": 2000}]})
class ItemValueField(serializers.Field):
    """A number, a code or a text; kept as the text the CDA would carry."""

    default_error_messages = {"invalid": "value must be a number or a string / 値は数値または文字列です"}

    def to_internal_value(self, data: Any) -> str:
        text = item_value(data)
        if text is None:
            self.fail("invalid")
        return text

    def to_representation(self, value: Any) -> Any:
        return value


def item_value(data: Any) -> str | None:
    """An item's value as the text the CDA would carry; None: neither a number nor a string of at most 2000."""
    if isinstance(data, bool) or not isinstance(data, int | float | str):
        return None
    if isinstance(data, float):
        try:
            return str(Decimal(repr(data)))
        except InvalidOperation:
            return None
    text = str(data).strip()
    return text if len(text) <= 2000 else None


def _lean_text(data: Any, max_length: int, *, allow_blank: bool) -> str | None:
    """A plain-ASCII string item field as DRF's CharField validates it (stripped; no NUL, within `max_length`), or
    None for anything else: DRF's own validation then answers (a number to coerce, a non-ASCII text, an error)."""
    if type(data) is not str or not data.isascii():
        return None
    text = data.strip()
    if not text:
        return "" if allow_blank else None
    return text if len(text) <= max_length and "\x00" not in text else None


class CheckupItemSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=CODE_MAX, help_text="17-digit item code (XMLhc24tab)")
    value = ItemValueField(help_text="number (PQ), answer code (CD/CO) or text (ST)")
    method = serializers.CharField(
        max_length=METHOD_MAX,
        required=False,
        allow_blank=True,
        help_text="検査方法コード: when sent, the one the item table lists (else 400 unknown_method_code, SPEC §9.5)",
    )
    unit = serializers.CharField(
        max_length=UNIT_MAX,
        required=False,
        allow_blank=True,
        help_text="UCUM unit: when sent, the item table's unit (else 400 unit_mismatch, SPEC §9.5); "
        "left out, the table's unit is used",
    )

    def run_validation(self, data: Any = empty) -> Any:
        """An item of plain strings and a number is validated here, in a few lines, to the same result as DRF's
        per-field validation (the fields above), which is several times slower over an exam's dozens of items
        (issue #13); any other item, valid or not, goes through DRF's validation, so its errors are DRF's."""
        lean = self._lean_item(data)
        return lean if lean is not None else super().run_validation(data)

    def _lean_item(self, data: Any) -> dict[str, str] | None:
        if type(data) is not dict or self.root.partial:
            return None
        code = _lean_text(data.get("code"), CODE_MAX, allow_blank=False)
        value = data.get("value")
        value = None if value is None else item_value(value)
        if code is None or value is None:
            return None
        item = {"code": code, "value": value}
        for name, max_length in (("method", METHOD_MAX), ("unit", UNIT_MAX)):
            if name in data:
                text = _lean_text(data[name], max_length, allow_blank=True)
                if text is None:
                    return None
                item[name] = text
        return item
