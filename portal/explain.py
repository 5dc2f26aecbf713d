"""The stored stratification record (`StratificationResult.to_dict()`, SPEC §2.7) in plain words for the person.

Rendered defensively: the record may come from an older rule version or be partial, so every key is optional
and anything unknown is skipped rather than shown wrongly.
"""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from checkups.standards import STANDARDS
from checkups.stratification import INPUT_FIELDS, ITEM_TEXT, StratificationInputs, stratify
from guidance.codes import ProgrammeStatus
from infra.i18n import Message, message

LEVEL_MEANING: Mapping[int, tuple[str, str]] = {  # GuidanceLevel codes (SPEC §2.7)
    1: (
        "生活習慣病のリスクが重なっている状態です。専門職(保健師・管理栄養士など)が3か月以上、"
        "目標づくりと実行をいっしょに支える「積極的支援」の対象です。",
        "Several risks add up. You can receive intensive support: a health professional helps you set and "
        "keep goals for three months or more.",
    ),
    2: (
        "生活習慣病のリスクが出はじめている状態です。専門職との面接で目標と行動計画をつくり、"
        "3か月後に振り返る「動機付け支援」の対象です。",
        "Some risks are starting to show. You can receive motivational support: one interview to set goals "
        "and a plan, and a review after three months.",
    ),
    3: (
        "今回は特定保健指導の対象ではありません。健診結果と生活習慣の情報をお届けします(情報提供)。",
        "You are not a guidance target this time. We send you information on your results and habits.",
    ),
    4: (
        "必要な検査値がそろわず、保健指導のレベルを決められませんでした。保険者にお問い合わせください。",
        "Some results were missing, so no guidance level could be set. Please contact your insurer.",
    ),
}
OFFERS: Mapping[int, tuple[str, str]] = {
    1: (
        "面接(対面またはオンライン)と、3か月以上の電話・メールなどでのサポートを受けられます。"
        "保険者から案内が届きます。",
        "Interviews (in person or online) and support by phone or e-mail; your insurer sends an invitation.",
    ),
    2: (
        "面接(対面またはオンライン)1回と3か月後の振り返りを受けられます。保険者から案内が届きます。",
        "One interview (in person or online) and a review after three months; your insurer sends an invitation.",
    ),
    3: (
        "健康づくりの情報や相談窓口をご利用いただけます。",
        "Health information and advice lines are available to you.",
    ),
    4: ("保険者の窓口でご相談ください。", "Please ask your insurer."),
}
_RISK_TEXT: Mapping[str, tuple[str, str]] = {
    "blood_pressure": ("血圧", "Blood pressure"),
    "lipids": ("脂質(中性脂肪・HDL)", "Lipids (triglycerides, HDL)"),
    "glucose": ("血糖", "Blood sugar"),
    "smoking": ("喫煙", "Smoking"),
}
_OP_WORD: Mapping[str, tuple[str, str]] = {">=": ("以上", "or more"), "<": ("未満", "below")}


def _i(lang: str) -> int:
    return 0 if lang == "ja" else 1


def _item(name: str, lang: str) -> tuple[str, str]:
    ja_en_unit = ITEM_TEXT.get(name)
    if ja_en_unit:
        return ja_en_unit[_i(lang)], ja_en_unit[2]
    field = name.removesuffix("_cm").removesuffix("_mean")
    if field in STANDARDS:
        standard = STANDARDS[field]
        return (standard.label_ja, standard.label_en)[_i(lang)], standard.unit
    return name, ""


def _criterion(raw: Any, lang: str) -> str | None:
    """'収縮期血圧 132 mmHg(基準 130 以上)' for a criterion that was met."""
    if not isinstance(raw, Mapping) or raw.get("met") is not True or raw.get("op") not in _OP_WORD:
        return None
    label, unit = _item(str(raw.get("item", "")), lang)
    unit = f" {unit}" if unit else ""
    word = _OP_WORD[raw["op"]][_i(lang)]
    if lang == "ja":
        return f"{label} {raw.get('value')}{unit}(基準 {raw.get('threshold')}{unit} {word})"
    return f"{label} {raw.get('value')}{unit} (mark: {raw.get('threshold')}{unit} {word})"


def _group_line(record: Mapping[str, Any], lang: str) -> str | None:
    group = record.get("group", "missing")
    met = [t for c in record.get("group_criteria") or [] if (t := _criterion(c, lang))]
    detail = ("、".join(met) if lang == "ja" else "; ".join(met)) if met else ""
    texts = {
        "A": ("おなかまわり(内臓脂肪)が基準以上でした", "Your waist (visceral fat) was at or above the mark"),
        "B": ("腹囲は基準未満でしたが、BMIが25以上でした", "Your waist was below the mark, but BMI was 25 or more"),
        None: ("腹囲・BMIとも基準未満でした", "Waist and BMI were both below the marks"),
        "undetermined": ("腹囲またはBMIの値がなく、判定できませんでした", "Waist or BMI was missing"),
    }
    if group not in texts:
        return None
    text = texts[group][_i(lang)]
    return f"{text}: {detail}" if detail else text


def _risk_line(name: str, finding: Any, lang: str) -> str | None:
    if not isinstance(finding, Mapping) or name not in _RISK_TEXT:
        return None
    title = _RISK_TEXT[name][_i(lang)]
    present = finding.get("present")
    if present is None:
        return f"{title}: " + ("値がなく判定できませんでした", "could not be judged (no value)")[_i(lang)]
    if not present:
        return f"{title}: " + ("基準内", "within the mark")[_i(lang)]
    if name == "smoking":
        return f"{title}: " + ("たばこを吸っている(質問票の回答)", "you smoke (questionnaire)")[_i(lang)]
    met = [t for c in finding.get("criteria") or [] if (t := _criterion(c, lang))]
    detail = ("、".join(met) if lang == "ja" else "; ".join(met)) or ("基準以上", "above the mark")[_i(lang)]
    return f"{title}: {detail}"


def plain_explanation(record: Any, lang: str = "ja") -> list[str]:
    """Sentences saying why the level was given; [] when there is no usable record."""
    if not isinstance(record, Mapping) or not record:
        return []
    i = _i(lang)
    lines: list[str] = []
    if record.get("medication_excluded") or record.get("exception") == "medication":
        lines.append(
            (
                "血圧・血糖・脂質のいずれかの薬を飲んでいるため、特定保健指導の対象になりません(主治医の管理を優先します)。",
                "You take medicine for blood pressure, sugar or lipids, so guidance is left to your own doctor.",
            )[i]
        )
    group_line = _group_line(record, lang)
    if group_line:
        lines.append(group_line)
    risks = record.get("risks")
    if isinstance(risks, Mapping) and record.get("group") in ("A", "B"):
        lines += [line for name in _RISK_TEXT if (line := _risk_line(name, risks.get(name), lang))]
        smoking = risks.get("smoking")
        if record.get("smoking_counted") is False and isinstance(smoking, Mapping) and smoking.get("present"):
            lines.append(("喫煙は、ほかのリスクがないため数えていません。", "Smoking is not counted alone.")[i])
    if record.get("exception") == "age_65_74":
        lines.append(
            ("65歳以上のため、積極的支援ではなく動機付け支援になります。", "Aged 65 or over: motivational support.")[i]
        )
    return lines


def _from_compact(judgment: Any) -> dict[str, Any]:
    """The compact stored record (checkups.judgments.judgment_record) in the shape `plain_explanation` reads."""
    if not isinstance(judgment, Mapping):
        return {}
    risks = judgment.get("risks")
    return {
        "group": judgment.get("group", "missing"),
        "risks": {k: {"present": v, "criteria": []} for k, v in risks.items()} if isinstance(risks, Mapping) else {},
        "smoking_counted": judgment.get("smoking_counted"),
        "exception": judgment.get("exception"),
    }


def checkup_explanation(checkup: Any, *, sex: int, lang: str = "ja") -> list[str]:
    """Why this checkup got its level: the stratification rules re-run on the stored values (as the staff
    explanation does, checkups.judgments.explain_checkup), else the compact stored record."""
    try:
        row = {name: getattr(checkup, name, None) for name in INPUT_FIELDS if name != "sex"}
        result = stratify(
            StratificationInputs.from_mapping({**row, "sex": sex}),
            age_at_fy_end=checkup.age_at_fy_end,
            fiscal_year=checkup.fiscal_year,
        )
    except (ValueError, TypeError, KeyError, ArithmeticError):
        return plain_explanation(_from_compact(getattr(checkup, "judgment", None)), lang)
    if checkup.guidance_level is not None and int(result.level) != checkup.guidance_level:
        return plain_explanation(_from_compact(getattr(checkup, "judgment", None)), lang)  # stored level wins
    return plain_explanation(result.to_dict(), lang)


# A programme's state in plain words (SPEC §5.6): what it means for the person and what comes next.
STATUS_MEANING: Mapping[str, Message] = {
    ProgrammeStatus.NOT_STARTED: _("まだ始まっていません。保険者または保健指導機関から、初回面接の案内が届きます。"),
    ProgrammeStatus.IN_PROGRESS: _("初回面接が終わり、支援を受けている途中です。"),
    ProgrammeStatus.INITIAL_INCOMPLETE: _(
        "初回面接は2回に分けて行います。1回目(初回面接①)は終わっています。"
        "2回目(初回面接②)は、健診の結果がすべてそろってから行います。"
    ),
    ProgrammeStatus.COMPLETED: _("この保健指導は終了しました。"),
    ProgrammeStatus.DROPPED_OUT: _("この保健指導は途中で終了しました。"),
    ProgrammeStatus.EXCLUDED: _(
        "お薬による治療が始まったため、特定保健指導の対象外になりました。治療は主治医と続けてください。"
    ),
}
CLOSED_STATUSES = frozenset({ProgrammeStatus.COMPLETED, ProgrammeStatus.DROPPED_OUT, ProgrammeStatus.EXCLUDED})
PAST_NOT_STARTED: Message = _(
    "この保健指導は始まらないまま、新しい年度の健診結果が届きました。いま保健指導の対象かどうかは、"
    "新しい健診結果で決まります。"
)


def programme_notes(status: str, *, fiscal_year: int, newest_checkup_year: int | None) -> list[str]:
    """What the state means, and whether the programme belongs to an earlier year than the newest checkup."""
    past = newest_checkup_year is not None and fiscal_year < newest_checkup_year
    if past and status == ProgrammeStatus.NOT_STARTED:
        return [str(PAST_NOT_STARTED)]
    notes = [str(STATUS_MEANING.get(status, ""))]
    if past and status not in CLOSED_STATUSES:
        notes.append(str(message(_("これは%(year)s年度の健診にもとづく保健指導です。"), year=fiscal_year)))
    return [note for note in notes if note]
