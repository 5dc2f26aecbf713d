"""The words of the explanation (SPEC §2.7): item, fact, note and level names in Japanese and English."""

from collections.abc import Mapping

from members.codes import Sex

from .findings import Criterion, Finding
from .group import GROUP_UNDETERMINED

ITEM_TEXT: Mapping[str, tuple[str, str, str]] = {  # item → (ja, en, unit)
    "waist_cm": ("腹囲", "waist", "cm"),
    "visceral_fat_area_cm2": ("内臓脂肪面積", "visceral fat area", "cm²"),
    "bmi": ("BMI", "BMI", ""),
    "systolic_mean": ("収縮期血圧(1・2回目の平均)", "systolic BP (mean of 1st and 2nd)", "mmHg"),
    "systolic_1": ("収縮期血圧(1回目)", "systolic BP (1st)", "mmHg"),
    "systolic_2": ("収縮期血圧(2回目)", "systolic BP (2nd)", "mmHg"),
    "systolic_other": ("収縮期血圧(その他)", "systolic BP (other)", "mmHg"),
    "diastolic_mean": ("拡張期血圧(1・2回目の平均)", "diastolic BP (mean of 1st and 2nd)", "mmHg"),
    "diastolic_1": ("拡張期血圧(1回目)", "diastolic BP (1st)", "mmHg"),
    "diastolic_2": ("拡張期血圧(2回目)", "diastolic BP (2nd)", "mmHg"),
    "diastolic_other": ("拡張期血圧(その他)", "diastolic BP (other)", "mmHg"),
    "triglycerides_fasting": ("空腹時中性脂肪", "fasting triglycerides", "mg/dl"),
    "triglycerides_random": ("随時中性脂肪", "random triglycerides", "mg/dl"),
    "hdl": ("HDLコレステロール", "HDL cholesterol", "mg/dl"),
    "glucose_fasting": ("空腹時血糖", "fasting glucose", "mg/dl"),
    "hba1c": ("HbA1c", "HbA1c", "%"),
    "glucose_random": ("随時血糖", "random glucose", "mg/dl"),
    "smoking": ("喫煙(質問8)", "smoking (Q8)", ""),
    "med_blood_pressure": ("服薬・血圧(質問1)", "BP medication (Q1)", ""),
    "med_glucose": ("服薬・血糖(質問2)", "glucose medication (Q2)", ""),
    "med_lipids": ("服薬・脂質(質問3)", "lipid medication (Q3)", ""),
}
FACT_TEXT: Mapping[str, tuple[str, str]] = {
    "waist": ("腹囲・内臓脂肪面積", "waist / visceral fat area"),
    "bmi": ("BMI(身長・体重)", "BMI (height, weight)"),
    "blood_pressure": ("血圧", "blood pressure"),
    "lipids": ("脂質", "lipids"),
    "glucose": ("血糖", "glucose"),
    "smoking": ("喫煙", "smoking"),
    "medication": ("服薬(質問1–3)", "medication (Q1–3)"),
}
NOTE_TEXT: Mapping[str, tuple[str, str]] = {
    "triglycerides_timing_unusable": (
        "中性脂肪は採血時間(食後3.5時間未満・未記入)により使用しない",
        "triglycerides not used (drawn < 3.5 h after a meal, or no time code)",
    ),
    "glucose_unusable": ("血糖値は採血時間が合わず使用しない", "glucose value not usable for its time code"),
}
LEVEL_TEXT: Mapping[int, tuple[str, str]] = {
    1: ("積極的支援", "intensive support"),
    2: ("動機付け支援", "motivational support"),
    3: ("なし(情報提供)", "information only"),
    4: ("判定不能", "undetermined"),
}
PRESENT_TEXT: Mapping[bool | None, tuple[str, str]] = {
    True: ("リスクあり", "risk present"),
    False: ("リスクなし", "no risk"),
    None: ("判定できない", "cannot be judged"),
}
GROUP_TEXT = {
    "A": ("グループA", "group A"),
    "B": ("グループB", "group B"),
    None: ("該当なし(情報提供)", "neither group (information only)"),
    GROUP_UNDETERMINED: ("グループ判定できない", "group cannot be determined"),
}
SEX_TEXT: dict[int, tuple[str, str]] = {Sex.MALE: ("男性", "male"), Sex.FEMALE: ("女性", "female")}
_SIGN = {
    (">=", True): "≥",
    (">=", False): "<",
    ("<", True): "<",
    ("<", False): "≥",
    ("==", True): "=",
    ("==", False): "≠",
}


def lang_index(lang: str) -> int:
    return 0 if lang == "ja" else 1


def describe_criterion(criterion: Criterion, lang: str = "ja", sex: int | None = None) -> str:
    """E.g. "腹囲 88.0 cm ≥ 85 cm (男性)"."""
    ja_en_unit = ITEM_TEXT.get(criterion.item, (criterion.item, criterion.item, ""))
    label, unit = ja_en_unit[lang_index(lang)], ja_en_unit[2]
    suffix = f" {unit}" if unit else ""
    if criterion.op == "==":  # a questionnaire answer: show the code given
        return f"{label}: {('回答', 'answer')[lang_index(lang)]} {criterion.value}"
    sign = _SIGN[(criterion.op, criterion.met)]
    text = f"{label} {criterion.value}{suffix} {sign} {criterion.threshold}{suffix}"
    if criterion.item == "waist_cm" and sex is not None and sex in SEX_TEXT:
        text += f" ({SEX_TEXT[sex][lang_index(lang)]})"
    return text


def describe_finding(
    finding: Finding, lang: str = "ja", outcome_text: Mapping[bool | None, tuple[str, str]] | None = None
) -> str:
    """E.g. "血圧: 収縮期血圧(1・2回目の平均) 129.5 mmHg < 130 mmHg → リスクなし"."""
    i = lang_index(lang)
    parts = [describe_criterion(c, lang) for c in finding.criteria]
    if finding.note:
        parts.append(NOTE_TEXT[finding.note][i])
    if not parts:
        parts.append(("値なし", "no value")[i])
    joined = "、".join(parts) if i == 0 else "; ".join(parts)
    outcome = (outcome_text or PRESENT_TEXT)[finding.present][i]
    return f"{FACT_TEXT[finding.name][i]}: {joined} → {outcome}"
