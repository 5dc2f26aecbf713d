"""A checkup as the person reads it: each value next to its standard values and a plain note (SPEC §8)."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from checkups import standards
from checkups.codes import Program
from checkups.feedback import feedback
from checkups.standards import Band
from infra.i18n import Message, in_language

# Report order: (row key, Checkup column or derived value, standards field or None for "no standard")
REPORT_ITEMS: Sequence[tuple[str, str | None]] = (
    ("height_cm", None),
    ("weight_kg", None),
    ("bmi", "bmi"),
    ("waist_cm", "waist"),
    ("systolic", "systolic"),
    ("diastolic", "diastolic"),
    ("triglycerides_fasting", "triglycerides_fasting"),
    ("triglycerides_random", "triglycerides_random"),
    ("hdl", "hdl"),
    ("ldl", "ldl"),
    ("non_hdl", "non_hdl"),
    ("glucose_fasting", "glucose_fasting"),
    ("glucose_random", "glucose_random"),
    ("hba1c", "hba1c"),
    ("ast", "ast"),
    ("alt", "alt"),
    ("ggt", "ggt"),
    ("egfr", "egfr"),
    ("urine_protein", "urine_protein"),
    ("hemoglobin", "hemoglobin"),
)
PLAIN_ITEMS: Mapping[str, tuple[Message, str]] = {  # items shown without standard values: (label, unit)
    "height_cm": (_("身長"), "cm"),
    "weight_kg": (_("体重"), "kg"),
}
# One name per kind of checkup on every page and letter of the site (issue #18); the MHLW code list calls 030
# 事業者健診, the person knows it as the checkup at work (事業主健診, SPEC §7).
PROGRAM_NAMES: Mapping[str, Message] = {
    Program.SPECIFIC_CHECKUP: _("特定健診"),
    Program.EMPLOYER_CHECKUP: _("事業主健診"),
}


def program_name(code: str) -> str:
    return str(PROGRAM_NAMES.get(code, code))


def date_label(day: Any) -> str:
    """2026年11月10日 in Japanese, Nov. 10, 2026 in English (the active language's DATE_FORMAT)."""
    return formats.date_format(day, "DATE_FORMAT")


@dataclass(frozen=True)
class ResultRow:
    key: str
    label: str
    value: str
    unit: str
    band: Band | None
    guidance: str
    referral: str
    note: str
    about: str
    urgent: bool = False  # a referral value that calls for a doctor soon (S1-164)

    @property
    def flagged(self) -> bool:
        return self.band in (Band.GUIDANCE, Band.REFERRAL)

    @property
    def referral_level(self) -> bool:
        return self.band == Band.REFERRAL


def mean_reading(first: Decimal | None, second: Decimal | None, other: Decimal | None) -> Decimal | None:
    """Mean of the 1st and 2nd readings, else the one that exists, else その他 (SPEC §2.1), unrounded."""
    if first is not None and second is not None:
        return (Decimal(first) + Decimal(second)) / 2
    for value in (first, second, other):
        if value is not None:
            return Decimal(value)
    return None


def values_of(checkup: Any) -> dict[str, Any]:
    """Report values of a Checkup (or any object with its column names)."""
    values = {key: getattr(checkup, key, None) for key, _ in REPORT_ITEMS}
    values["systolic"] = mean_reading(checkup.systolic_1, checkup.systolic_2, checkup.systolic_other)
    values["diastolic"] = mean_reading(checkup.diastolic_1, checkup.diastolic_2, checkup.diastolic_other)
    return values


def _show(key: str, value: Any) -> str:
    if key == "urine_protein":
        return standards.URINE_QUALITATIVE.get(int(value), str(value))
    number = Decimal(value)
    if key in ("systolic", "diastolic"):
        return f"{number.quantize(Decimal('0.1')).normalize():f}"  # a mean may end in .5: show it, unrounded
    return f"{number:f}"


def report_rows(checkup: Any, *, sex: int, lang: str = "ja") -> list[ResultRow]:
    """Rows for the values present; missing items are left out rather than shown as 'normal'."""
    rows = []
    for key, value in values_of(checkup).items():
        if value is None:
            continue
        field = dict(REPORT_ITEMS)[key]
        if field is None:
            label, unit = PLAIN_ITEMS[key]
            rows.append(
                ResultRow(key, in_language(label, _language(lang)), _show(key, value), unit, None, "", "", "", "")
            )
            continue
        standard = standards.STANDARDS[field]
        band = standards.judge(field, value, sex)
        rows.append(
            ResultRow(
                key=key,
                label=standards.label(field, lang),
                value=_show(key, value),
                unit=standard.unit,
                band=band,
                guidance=standards.describe_limit(field, Band.GUIDANCE, sex, lang),
                referral=standards.describe_limit(field, Band.REFERRAL, sex, lang),
                note=str(feedback(field, value, sex)),
                about=standards.about(field, lang),
                urgent=band == Band.REFERRAL and standards.is_urgent(field, value),
            )
        )
    return rows


def _language(lang: str) -> str:
    return "ja" if lang == "ja" else "en"


def referral_rows(rows: Iterable[ResultRow]) -> list[ResultRow]:
    """The values at the 受診勧奨判定値 (SPEC §8): each a reason to talk to a doctor, never a diagnosis."""
    return [row for row in rows if row.referral_level]


# Trend charts (issue #8): chart id → (title, unit, [(value key, series name)], standards field for a line)
TREND_CHARTS: Sequence[tuple[str, Message, str, Sequence[tuple[str, Message]], str | None]] = (
    ("weight", _("体重"), "kg", (("weight_kg", _("体重")),), None),
    ("waist", _("腹囲"), "cm", (("waist_cm", _("腹囲")),), "waist"),
    ("bp", _("血圧"), "mmHg", (("systolic", _("収縮期")), ("diastolic", _("拡張期"))), "systolic"),
    ("tg", _("中性脂肪"), "mg/dl",
     (("triglycerides_fasting", _("空腹時")), ("triglycerides_random", _("随時"))), "triglycerides_fasting"),
    ("hdl", _("HDLコレステロール"), "mg/dl", (("hdl", "HDL"),), "hdl"),
    ("hba1c", "HbA1c", "%", (("hba1c", "HbA1c"),), "hba1c"),
    ("glucose", pgettext_lazy("trend chart", "血糖"), "mg/dl",
     (("glucose_fasting", _("空腹時")), ("glucose_random", _("随時"))), "glucose_fasting"),
)  # fmt: skip
GUIDANCE_LINE_LABEL = _("保健指導判定値")


def trend_data(checkups: Iterable[Any], *, sex: int, lang: str = "ja") -> list[dict[str, Any]]:
    """Chart.js-ready series, oldest first; a chart with no values at all is left out."""
    ordered = sorted(checkups, key=lambda c: c.exam_date)
    labels = [date_label(c.exam_date) for c in ordered]
    values = [values_of(c) for c in ordered]
    language = _language(lang)
    charts = []
    for chart_id, title, unit, series, line_field in TREND_CHARTS:
        datasets = []
        for key, name in series:
            points = [None if v[key] is None else float(v[key]) for v in values]
            if any(p is not None for p in points):
                datasets.append({"label": in_language(name, language), "data": points})
        if not datasets:
            continue
        guidance = None
        if line_field is not None:
            guidance = float(standards.STANDARDS[line_field].limits_for(sex).guidance)
        charts.append(
            {
                "id": chart_id,
                "title": in_language(title, language),
                "unit": unit,
                "labels": labels,
                "datasets": datasets,
                "guidance": guidance,
                "guidanceLabel": in_language(GUIDANCE_LINE_LABEL, language),
            }
        )
    return charts
