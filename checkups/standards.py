"""Standard values (保健指導判定値 / 受診勧奨判定値) for showing results to people (SPEC §8, rules-notes §7).

Pure and table-driven: `STANDARDS` holds one row per Checkup column with its unit, direction and both
thresholds; `judge` places a value in a band. Notes are plain language for the person and never a diagnosis:
a value at the referral level "may need medical management, including re-testing" (rules-notes §7, S2 p35).
Waist and BMI carry only the stratification thresholds of SPEC §2.2 (there is no referral value for them).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from members.codes import Sex


class Band(StrEnum):
    NORMAL = "normal"  # below the guidance threshold (基準範囲内)
    GUIDANCE = "guidance"  # at or beyond 保健指導判定値
    REFERRAL = "referral"  # at or beyond 受診勧奨判定値


class Op(StrEnum):
    """How a value reaches a threshold: 'at or above', 'below', or 'at or below'."""

    AT_LEAST = ">="
    BELOW = "<"
    AT_MOST = "<="


@dataclass(frozen=True, slots=True)
class Limits:
    guidance: Decimal
    referral: Decimal | None  # None: the table has no referral value (e.g. HDL, SPEC §8 / rules-notes §7)


@dataclass(frozen=True, slots=True)
class Standard:
    field: str
    label_ja: str
    label_en: str
    unit: str
    op: Op
    limits: Limits | Mapping[int, Limits]  # a mapping is keyed by Sex
    about_ja: str
    about_en: str
    spec: str = "SPEC §8; rules-notes §7 (S2 p35)"
    urgent: Decimal | None = None  # a referral value that calls for seeing a doctor soon (S1-164)

    def limits_for(self, sex: int | None) -> Limits:
        if isinstance(self.limits, Limits):
            return self.limits
        if sex is None or sex not in self.limits:
            raise ValueError(f"{self.field}: sex is needed for the standard values")
        return self.limits[sex]


def _d(text: str) -> Decimal:
    return Decimal(text)


_BP = "SPEC §8; rules-notes §7 (S2 p35); urgent level S1-164"
# SPEC §8 / rules-notes §7. Each threshold is the first value AT that level in the direction `op`.
STANDARDS: Mapping[str, Standard] = {
    s.field: s
    for s in (
        Standard(
            "systolic", "収縮期血圧(最高血圧)", "Systolic blood pressure", "mmHg", Op.AT_LEAST,
            Limits(_d("130"), _d("140")),
            "心臓が縮んで血液を送り出すときの血圧です。2回測った平均で見ます。",
            "Pressure when the heart pushes blood out; the mean of two readings.",
            _BP, urgent=_d("160"),
        ),
        Standard(
            "diastolic", "拡張期血圧(最低血圧)", "Diastolic blood pressure", "mmHg", Op.AT_LEAST,
            Limits(_d("85"), _d("90")),
            "心臓が広がって血液をためるときの血圧です。",
            "Pressure while the heart relaxes and fills.",
            _BP, urgent=_d("100"),
        ),
        Standard(
            "triglycerides_fasting", "中性脂肪(空腹時)", "Triglycerides (fasting)", "mg/dl", Op.AT_LEAST,
            Limits(_d("150"), _d("300")),
            "血液中の脂肪の一つで、食べすぎ・飲みすぎで増えやすい値です。",
            "A blood fat that rises with eating and drinking too much.",
        ),
        Standard(
            "triglycerides_random", "中性脂肪(随時)", "Triglycerides (non-fasting)", "mg/dl", Op.AT_LEAST,
            Limits(_d("175"), _d("300")),  # 175: new in the 4th period (SPEC §2.3 ②)
            "食後に採血したときの中性脂肪です。空腹時より基準が少し高く設定されています。",
            "Triglycerides drawn after a meal; the standard is a little higher than fasting.",
        ),
        Standard(
            "hdl", "HDLコレステロール", "HDL cholesterol", "mg/dl", Op.BELOW,
            Limits(_d("40"), None),  # "≤ 39"; S2 shows no referral value in the 4th period
            "いわゆる善玉コレステロールで、低いほうが注意の必要な値です。",
            "The so-called good cholesterol; a low value is the one to watch.",
        ),
        Standard(
            "ldl", "LDLコレステロール", "LDL cholesterol", "mg/dl", Op.AT_LEAST,
            Limits(_d("120"), _d("140")),
            "いわゆる悪玉コレステロールです。",
            "The so-called bad cholesterol.",
        ),
        Standard(
            "non_hdl", "Non-HDLコレステロール", "Non-HDL cholesterol", "mg/dl", Op.AT_LEAST,
            Limits(_d("150"), _d("170")),
            "総コレステロールからHDLを引いた値です。",
            "Total cholesterol minus HDL.",
        ),
        Standard(
            "glucose_fasting", "血糖(空腹時)", "Glucose (fasting)", "mg/dl", Op.AT_LEAST,
            Limits(_d("100"), _d("126")),
            "空腹時の血液中のブドウ糖の量です。",
            "The amount of sugar in the blood when fasting.",
        ),
        Standard(
            "glucose_random", "血糖(随時)", "Glucose (non-fasting)", "mg/dl", Op.AT_LEAST,
            Limits(_d("100"), _d("126")),
            "食後に採血したときの血糖です。",
            "Blood sugar drawn after a meal.",
        ),
        Standard(
            "hba1c", "HbA1c", "HbA1c", "%", Op.AT_LEAST,
            Limits(_d("5.6"), _d("6.5")),
            "過去1〜2か月の血糖の平均的な状態を表す値です(NGSP値)。",
            "The average blood sugar over the last 1–2 months (NGSP).",
        ),
        Standard(
            "ast", "AST(GOT)", "AST (GOT)", "U/L", Op.AT_LEAST,
            Limits(_d("31"), _d("51")),
            "肝臓などに含まれる酵素です。",
            "An enzyme found in the liver and other organs.",
        ),
        Standard(
            "alt", "ALT(GPT)", "ALT (GPT)", "U/L", Op.AT_LEAST,
            Limits(_d("31"), _d("51")),
            "主に肝臓に含まれる酵素です。",
            "An enzyme found mainly in the liver.",
        ),
        Standard(
            "ggt", "γ-GT(γ-GTP)", "γ-GT (γ-GTP)", "U/L", Op.AT_LEAST,
            Limits(_d("51"), _d("101")),
            "肝臓の酵素で、お酒の量と関係しやすい値です。",
            "A liver enzyme that often follows the amount of alcohol.",
        ),
        Standard(
            "egfr", "eGFR", "eGFR", "ml/min/1.73m²", Op.BELOW,
            Limits(_d("60"), _d("45")),
            "腎臓が血液をろ過する働きの目安で、低いほうが注意の必要な値です。",
            "An estimate of how well the kidneys filter blood; a low value is the one to watch.",
        ),
        Standard(
            "urine_protein", "尿蛋白", "Urine protein", "", Op.AT_LEAST,
            # OID .2102 codes: 1 −, 2 ±, 3 +, 4 ++, 5 +++ (formats-notes §2); ± guidance, + referral [PARTIAL, S20]
            Limits(_d("2"), _d("3")),
            "尿に出ている蛋白の量の目安です。",
            "A rough measure of protein in the urine.",
            "SPEC §8; rules-notes §7 (S20, partial)",
        ),
        Standard(
            "hemoglobin", "血色素量(ヘモグロビン)", "Hemoglobin", "g/dl", Op.AT_MOST,
            # "13.0 or below" (M) / "12.0 or below" (F); direction from the older table and S20 [PARTIAL]
            {Sex.MALE: Limits(_d("13.0"), _d("12.0")), Sex.FEMALE: Limits(_d("12.0"), _d("11.0"))},
            "血液が酸素を運ぶ力の目安で、低いと貧血の可能性があります。",
            "A measure of how well blood carries oxygen; a low value can mean anaemia.",
        ),
        Standard(
            "waist", "腹囲", "Waist", "cm", Op.AT_LEAST,
            # SPEC §2.2 visceral fat step; not a referral value (rules-notes §7 notes)
            {Sex.MALE: Limits(_d("85"), None), Sex.FEMALE: Limits(_d("90"), None)},
            "おへその高さで測ったおなかまわりで、内臓脂肪の目安です。",
            "Waist measured at the navel, a sign of visceral fat.",
            "SPEC §2.2",
        ),
        Standard(
            "bmi", "BMI", "BMI", "", Op.AT_LEAST,
            Limits(_d("25"), None),  # SPEC §2.2 group B
            "体重(kg)÷身長(m)÷身長(m)で求める体格の目安です。",
            "Weight (kg) divided by height (m) squared.",
            "SPEC §2.2",
        ),
    )
}  # fmt: skip

NOTES: Mapping[Band, tuple[str, str]] = {  # (ja, en); a note, never a diagnosis (SPEC §8)
    Band.NORMAL: ("基準の範囲内です。", "Within the standard range."),
    Band.GUIDANCE: (
        "保健指導判定値に当たります。生活習慣を見直すきっかけにしてください。",
        "At the guidance level. A good moment to look at your daily habits.",
    ),
    Band.REFERRAL: (
        "受診勧奨判定値に当たります。再検査や生活習慣の改善を含め、医療機関で相談することをおすすめします。"
        "これは診断ではありません。",
        "At the referral level. We suggest talking to a doctor, who may re-test or advise on habits. "
        "This is not a diagnosis.",
    ),
}
URGENT_NOTE: tuple[str, str] = (  # S1-164: the program's feedback examples split the referral level
    "できるだけ早めに医療機関で相談してください。これは診断ではありません。",
    "Please talk to a doctor soon. This is not a diagnosis.",
)
BODY_NOTE: tuple[str, str] = (  # waist / BMI: the SPEC §2.2 stratification thresholds, not 保健指導判定値
    "特定保健指導の判定に使う目安を超えています。生活習慣を見直すきっかけにしてください。",
    "Above the mark used to decide on guidance. A good moment to look at your daily habits.",
)
BODY_FIELDS = frozenset({"waist", "bmi"})
NO_REFERRAL_NOTE: tuple[str, str] = (
    "この項目には受診勧奨判定値はありません。",
    "This item has no referral level.",
)


def _reaches(value: Decimal, op: Op, threshold: Decimal) -> bool:
    match op:
        case Op.AT_LEAST:
            return value >= threshold
        case Op.BELOW:
            return value < threshold
        case Op.AT_MOST:
            return value <= threshold


def judge(field: str, value: Decimal | int | float | str, sex: int | None = None) -> Band:
    """The band of `value` for the item `field` (a key of STANDARDS); compared unrounded (SPEC §2.1)."""
    standard = STANDARDS[field]
    number = Decimal(str(value))
    limits = standard.limits_for(sex)
    if limits.referral is not None and _reaches(number, standard.op, limits.referral):
        return Band.REFERRAL
    if _reaches(number, standard.op, limits.guidance):
        return Band.GUIDANCE
    return Band.NORMAL


def is_urgent(field: str, value: Decimal | int | float | str) -> bool:
    standard = STANDARDS[field]
    return standard.urgent is not None and _reaches(Decimal(str(value)), standard.op, standard.urgent)


def note(field: str, value: Decimal | int | float | str, sex: int | None = None, lang: str = "ja") -> str:
    """A plain-language note for the person about one value."""
    i = 0 if lang == "ja" else 1
    band = judge(field, value, sex)
    if band == Band.REFERRAL and is_urgent(field, value):
        return URGENT_NOTE[i]
    if band == Band.GUIDANCE and field in BODY_FIELDS:
        return BODY_NOTE[i]
    return NOTES[band][i]


_OP_TEXT: Mapping[Op, tuple[str, str]] = {
    Op.AT_LEAST: ("以上", "or more"),
    Op.BELOW: ("未満", "below"),
    Op.AT_MOST: ("以下", "or less"),
}


def describe_limit(field: str, band: Band, sex: int | None = None, lang: str = "ja") -> str:
    """E.g. "130 mmHg 以上" / "below 40 mg/dl"; "—" when the table has no value for that band."""
    standard = STANDARDS[field]
    limits = standard.limits_for(sex)
    threshold = limits.guidance if band == Band.GUIDANCE else limits.referral
    if threshold is None or band == Band.NORMAL:
        return "—"
    i = 0 if lang == "ja" else 1
    unit = f" {standard.unit}" if standard.unit else ""
    if field == "urine_protein":
        return f"{URINE_QUALITATIVE.get(int(threshold), '')} {_OP_TEXT[standard.op][i]}"
    return f"{threshold}{unit} {_OP_TEXT[standard.op][i]}"


URINE_QUALITATIVE: Mapping[int, str] = {1: "(−)", 2: "(±)", 3: "(+)", 4: "(++)", 5: "(+++)"}  # OID .2102


def label(field: str, lang: str = "ja") -> str:
    standard = STANDARDS[field]
    return standard.label_ja if lang == "ja" else standard.label_en


def about(field: str, lang: str = "ja") -> str:
    standard = STANDARDS[field]
    return standard.about_ja if lang == "ja" else standard.about_en
