"""The words of the explanation (SPEC §2.7): item, fact, note and level names, one gettext message each (Japanese
source, English in locale/en).

The `*_LABEL` mappings hold the lazy messages; `ITEM_TEXT`, `FACT_TEXT`, … are read-only (Japanese, English) views
of them for callers that still pick a language by index. An explanation is rendered only when one is asked for,
never while stratifying.
"""

from collections.abc import Iterator, Mapping

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from infra.i18n import BilingualView, MessageTable
from members.codes import Sex

from .findings import Criterion, Finding
from .group import GROUP_UNDETERMINED

_CONTEXT = "stratification"  # for words whose Japanese the catalogue already has with other English

ITEM_LABEL: MessageTable[str] = MessageTable(
    {
        "waist_cm": pgettext_lazy(_CONTEXT, "腹囲"),
        "visceral_fat_area_cm2": _("内臓脂肪面積"),
        "bmi": _("BMI"),
        "systolic_mean": _("収縮期血圧(1・2回目の平均)"),
        "systolic_1": _("収縮期血圧(1回目)"),
        "systolic_2": _("収縮期血圧(2回目)"),
        "systolic_other": _("収縮期血圧(その他)"),
        "diastolic_mean": _("拡張期血圧(1・2回目の平均)"),
        "diastolic_1": _("拡張期血圧(1回目)"),
        "diastolic_2": _("拡張期血圧(2回目)"),
        "diastolic_other": _("拡張期血圧(その他)"),
        "triglycerides_fasting": pgettext_lazy(_CONTEXT, "空腹時中性脂肪"),
        "triglycerides_random": pgettext_lazy(_CONTEXT, "随時中性脂肪"),
        "hdl": _("HDLコレステロール"),
        "glucose_fasting": pgettext_lazy(_CONTEXT, "空腹時血糖"),
        "hba1c": _("HbA1c"),
        "glucose_random": pgettext_lazy(_CONTEXT, "随時血糖"),
        "smoking": _("喫煙(質問8)"),
        "med_blood_pressure": _("服薬・血圧(質問1)"),
        "med_glucose": _("服薬・血糖(質問2)"),
        "med_lipids": _("服薬・脂質(質問3)"),
    }
)
ITEM_UNIT: Mapping[str, str] = {
    "waist_cm": "cm",
    "visceral_fat_area_cm2": "cm²",
    **dict.fromkeys(("systolic_mean", "systolic_1", "systolic_2", "systolic_other"), "mmHg"),
    **dict.fromkeys(("diastolic_mean", "diastolic_1", "diastolic_2", "diastolic_other"), "mmHg"),
    **dict.fromkeys(("triglycerides_fasting", "triglycerides_random", "hdl", "glucose_fasting"), "mg/dl"),
    "hba1c": "%",
    "glucose_random": "mg/dl",
}
FACT_LABEL: MessageTable[str] = MessageTable(
    {
        "waist": _("腹囲・内臓脂肪面積"),
        "bmi": _("BMI(身長・体重)"),
        "blood_pressure": pgettext_lazy(_CONTEXT, "血圧"),
        "lipids": _("脂質"),
        "glucose": pgettext_lazy(_CONTEXT, "血糖"),
        "smoking": pgettext_lazy(_CONTEXT, "喫煙"),
        "medication": _("服薬(質問1–3)"),
    }
)
NOTE_LABEL: MessageTable[str] = MessageTable(
    {
        "triglycerides_timing_unusable": _("中性脂肪は採血時間(食後3.5時間未満・未記入)により使用しない"),
        "glucose_unusable": _("血糖値は採血時間が合わず使用しない"),
    }
)
LEVEL_LABEL: MessageTable[int] = MessageTable(
    {
        1: pgettext_lazy(_CONTEXT, "積極的支援"),
        2: pgettext_lazy(_CONTEXT, "動機付け支援"),
        3: pgettext_lazy(_CONTEXT, "なし(情報提供)"),
        4: pgettext_lazy(_CONTEXT, "判定不能"),
    }
)
PRESENT_LABEL: MessageTable[bool | None] = MessageTable(
    {
        True: _("リスクあり"),
        False: _("リスクなし"),
        None: _("判定できない"),
    }
)
GROUP_LABEL: MessageTable[str | None] = MessageTable(
    {
        "A": _("グループA"),
        "B": _("グループB"),
        None: _("該当なし(情報提供)"),
        GROUP_UNDETERMINED: _("グループ判定できない"),
    }
)
SEX_LABEL: MessageTable[int] = MessageTable({Sex.MALE: _("男性"), Sex.FEMALE: _("女性")})
RULES_VERSION_LABEL: MessageTable[str] = MessageTable(
    {  # the same words as the metabolic explanation's
        "4th": pgettext_lazy("rules version", "第4期"),
        "3rd": pgettext_lazy("rules version", "第3期"),
    }
)
LIST_SEPARATOR = _("、")
# Words and templates of the sentences, rendered once per language (an explanation is a few dict reads).
WORDS: MessageTable[str] = MessageTable(
    {
        "separator": LIST_SEPARATOR,
        "answer": _("%(label)s: 回答 %(value)s"),
        "no_value": _("値なし"),
    }
)
_SIGN = {
    (">=", True): "≥",
    (">=", False): "<",
    ("<", True): "<",
    ("<", False): "≥",
    ("==", True): "=",
    ("==", False): "≠",
}


class _ItemView(Mapping[str, tuple[str, str, str]]):
    """item → (Japanese, English, unit), as `ITEM_TEXT` was."""

    def __getitem__(self, key: str) -> tuple[str, str, str]:
        return ITEM_LABEL.rendered("ja")[key], ITEM_LABEL.rendered("en")[key], ITEM_UNIT.get(key, "")

    def __iter__(self) -> Iterator[str]:
        return iter(ITEM_LABEL)

    def __len__(self) -> int:
        return len(ITEM_LABEL)


ITEM_TEXT: Mapping[str, tuple[str, str, str]] = _ItemView()  # prefer ITEM_LABEL / ITEM_UNIT
FACT_TEXT: Mapping[str, tuple[str, str]] = BilingualView(FACT_LABEL)  # prefer FACT_LABEL
NOTE_TEXT: Mapping[str, tuple[str, str]] = BilingualView(NOTE_LABEL)
LEVEL_TEXT: Mapping[int, tuple[str, str]] = BilingualView(LEVEL_LABEL)
PRESENT_TEXT: Mapping[bool | None, tuple[str, str]] = BilingualView(PRESENT_LABEL)
GROUP_TEXT: Mapping[str | None, tuple[str, str]] = BilingualView(GROUP_LABEL)
SEX_TEXT: Mapping[int, tuple[str, str]] = BilingualView(SEX_LABEL)


def explanation_language(lang: str) -> str:
    """The catalogue an explanation is written in: Japanese for "ja", English for anything else (as before)."""
    return "ja" if lang == "ja" else "en"


def lang_index(lang: str) -> int:
    return 0 if lang == "ja" else 1


def describe_criterion(criterion: Criterion, lang: str = "ja", sex: int | None = None) -> str:
    """E.g. "腹囲 88.0 cm ≥ 85 cm (男性)"."""
    language = explanation_language(lang)
    label = ITEM_LABEL.rendered(language).get(criterion.item, criterion.item)
    unit = ITEM_UNIT.get(criterion.item, "")
    suffix = f" {unit}" if unit else ""
    if criterion.op == "==":  # a questionnaire answer: show the code given
        return WORDS.rendered(language)["answer"] % {"label": label, "value": criterion.value}
    sign = _SIGN[(criterion.op, criterion.met)]
    text = f"{label} {criterion.value}{suffix} {sign} {criterion.threshold}{suffix}"
    if criterion.item == "waist_cm" and sex is not None and sex in SEX_LABEL:
        text += f" ({SEX_LABEL.rendered(language)[sex]})"
    return text


def describe_finding(finding: Finding, lang: str = "ja", outcome_text: MessageTable[bool | None] | None = None) -> str:
    """E.g. "血圧: 収縮期血圧(1・2回目の平均) 129.5 mmHg < 130 mmHg → リスクなし"."""
    language = explanation_language(lang)
    words = WORDS.rendered(language)
    parts = [describe_criterion(c, lang) for c in finding.criteria]
    if finding.note:
        parts.append(NOTE_LABEL.rendered(language)[finding.note])
    if not parts:
        parts.append(words["no_value"])
    outcome = (outcome_text or PRESENT_LABEL).rendered(language)[finding.present]
    return f"{FACT_LABEL.rendered(language)[finding.name]}: {words['separator'].join(parts)} → {outcome}"
