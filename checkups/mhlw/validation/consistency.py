"""Checks across items: the 採血時間 that timed values need (SPEC §9.4), the sent BMI against height and weight."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from checkups.bmi import bmi_differs, compute_bmi
from checkups.mhlw.document import CheckupDocument
from checkups.mhlw.itemtable import PROGRAM_EMPLOYER_CHECKUP, item
from checkups.mhlw.validation_rules import BMI, HEIGHT, MEAL_TIMING, MEAL_TIMING_RULES, WEIGHT
from infra.i18n import message

from .report import ValidationReport, item_finding, item_label
from .scan import Scan

_NOT_SENT = pgettext_lazy("meal timing sent", "なし")


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
            item_finding(
                observation.code,
                "meal_timing_required",
                timing,
                message(
                    _(
                        "%(label)s (値 %(value)s) には採血時間(食後) %(timing_item)s = %(codes)s が必要です"
                        " (送信値: %(sent)s, SPEC §9.4)。"
                    ),
                    label=label,
                    value=observation.value,
                    timing_item=MEAL_TIMING,
                    codes=codes,
                    sent=timing or _NOT_SENT,
                ),
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
            item_finding(
                BMI,
                "bmi_mismatch",
                str(sent),
                message(
                    _(
                        "%(bmi)s (BMI) の送信値 %(sent)s が身長・体重からの計算値 %(computed)s と"
                        " 0.1 を超えて異なります (SPEC §2.1)。"
                    ),
                    bmi=BMI,
                    sent=sent,
                    computed=computed,
                ),
            )
        )
