"""Standard values (保健指導判定値 / 受診勧奨判定値) for showing results to people (SPEC §8, rules-notes §7).

Pure and table-driven: `STANDARDS` holds one row per Checkup column with its unit, direction and both
thresholds; `judge` places a value in a band. Labels, notes and limits are gettext (English in locale/en),
rendered in the language asked for. Notes are plain language for the person and never a diagnosis:
a value at the referral level "may need medical management, including re-testing" (rules-notes §7, S2 p35).
Waist and BMI carry only the stratification thresholds of SPEC §2.2 (there is no referral value for them).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from infra.i18n import Message, StrPromise, in_language, message
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
    label: Message  # a plain str only for a name with no words ("BMI")
    unit: str
    op: Op
    limits: Limits | Mapping[int, Limits]  # a mapping is keyed by Sex
    about: StrPromise
    spec: str = "SPEC §8; rules-notes §7 (S2 p35)"
    urgent: Decimal | None = None  # a referral value that calls for seeing a doctor soon (S1-164)

    @property
    def label_ja(self) -> str:
        return in_language(self.label, "ja")

    @property
    def label_en(self) -> str:
        return in_language(self.label, "en")

    @property
    def about_ja(self) -> str:
        return in_language(self.about, "ja")

    @property
    def about_en(self) -> str:
        return in_language(self.about, "en")

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
            "systolic", _("収縮期血圧(最高血圧)"), "mmHg", Op.AT_LEAST,
            Limits(_d("130"), _d("140")),
            _("心臓が縮んで血液を送り出すときの血圧です。2回測った平均で見ます。"),
            _BP, urgent=_d("160"),
        ),
        Standard(
            "diastolic", _("拡張期血圧(最低血圧)"), "mmHg", Op.AT_LEAST,
            Limits(_d("85"), _d("90")),
            _("心臓が広がって血液をためるときの血圧です。"),
            _BP, urgent=_d("100"),
        ),
        Standard(
            "triglycerides_fasting", _("中性脂肪(空腹時)"), "mg/dl", Op.AT_LEAST,
            Limits(_d("150"), _d("300")),
            _("血液中の脂肪の一つで、食べすぎ・飲みすぎで増えやすい値です。"),
        ),
        Standard(
            "triglycerides_random", _("中性脂肪(随時)"), "mg/dl", Op.AT_LEAST,
            Limits(_d("175"), _d("300")),  # 175: new in the 4th period (SPEC §2.3 ②)
            _("食後に採血したときの中性脂肪です。空腹時より基準が少し高く設定されています。"),
        ),
        Standard(
            "hdl", _("HDLコレステロール"), "mg/dl", Op.BELOW,
            Limits(_d("40"), None),  # "≤ 39"; S2 shows no referral value in the 4th period
            _("いわゆる善玉コレステロールで、低いほうが注意の必要な値です。"),
        ),
        Standard(
            "ldl", _("LDLコレステロール"), "mg/dl", Op.AT_LEAST,
            Limits(_d("120"), _d("140")),
            _("いわゆる悪玉コレステロールです。"),
        ),
        Standard(
            "non_hdl", _("Non-HDLコレステロール"), "mg/dl", Op.AT_LEAST,
            Limits(_d("150"), _d("170")),
            _("総コレステロールからHDLを引いた値です。"),
        ),
        Standard(
            "glucose_fasting", _("血糖(空腹時)"), "mg/dl", Op.AT_LEAST,
            Limits(_d("100"), _d("126")),
            _("空腹時の血液中のブドウ糖の量です。"),
        ),
        Standard(
            "glucose_random", _("血糖(随時)"), "mg/dl", Op.AT_LEAST,
            Limits(_d("100"), _d("126")),
            _("食後に採血したときの血糖です。"),
        ),
        Standard(
            "hba1c", "HbA1c", "%", Op.AT_LEAST,
            Limits(_d("5.6"), _d("6.5")),
            _("過去1〜2か月の血糖の平均的な状態を表す値です(NGSP値)。"),
        ),
        Standard(
            "ast", _("AST(GOT)"), "U/L", Op.AT_LEAST,
            Limits(_d("31"), _d("51")),
            _("肝臓などに含まれる酵素です。"),
        ),
        Standard(
            "alt", _("ALT(GPT)"), "U/L", Op.AT_LEAST,
            Limits(_d("31"), _d("51")),
            _("主に肝臓に含まれる酵素です。"),
        ),
        Standard(
            "ggt", _("γ-GT(γ-GTP)"), "U/L", Op.AT_LEAST,
            Limits(_d("51"), _d("101")),
            _("肝臓の酵素で、お酒の量と関係しやすい値です。"),
        ),
        Standard(
            "egfr", "eGFR", "ml/min/1.73m²", Op.BELOW,
            Limits(_d("60"), _d("45")),
            _("腎臓が血液をろ過する働きの目安で、低いほうが注意の必要な値です。"),
        ),
        Standard(
            "urine_protein", _("尿蛋白"), "", Op.AT_LEAST,
            # OID .2102 codes: 1 −, 2 ±, 3 +, 4 ++, 5 +++ (formats-notes §2); ± guidance, + referral [PARTIAL, S20]
            Limits(_d("2"), _d("3")),
            _("尿に出ている蛋白の量の目安です。"),
            "SPEC §8; rules-notes §7 (S20, partial)",
        ),
        Standard(
            "hemoglobin", _("血色素量(ヘモグロビン)"), "g/dl", Op.AT_MOST,
            # "13.0 or below" (M) / "12.0 or below" (F); direction from the older table and S20 [PARTIAL]
            {Sex.MALE: Limits(_d("13.0"), _d("12.0")), Sex.FEMALE: Limits(_d("12.0"), _d("11.0"))},
            _("血液が酸素を運ぶ力の目安で、低いと貧血の可能性があります。"),
        ),
        Standard(
            "waist", _("腹囲"), "cm", Op.AT_LEAST,
            # SPEC §2.2 visceral fat step; not a referral value (rules-notes §7 notes)
            {Sex.MALE: Limits(_d("85"), None), Sex.FEMALE: Limits(_d("90"), None)},
            _("おへその高さで測ったおなかまわりで、内臓脂肪の目安です。"),
            "SPEC §2.2",
        ),
        Standard(
            "bmi", "BMI", "", Op.AT_LEAST,
            Limits(_d("25"), None),  # SPEC §2.2 group B
            _("体重(kg)÷身長(m)÷身長(m)で求める体格の目安です。"),
            "SPEC §2.2",
        ),
    )
}  # fmt: skip

NOTES: Mapping[Band, StrPromise] = {  # a note, never a diagnosis (SPEC §8)
    Band.NORMAL: _("基準の範囲内です。"),
    Band.GUIDANCE: _("保健指導判定値に当たります。生活習慣を見直すきっかけにしてください。"),
    Band.REFERRAL: _(
        "受診勧奨判定値に当たります。再検査や生活習慣の改善を含め、医療機関で相談することをおすすめします。"
        "これは診断ではありません。"
    ),
}
URGENT_NOTE: StrPromise = _("できるだけ早めに医療機関で相談してください。これは診断ではありません。")
BODY_NOTE: StrPromise = _("特定保健指導の判定に使う目安を超えています。生活習慣を見直すきっかけにしてください。")
BODY_FIELDS = frozenset({"waist", "bmi"})
NO_REFERRAL_NOTE: StrPromise = _("この項目には受診勧奨判定値はありません。")


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
    band = judge(field, value, sex)
    if band == Band.REFERRAL and is_urgent(field, value):
        text = URGENT_NOTE
    elif band == Band.GUIDANCE and field in BODY_FIELDS:
        text = BODY_NOTE
    else:
        text = NOTES[band]
    return in_language(text, _language(lang))


def _language(lang: str) -> str:
    return "ja" if lang == "ja" else "en"


_OP_TEXT: Mapping[Op, StrPromise] = {  # `limit` is the threshold with its unit, e.g. "130 mmHg"
    Op.AT_LEAST: _("%(limit)s 以上"),
    Op.BELOW: _("%(limit)s 未満"),
    Op.AT_MOST: _("%(limit)s 以下"),
}


def describe_limit(field: str, band: Band, sex: int | None = None, lang: str = "ja") -> str:
    """E.g. "130 mmHg 以上" / "below 40 mg/dl"; "—" when the table has no value for that band."""
    standard = STANDARDS[field]
    limits = standard.limits_for(sex)
    threshold = limits.guidance if band == Band.GUIDANCE else limits.referral
    if threshold is None or band == Band.NORMAL:
        return "—"
    unit = f" {standard.unit}" if standard.unit else ""
    limit = URINE_QUALITATIVE.get(int(threshold), "") if field == "urine_protein" else f"{threshold}{unit}"
    return in_language(message(_OP_TEXT[standard.op], limit=limit), _language(lang))


URINE_QUALITATIVE: Mapping[int, str] = {1: "(−)", 2: "(±)", 3: "(+)", 4: "(++)", 5: "(+++)"}  # OID .2102


def label(field: str, lang: str = "ja") -> str:
    return in_language(STANDARDS[field].label, _language(lang))


def about(field: str, lang: str = "ja") -> str:
    return in_language(STANDARDS[field].about, _language(lang))
