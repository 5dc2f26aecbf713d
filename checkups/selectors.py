"""Read paths for the staff checkup pages: a checkup laid out like a checkup report (健診結果報告書).

Values are grouped as on a paper report; each value that has a standard (SPEC §8, `checkups.standards`) carries its
band (基準範囲内 / 保健指導判定値 / 受診勧奨判定値) as a CSS class and as words, so no one depends on colour alone.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from infra.i18n import in_language

from . import standards
from .codes import GuidanceLevel, MealTiming, MetabolicJudgment, WaistMethod
from .items import CODED_ITEMS, NUMERIC_ITEMS, RECONFIRM_ITEMS, WAIST_ITEMS
from .judgments import READ_FIELDS, explain_checkup
from .mhlw.itemtable import item
from .models import Checkup, CheckupCorrection, HeldRecord, Upload
from .questionnaire import answer_label, questions_for
from .stratification import EXCEPTION_AGE, EXCEPTION_MEDICATION

REFUSAL_RECENT_DAYS = 30  # 今日の仕事 shows the uploads of the last 30 days that refused a record or the file

BAND_TEXT: Mapping[str, tuple[str, str]] = {  # SPEC §8: band → (words, CSS class)
    standards.Band.NORMAL: ("基準範囲内", "band-normal"),
    standards.Band.GUIDANCE: ("保健指導判定値", "band-guidance"),
    standards.Band.REFERRAL: ("受診勧奨判定値", "band-referral"),
}
PERIOD_TEXT: Mapping[str, str] = {"4th": "第4期(2024年度〜)", "3rd": "第3期(〜2023年度)"}  # SPEC §2.7
EXCEPTION_TEXT: Mapping[str, str] = {
    EXCEPTION_MEDICATION: "服薬中のため特定保健指導の対象外(SPEC §2.5a)",
    EXCEPTION_AGE: "年度末年齢65歳以上のため積極的支援を動機付け支援とした(SPEC §2.5b)",
}


@dataclass(frozen=True)
class ReportRow:
    label: str
    value: str
    unit: str = ""
    band: str = ""  # "", or a standards.Band value
    band_text: str = ""
    css: str = ""
    limits: str = ""  # e.g. "保健指導判定値 130 mmHg 以上 / 受診勧奨判定値 140 mmHg 以上"
    note: str = ""
    code: str = ""


@dataclass(frozen=True)
class ReportGroup:
    title: str
    rows: list[ReportRow] = field(default_factory=list)


# (column, label, standard field or None); groups in the order of a checkup report (formats-notes §2.1)
GROUPS: tuple[tuple[str, tuple[tuple[str, str, str | None], ...]], ...] = (
    ("身体計測", (
        ("height_cm", "身長", None),
        ("weight_kg", "体重", None),
        ("bmi", "BMI", "bmi"),
        ("waist_cm", "腹囲", "waist"),
        ("visceral_fat_area_cm2", "内臓脂肪面積", None),
    )),
    ("血圧", (
        ("systolic_1", "収縮期血圧(1回目)", "systolic"),
        ("systolic_2", "収縮期血圧(2回目)", "systolic"),
        ("systolic_other", "収縮期血圧(その他)", "systolic"),
        ("diastolic_1", "拡張期血圧(1回目)", "diastolic"),
        ("diastolic_2", "拡張期血圧(2回目)", "diastolic"),
        ("diastolic_other", "拡張期血圧(その他)", "diastolic"),
    )),
    ("脂質", (
        ("meal_timing", "採血時間", None),
        ("triglycerides_fasting", "中性脂肪(空腹時)", "triglycerides_fasting"),
        ("triglycerides_random", "中性脂肪(随時)", "triglycerides_random"),
        ("hdl", "HDLコレステロール", "hdl"),
        ("ldl", "LDLコレステロール", "ldl"),
        ("non_hdl", "Non-HDLコレステロール", "non_hdl"),
    )),
    ("肝機能", (
        ("ast", "AST(GOT)", "ast"),
        ("alt", "ALT(GPT)", "alt"),
        ("ggt", "γ-GT(γ-GTP)", "ggt"),
    )),
    ("血糖", (
        ("glucose_fasting", "空腹時血糖", "glucose_fasting"),
        ("glucose_random", "随時血糖", "glucose_random"),
        ("hba1c", "HbA1c(NGSP)", "hba1c"),
    )),
    ("尿検査", (
        ("urine_glucose", "尿糖", None),
        ("urine_protein", "尿蛋白", "urine_protein"),
    )),
    ("詳細健診・その他の検査", (
        ("creatinine", "血清クレアチニン", None),
        ("egfr", "eGFR", "egfr"),
        ("hemoglobin", "血色素量(ヘモグロビン)", "hemoglobin"),
        ("hematocrit", "ヘマトクリット値", None),
        ("red_blood_cells", "赤血球数", None),
    )),
)  # fmt: skip
UNITS: Mapping[str, str] = {
    "height_cm": "cm", "weight_kg": "kg", "waist_cm": "cm", "visceral_fat_area_cm2": "cm²", "creatinine": "mg/dl",
    "hematocrit": "%", "red_blood_cells": "万/mm³", "hemoglobin": "g/dl", "egfr": "ml/min/1.73m²",
}  # fmt: skip
_STANDARD_UNITS = {name: s.unit for name, s in standards.STANDARDS.items()}
# SPEC §2.3 ②: a triglyceride value drawn < 3.5 h after a meal (採血時間 4) is kept but not used
AFTER_MEAL_NOTE = "食後3.5時間未満の採血のため、階層化・メタボ判定には使用しません(SPEC §2.3②)"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value == value.to_integral() else str(value)
    return str(value)


def _band_row(label: str, column: str, value: Any, standard: str | None, sex: int) -> ReportRow:
    unit = UNITS.get(column) or (_STANDARD_UNITS.get(standard, "") if standard else "")
    if column == "meal_timing":
        return ReportRow(label, str(MealTiming(value).label) if value in MealTiming.values else _text(value))
    if column in ("urine_glucose", "urine_protein"):
        shown = standards.URINE_QUALITATIVE.get(value, _text(value))
    elif column == "waist_cm":
        unit = "cm"
        shown = _text(value)
    else:
        shown = _text(value)
    if standard is None:
        return ReportRow(label, shown, unit)
    band = standards.judge(standard, value, sex)
    words, css = BAND_TEXT[band]
    limits = " / ".join(
        f"{BAND_TEXT[b][0]} {standards.describe_limit(standard, b, sex)}"
        for b in (standards.Band.GUIDANCE, standards.Band.REFERRAL)
        if standards.describe_limit(standard, b, sex) != "—"
    )
    return ReportRow(label, shown, unit, str(band), words, css, limits, standards.note(standard, value, sex))


def report_groups(checkup: Checkup) -> list[ReportGroup]:
    """The results grouped like a checkup report, each value placed against its standard (SPEC §8)."""
    sex = checkup.person.sex
    groups: list[ReportGroup] = []
    for title, columns in GROUPS:
        rows = []
        for column, label, standard in columns:
            value = getattr(checkup, column)
            if value is None:
                continue
            row = _band_row(label, column, value, standard, sex)
            if column == "waist_cm" and checkup.waist_method:
                row = ReportRow(**{**row.__dict__, "label": f"{label}({WaistMethod(checkup.waist_method).label})"})
            if column == "triglycerides_random" and checkup.meal_timing == MealTiming.AFTER_MEAL:
                row = ReportRow(**{**row.__dict__, "note": AFTER_MEAL_NOTE})
            rows.append(row)
        if rows:
            groups.append(ReportGroup(title, rows))
    other = other_items(checkup)
    if other:
        groups.append(ReportGroup("その他の記録項目", other))
    return groups


def _shown_codes(fiscal_year: int) -> set[str]:
    codes = {code for codes in (*NUMERIC_ITEMS.values(), *CODED_ITEMS.values()) for code in codes}
    codes |= {code for code, _ in WAIST_ITEMS} | set(RECONFIRM_ITEMS)
    codes |= {q.item_code for q in questions_for(fiscal_year)}
    return codes


def other_items(checkup: Checkup) -> list[ReportRow]:
    """Items of the record not shown in a group above (詳細健診 findings, doctor's judgment…), by item code."""
    period = 4 if checkup.fiscal_year >= 2024 else 3  # SPEC §2.7
    shown = _shown_codes(checkup.fiscal_year)
    rows = []
    for code, data in sorted(checkup.items.items()):
        if code in shown:
            continue
        definition = item(code, period) or item(code)
        raw = (data or {}).get("value")
        if data and data.get("negated"):
            value = "未実施"
        elif data and data.get("null_flavor"):
            value = "測定不能"
        elif definition and definition.answers and raw is not None:
            value = definition.answers.get(str(raw), str(raw))
        else:
            value = "" if raw is None else str(raw)
        rows.append(ReportRow(definition.name if definition else code, value, (data or {}).get("unit", ""), code=code))
    return rows


@dataclass(frozen=True)
class AnswerRow:
    number: int
    question: str
    answer: str
    answered: bool


def questionnaire_answers(checkup: Checkup) -> list[AnswerRow]:
    """The 22 answers as text in the fiscal year's answer sets (SPEC §4)."""
    lang = "en" if (get_language() or "ja").startswith("en") else "ja"
    rows = []
    for q in questions_for(checkup.fiscal_year):
        code = getattr(checkup, q.field)
        label = answer_label(q.field, code, checkup.fiscal_year, lang)
        if label is None and code is not None:
            label = _("回答コード %(code)s(選択肢にない値)") % {"code": code}
        rows.append(AnswerRow(q.number, in_language(q.text, lang), label or _("未回答"), code is not None))
    return rows


def judgment_row(checkup: Checkup) -> dict[str, Any]:
    """The stored columns the rules read, as a plain mapping (for `explain_checkup`)."""
    return {name: getattr(checkup, name) for name in READ_FIELDS}


@dataclass(frozen=True)
class JudgmentSummary:
    level: str
    level_without_medication: str
    metabolic: str
    clinic_level: str
    clinic_metabolic: str
    mismatch: bool
    consecutive: bool
    period: str
    exception: str
    stratification: list[str]
    metabolic_lines: list[str]
    missing: list[str]


def _label(choices: type[models.IntegerChoices], value: int | None) -> str:
    return str(choices(value).label) if value in choices.values else "—"


def judgment_summary(checkup: Checkup) -> JudgmentSummary:
    """Our level and metabolic judgment with their reasons in words (SPEC §2.7), next to what the clinic sent."""
    lang = "en" if (get_language() or "ja").startswith("en") else "ja"
    explanation = explain_checkup(judgment_row(checkup), sex=checkup.person.sex, lang=lang)
    record = checkup.judgment or {}
    return JudgmentSummary(
        level=_label(GuidanceLevel, checkup.guidance_level),
        level_without_medication=_label(GuidanceLevel, checkup.guidance_level_without_medication),
        metabolic=_label(MetabolicJudgment, checkup.metabolic_judgment),
        clinic_level=_label(GuidanceLevel, checkup.clinic_guidance_level),
        clinic_metabolic=_label(MetabolicJudgment, checkup.clinic_metabolic_judgment),
        mismatch=checkup.clinic_mismatch,
        consecutive=checkup.consecutive_intensive_eligible,
        period=PERIOD_TEXT.get(checkup.rules_version, checkup.rules_version or "—"),
        exception=EXCEPTION_TEXT.get(record.get("exception") or "", ""),
        stratification=explanation["stratification"],
        metabolic_lines=explanation["metabolic"],
        missing=list(record.get("missing") or []),
    )


def correction_history(checkup: Checkup) -> QuerySet[CheckupCorrection]:
    """Staff corrections and re-sends (issue #13), newest first, with who made them."""
    return checkup.corrections.select_related("corrected_by", "sent_by_clinic", "sent_by_employer").order_by(
        "-corrected_at", "-pk"
    )


def correctable_items(checkup: Checkup) -> list[tuple[str, str]]:
    """Item codes staff may correct: the record's items and the items the rules read, named from XMLhc24tab."""
    period = 4 if checkup.fiscal_year >= 2024 else 3  # SPEC §2.7
    codes = set(checkup.items)
    codes |= {codes[0] for codes in NUMERIC_ITEMS.values()}
    codes |= {CODED_ITEMS["meal_timing"][0], WAIST_ITEMS[0][0]}
    codes |= {q.item_code for q in questions_for(checkup.fiscal_year)}
    choices = []
    for code in sorted(codes):
        definition = item(code, period) or item(code)
        if definition is None and code not in checkup.items:
            continue
        name = definition.name if definition else code
        current = (checkup.items.get(code) or {}).get("value")
        suffix = f"(現在値 {current})" if current not in (None, "") else ""
        choices.append((code, f"{name} [{code}]{suffix}"))
    return choices


def person_checkups(*, actor: Any, person_id: int) -> list[Checkup]:
    """Every checkup of one person the actor may see, newest year first, with clinic, sender and programme."""
    return list(
        Checkup.objects.visible_to(actor)
        .filter(person_id=person_id)
        .select_related("clinic", "submitted_by_employer", "programme")
        .order_by("-fiscal_year", "-exam_date", "pk")
    )


# --- 今日の仕事 (the staff home): what waits for a person, each rule used by its list filter too -------------------


def uploads_with_refusals_q(*, since: dt.datetime | None = None) -> Q:
    """An upload that refused at least one record, or the whole file (ファイル不正), received since `since`."""
    refused = Q(rejected__gt=0) | Q(status=Upload.Status.FAILED)
    return refused & Q(created_at__gte=since) if since is not None else refused


def refusals_recent_since(today: dt.date) -> dt.datetime:
    """The start of the window of recent refusals: midnight, REFUSAL_RECENT_DAYS days before today (local time),
    so that the home's count and the list's filter agree all day."""
    return timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=REFUSAL_RECENT_DAYS), dt.time.min))


def held_records_waiting_q() -> Q:
    """A received record that matched nobody and waits to be linked or rejected (SPEC §1.5)."""
    return Q(status=HeldRecord.Status.HELD)


@dataclass(frozen=True)
class IntakeCounts:
    held_records: int
    refused_uploads: int


def intake_counts(*, actor: Any, today: dt.date) -> IntakeCounts:
    """Held records to link and recent uploads with refusals, of the insurers the actor sees (two queries)."""
    since = refusals_recent_since(today)
    return IntakeCounts(
        held_records=HeldRecord.objects.visible_to(actor).filter(held_records_waiting_q()).count(),
        refused_uploads=Upload.objects.visible_to(actor).filter(uploads_with_refusals_q(since=since)).count(),
    )
