"""One observation against its item definition: known code, value type, unit, answer set, number format, range.

SPEC §9.4, §9.5 and §4.4; a staff correction is checked with the same rules (`validate_observation`).
"""

from decimal import Decimal, InvalidOperation

from checkups.mhlw.document import Observation
from checkups.mhlw.item_checks import check_method_code, check_unit
from checkups.mhlw.itemtable import ItemDef, format_digits, item
from checkups.mhlw.validation_rules import PLAUSIBLE_RANGES

from .report import ValidationReport, item_error, item_label


def check_observation(observation: Observation, period: int, report: ValidationReport) -> None:
    code = observation.code
    definition = item(code, period)
    if definition is None:
        report.errors.append(
            item_error(
                code,
                "unknown_item_code",
                observation.value,
                f"項目コード {code} は特定健診項目表 (XMLhc24tab) にありません。",
                f"Item code {code} is not in the item table (XMLhc24tab).",
            )
        )
        return
    method_error = check_method_code(observation, definition)  # SPEC §9.5, also on a 未実施 item
    if method_error is not None:
        report.errors.append(method_error)
    if observation.negated or observation.null_flavor or observation.value in (None, ""):
        return
    if observation.value_type and observation.value_type != definition.value_type:
        label = item_label(code, definition)
        report.errors.append(
            item_error(
                code,
                "value_type_mismatch",
                observation.value,
                f"{label} のデータ型 {observation.value_type} は項目表の {definition.value_type} と異なります。",
                f"{label}: value type {observation.value_type} differs from the table's {definition.value_type}.",
            )
        )
        return
    unit_error = check_unit(observation, definition)  # SPEC §9.5
    if unit_error is not None:
        report.errors.append(unit_error)
    if definition.value_type == "PQ":
        check_quantity(observation, definition, report)
    elif definition.answers and definition.is_coded:
        check_answer(observation, definition, report)


def check_answer(observation: Observation, definition: ItemDef, report: ValidationReport) -> None:
    value = observation.value or ""
    if value not in definition.answers:
        label = item_label(definition.code, definition)
        allowed = "、".join(f"{k}:{v}" for k, v in definition.answers.items())
        report.errors.append(
            item_error(
                definition.code,
                "answer_not_in_set",
                value,
                f"{label} の回答 '{value}' は回答範囲 ({allowed}) にありません (SPEC §4.4)。",
                f"{label}: answer '{value}' is not in the allowed set ({allowed}) (SPEC §4.4).",
            )
        )
    elif observation.code_system and observation.code_system != definition.answer_oid:
        label = item_label(definition.code, definition)
        report.warnings.append(
            item_error(
                definition.code,
                "answer_code_system_mismatch",
                observation.code_system,
                f"{label} の結果コードOID {observation.code_system} は {definition.answer_oid} と異なります。",
                f"{label}: answer OID {observation.code_system} differs from {definition.answer_oid}.",
            )
        )


def check_quantity(observation: Observation, definition: ItemDef, report: ValidationReport) -> None:
    value = observation.value or ""
    label = None  # built only for a finding
    try:
        number = Decimal(value)
        if not number.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        label = item_label(definition.code, definition)
        report.errors.append(
            item_error(
                definition.code,
                "bad_format",
                value,
                f"{label} の値 '{value}' は数値ではありません。",
                f"{label}: value '{value}' is not a number.",
            )
        )
        return
    digits = format_digits(definition.format)
    if digits is not None:
        integer_part, _, fraction_part = value.lstrip("+-").partition(".")
        if len(integer_part.lstrip("0") or "0") > digits[0] or len(fraction_part) > digits[1]:
            label = label or item_label(definition.code, definition)
            report.errors.append(
                item_error(
                    definition.code,
                    "bad_format",
                    value,
                    f"{label} の値 '{value}' は形式 {definition.format} に合いません。",
                    f"{label}: value '{value}' does not fit the format {definition.format}.",
                )
            )
    bounds = PLAUSIBLE_RANGES.get(definition.code)
    if bounds and observation.out_of_range is None and not bounds[0] <= number <= bounds[1]:
        label = label or item_label(definition.code, definition)
        report.errors.append(
            item_error(
                definition.code,
                "out_of_plausible_range",
                value,
                f"{label} の値 {value} {definition.unit} は妥当範囲 {bounds[0]}〜{bounds[1]} の外です。",
                f"{label}: value {value} {definition.unit} is outside the plausible range {bounds[0]}–{bounds[1]}.",
            )
        )
