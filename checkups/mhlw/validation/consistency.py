"""Checks across items: the 採血時間 that timed values need (SPEC §9.4), the sent BMI against height and weight."""

from decimal import Decimal, InvalidOperation

from checkups.bmi import bmi_differs, compute_bmi
from checkups.mhlw.document import CheckupDocument
from checkups.mhlw.itemtable import PROGRAM_EMPLOYER_CHECKUP, item
from checkups.mhlw.validation_rules import BMI, HEIGHT, MEAL_TIMING, MEAL_TIMING_RULES, WEIGHT

from .report import ValidationReport, item_error, item_label
from .scan import Scan


def check_meal_timing(doc: CheckupDocument, period: int, scan: Scan, report: ValidationReport) -> None:
    rules = MEAL_TIMING_RULES.get(period, {})
    timing = scan.timing
    # ◆ employer checkups (030) may be completed by the insurer (SPEC §7.1): warn instead of rejecting.
    target = report.errors if doc.program != PROGRAM_EMPLOYER_CHECKUP else report.warnings
    for observation in scan.timed:
        allowed = rules[observation.code]
        if observation.negated or observation.value in (None, "") or timing in allowed:
            continue
        label = item_label(observation.code, item(observation.code, period))
        codes = " / ".join(sorted(allowed))
        target.append(
            item_error(
                observation.code,
                "meal_timing_required",
                timing,
                f"{label} (値 {observation.value}) には採血時間(食後) {MEAL_TIMING} = {codes} が必要です"
                f" (送信値: {timing or 'なし'}, SPEC §9.4)。",
                f"{label} (value {observation.value}) requires 採血時間 {MEAL_TIMING} = {codes}"
                f" (sent: {timing or 'none'}, SPEC §9.4).",
            )
        )


def check_bmi(values: dict[str, str | None], report: ValidationReport) -> None:
    try:
        height, weight, sent = (Decimal(values[c] or "") for c in (HEIGHT, WEIGHT, BMI))
        if not (height.is_finite() and weight.is_finite() and sent.is_finite()) or height <= 0:
            return
        computed = compute_bmi(height, weight)
    except (KeyError, InvalidOperation, ZeroDivisionError):
        return
    if bmi_differs(sent, computed):
        report.warnings.append(
            item_error(
                BMI,
                "bmi_mismatch",
                str(sent),
                f"{BMI} (BMI) の送信値 {sent} が身長・体重からの計算値 {computed} と"
                " 0.1 を超えて異なります (SPEC §2.1)。",
                f"{BMI} (BMI): sent {sent} differs from {computed} computed from height and weight by more than "
                "0.1 (SPEC §2.1).",
            )
        )
