"""One observation against its item definition: known code, value type, unit, answer set, number format, range.

SPEC §9.4, §9.5 and §4.4; a staff correction is checked with the same rules (`validate_observation`).
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from checkups.mhlw.document import Observation
from checkups.mhlw.item_checks import check_method_code, check_unit
from checkups.mhlw.itemtable import ItemDef, format_digits, item
from checkups.mhlw.validation_rules import PLAUSIBLE_RANGES
from infra.i18n import message

from .report import ValidationReport, item_finding, item_label


def check_observation(observation: Observation, period: int, report: ValidationReport) -> None:
    code = observation.code
    definition = item(code, period)
    if definition is None:
        report.errors.append(
            item_finding(
                code,
                "unknown_item_code",
                observation.value,
                message(_("項目コード %(code)s は特定健診項目表 (XMLhc24tab) にありません。"), code=code),
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
            item_finding(
                code,
                "value_type_mismatch",
                observation.value,
                message(
                    _("%(label)s のデータ型 %(value_type)s は項目表の %(table_value_type)s と異なります。"),
                    label=label,
                    value_type=observation.value_type,
                    table_value_type=definition.value_type,
                ),
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
            item_finding(
                definition.code,
                "answer_not_in_set",
                value,
                message(
                    _("%(label)s の回答 '%(value)s' は回答範囲 (%(allowed)s) にありません (SPEC §4.4)。"),
                    label=label,
                    value=value,
                    allowed=allowed,
                ),
            )
        )
    elif observation.code_system and observation.code_system != definition.answer_oid:
        label = item_label(definition.code, definition)
        report.warnings.append(
            item_finding(
                definition.code,
                "answer_code_system_mismatch",
                observation.code_system,
                message(
                    _("%(label)s の結果コードOID %(code_system)s は %(answer_oid)s と異なります。"),
                    label=label,
                    code_system=observation.code_system,
                    answer_oid=definition.answer_oid,
                ),
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
            item_finding(
                definition.code,
                "bad_format",
                value,
                message(_("%(label)s の値 '%(value)s' は数値ではありません。"), label=label, value=value),
            )
        )
        return
    digits = format_digits(definition.format)
    if digits is not None:
        integer_part, _dot, fraction_part = value.lstrip("+-").partition(".")
        if len(integer_part.lstrip("0") or "0") > digits[0] or len(fraction_part) > digits[1]:
            label = label or item_label(definition.code, definition)
            report.errors.append(
                item_finding(
                    definition.code,
                    "bad_format",
                    value,
                    message(
                        _("%(label)s の値 '%(value)s' は形式 %(format)s に合いません。"),
                        label=label,
                        value=value,
                        format=definition.format,
                    ),
                )
            )
    bounds = PLAUSIBLE_RANGES.get(definition.code)
    if bounds and observation.out_of_range is None and not bounds[0] <= number <= bounds[1]:
        label = label or item_label(definition.code, definition)
        report.errors.append(
            item_finding(
                definition.code,
                "out_of_plausible_range",
                value,
                message(
                    _("%(label)s の値 %(value)s %(unit)s は妥当範囲 %(low)s〜%(high)s の外です。"),
                    label=label,
                    value=value,
                    unit=definition.unit,
                    low=bounds[0],
                    high=bounds[1],
                ),
            )
        )
