"""The values one checkup contributes (SPEC §2.1), built from a database row or any mapping."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Any


@dataclass(frozen=True, slots=True)
class StratificationInputs:
    """The values one checkup contributes (SPEC §2.1); names match the Django model columns."""

    sex: int
    height_cm: Decimal | None = None
    weight_kg: Decimal | None = None
    waist_cm: Decimal | None = None
    visceral_fat_area_cm2: Decimal | None = None
    systolic_1: Decimal | None = None
    systolic_2: Decimal | None = None
    systolic_other: Decimal | None = None
    diastolic_1: Decimal | None = None
    diastolic_2: Decimal | None = None
    diastolic_other: Decimal | None = None
    meal_timing: int | None = None
    triglycerides_fasting: Decimal | None = None
    triglycerides_random: Decimal | None = None
    hdl: Decimal | None = None
    glucose_fasting: Decimal | None = None
    glucose_random: Decimal | None = None
    hba1c: Decimal | None = None
    med_blood_pressure: int | None = None
    med_glucose: int | None = None
    med_lipids: int | None = None
    smoking: int | None = None

    @classmethod
    def from_mapping(cls, row: Mapping[str, Any]) -> "StratificationInputs":
        """Build from a `.values()` row or any mapping; extra keys are ignored, numbers become Decimal."""
        kwargs: dict[str, Any] = {name: _to_code(row.get(name)) for name in CODE_FIELDS}
        kwargs.update({name: _to_decimal(row.get(name)) for name in DECIMAL_FIELDS})
        if kwargs["sex"] is None:
            raise ValueError("sex is required")
        return cls(**kwargs)

    @classmethod
    def from_values(cls, values: Sequence[Any]) -> "StratificationInputs":
        """Build from values in `INPUT_FIELDS` order (a database row slice), with `from_mapping`'s conversions.

        The bulk path (restratification of a million rows): no intermediate mapping, and values that are already
        `Decimal`/`int`/None pass through the converters' fast paths.
        """
        converted: list[Any] = [convert(value) for convert, value in zip(_CONVERTERS, values, strict=True)]
        if converted[0] is None:
            raise ValueError("sex is required")
        return cls(*converted)


INPUT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(StratificationInputs))
CODE_FIELDS: tuple[str, ...] = (
    "sex", "meal_timing", "med_blood_pressure", "med_glucose", "med_lipids", "smoking",
)  # fmt: skip
DECIMAL_FIELDS: tuple[str, ...] = tuple(n for n in INPUT_FIELDS if n not in CODE_FIELDS)


def _to_decimal(value: object) -> Decimal | None:
    if value is None:
        return None
    if type(value) is Decimal and value.is_finite():  # what the database gives: no further checks needed
        return value
    if value == "":
        return None
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise TypeError(f"not a number: {value!r}")
    elif isinstance(value, int):
        return Decimal(value)
    elif isinstance(value, float | str):
        try:
            result = Decimal(repr(value) if isinstance(value, float) else value.strip())  # 84.9 stays 84.9
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
    else:
        raise TypeError(f"not a number: {value!r}")
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def _to_code(value: object) -> int | None:
    if value is None or type(value) is int:
        return value
    if value == "":
        return None
    return int(value)  # type: ignore[call-overload]  # any other type raises TypeError/ValueError, as callers expect


# One converter per field of StratificationInputs, in INPUT_FIELDS order (`from_values`).
_CONVERTERS = tuple(_to_code if name in CODE_FIELDS else _to_decimal for name in INPUT_FIELDS)
