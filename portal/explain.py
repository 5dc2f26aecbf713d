"""The stored stratification record (`StratificationResult.to_dict()`, SPEC §2.7) in plain words for the person.

Rendered defensively: the record may come from an older rule version or be partial, so every key is optional
and anything unknown is skipped rather than shown wrongly.
"""

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from checkups.standards import STANDARDS
from checkups.stratification import INPUT_FIELDS, ITEM_LABEL, ITEM_UNIT, StratificationInputs, stratify
from guidance.codes import ProgrammeStatus
from infra.i18n import Message, StrPromise, bilingual, in_language, message
from members.age_basis import (
    AGE_BASIS_DAY,
    AGE_BASIS_MONTH,
    TARGET_AGE_BASIS_MAX,
    TARGET_AGE_MIN,
    age_basis,
    first_target_fiscal_year,
    is_senior,
    is_target_age,
    latter_stage_birthday,
    reaches_75_within_year,
)

LEVEL_TEXT: Mapping[int, StrPromise] = {  # GuidanceLevel codes (SPEC §2.7)
    1: _(
        "生活習慣病のリスクが重なっている状態です。専門職(保健師・管理栄養士など)が3か月以上、"
        "目標づくりと実行をいっしょに支える「積極的支援」の対象です。"
    ),
    2: _(
        "生活習慣病のリスクが出はじめている状態です。専門職との面接で目標と行動計画をつくり、"
        "3か月後に振り返る「動機付け支援」の対象です。"
    ),
    3: _("今回は特定保健指導の対象ではありません。健診結果と生活習慣の情報をお届けします(情報提供)。"),
    4: _("必要な検査値がそろわず、保健指導のレベルを決められませんでした。保険者にお問い合わせください。"),
}
OFFER_TEXT: Mapping[int, StrPromise] = {
    1: _(
        "面接(対面またはオンライン)と、3か月以上の電話・メールなどでのサポートを受けられます。"
        "保険者から案内が届きます。"
    ),
    2: _("面接(対面またはオンライン)1回と3か月後の振り返りを受けられます。保険者から案内が届きます。"),
    3: _("健康づくりの情報や相談窓口をご利用いただけます。"),
    4: _("保険者の窓口でご相談ください。"),
}


class _Bilingual(Mapping[int, tuple[str, str]]):
    """(Japanese, English) renderings of a mapping of messages, for callers that still pick one by index."""

    def __init__(self, messages: Mapping[int, StrPromise]) -> None:
        self._messages = messages

    def __getitem__(self, key: int) -> tuple[str, str]:
        return bilingual(self._messages[key])

    def __iter__(self) -> Iterator[int]:
        return iter(self._messages)

    def __len__(self) -> int:
        return len(self._messages)


LEVEL_MEANING: Mapping[int, tuple[str, str]] = _Bilingual(LEVEL_TEXT)  # prefer LEVEL_TEXT with str()
OFFERS: Mapping[int, tuple[str, str]] = _Bilingual(OFFER_TEXT)  # prefer OFFER_TEXT with str()
_RISK_TEXT: Mapping[str, StrPromise] = {
    "blood_pressure": _("血圧"),
    "lipids": _("脂質(中性脂肪・HDL)"),
    "glucose": _("血糖"),
    "smoking": _("喫煙"),
}
_OP_MARK: Mapping[str, StrPromise] = {">=": _("%(limit)s 以上"), "<": _("%(limit)s 未満")}  # as checkups.standards
_LIST_SEPARATOR = _("、")


def _i(lang: str) -> int:
    return 0 if lang == "ja" else 1


def _language(lang: str) -> str:
    return "ja" if lang == "ja" else "en"


def _joined(texts: list[str], lang: str) -> str:
    return in_language(_LIST_SEPARATOR, _language(lang)).join(texts)


def _item(name: str, lang: str) -> tuple[str, str]:
    if name in ITEM_LABEL:
        return ITEM_LABEL.rendered(_language(lang))[name], ITEM_UNIT.get(name, "")
    field = name.removesuffix("_cm").removesuffix("_mean")
    if field in STANDARDS:
        standard = STANDARDS[field]
        return in_language(standard.label, _language(lang)), standard.unit
    return name, ""


def _criterion(raw: Any, lang: str) -> str | None:
    """'収縮期血圧 132 mmHg(基準 130 以上)' for a criterion that was met."""
    if not isinstance(raw, Mapping) or raw.get("met") is not True or raw.get("op") not in _OP_MARK:
        return None
    label, unit = _item(str(raw.get("item", "")), lang)
    unit = f" {unit}" if unit else ""
    mark = message(_OP_MARK[raw["op"]], limit=f"{raw.get('threshold')}{unit}")
    text = message(
        _("%(label)s %(value)s%(unit)s(基準 %(mark)s)"), label=label, value=raw.get("value"), unit=unit, mark=mark
    )
    return in_language(text, _language(lang))


def _group_line(record: Mapping[str, Any], lang: str) -> str | None:
    group = record.get("group", "missing")
    met = [t for c in record.get("group_criteria") or [] if (t := _criterion(c, lang))]
    detail = _joined(met, lang)
    texts = {
        "A": _("おなかまわり(内臓脂肪)が基準以上でした"),
        "B": _("腹囲は基準未満でしたが、BMIが25以上でした"),
        None: _("腹囲・BMIとも基準未満でした"),
        "undetermined": _("腹囲またはBMIの値がなく、判定できませんでした"),
    }
    if group not in texts:
        return None
    text = in_language(texts[group], _language(lang))
    return f"{text}: {detail}" if detail else text


def _risk_line(name: str, finding: Any, lang: str) -> str | None:
    if not isinstance(finding, Mapping) or name not in _RISK_TEXT:
        return None
    language = _language(lang)
    present = finding.get("present")
    if present is None:
        detail = in_language(_("値がなく判定できませんでした"), language)
    elif not present:
        detail = in_language(_("基準内"), language)
    elif name == "smoking":
        detail = in_language(_("たばこを吸っている(質問票の回答)"), language)
    else:
        met = [t for c in finding.get("criteria") or [] if (t := _criterion(c, lang))]
        detail = _joined(met, lang) or in_language(_("基準以上"), language)
    return f"{in_language(_RISK_TEXT[name], language)}: {detail}"


def plain_explanation(record: Any, lang: str = "ja") -> list[str]:
    """Sentences saying why the level was given; [] when there is no usable record."""
    if not isinstance(record, Mapping) or not record:
        return []
    language = _language(lang)
    lines: list[str] = []
    if record.get("medication_excluded") or record.get("exception") == "medication":
        lines.append(
            in_language(
                _(
                    "血圧・血糖・脂質のいずれかの薬を飲んでいるため、特定保健指導の対象になりません(主治医の管理を優先します)。"
                ),
                language,
            )
        )
    group_line = _group_line(record, lang)
    if group_line:
        lines.append(group_line)
    risks = record.get("risks")
    if isinstance(risks, Mapping) and record.get("group") in ("A", "B"):
        lines += [line for name in _RISK_TEXT if (line := _risk_line(name, risks.get(name), lang))]
        smoking = risks.get("smoking")
        if record.get("smoking_counted") is False and isinstance(smoking, Mapping) and smoking.get("present"):
            lines.append(in_language(_("喫煙は、ほかのリスクがないため数えていません。"), language))
    if record.get("exception") == "age_65_74":
        lines.append(in_language(_("65歳以上のため、積極的支援ではなく動機付け支援になります。"), language))
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


# ---------------------------------------------------------------- being a checkup target (SPEC §1.2, §1.3, §2.5b)


def target_year_notes(*, birth_date: dt.date, fiscal_year: int, enrolled_all_year: bool, excluded: bool) -> list[str]:
    """What the age rules (`members.age_basis`, the one definition) and the year's enrollment mean for the person
    in FY N, in plain words: a target or not and why, the April-1 rule, the 75th birthday, the 65 rule."""
    age = age_basis(birth_date, fiscal_year)
    year = {"year": fiscal_year}
    if age < TARGET_AGE_MIN:
        first = first_target_fiscal_year(birth_date)
        return [
            gettext(
                "%(year)s年度は、まだ特定健診の対象年齢ではありません。%(first)s年度(年度内に40歳になる年度)から対象になります。"
            )
            % {**year, "first": first}
        ]
    if not is_target_age(birth_date, fiscal_year):
        birthday = latter_stage_birthday(birth_date)
        if reaches_75_within_year(birth_date, fiscal_year):
            return [
                gettext(
                    "%(date)s(75歳の誕生日)から後期高齢者医療制度に移るため、%(year)s年度の特定健診の対象ではありません。"
                )
                % {**year, "date": date_format(birthday)}
            ]
        return [gettext("75歳以上の方は、後期高齢者医療制度の健診の対象です。")]
    if not enrolled_all_year:
        return [
            gettext(
                "%(year)s年度は、年度の途中で加入または資格を喪失したため、特定健診の対象ではありません"
                "(年度を通じて加入している方が対象です)。"
            )
            % year
        ]
    if excluded:
        return [gettext("%(year)s年度は、対象除外の期間があるため、特定健診の対象ではありません。") % year]
    notes = [gettext("%(year)s年度は特定健診の対象です(年度内に%(age)s歳になります)。") % {**year, "age": age}]
    born_on_counted_day = (birth_date.month, birth_date.day) == (AGE_BASIS_MONTH, AGE_BASIS_DAY)
    if born_on_counted_day and age < TARGET_AGE_BASIS_MAX:
        notes.append(
            gettext(
                "4月1日生まれの方は、法律上、誕生日の前日(3月31日)の終わりに年齢が加わるため、"
                "その年度のうちに%(age)s歳になります。"
            )
            % {"age": age}
        )
    if born_on_counted_day and age == TARGET_AGE_BASIS_MAX:
        notes.append(
            gettext("75歳の誕生日(%(date)s)は次の年度の初日のため、%(year)s年度は最後まで対象です。")
            % {**year, "date": date_format(latter_stage_birthday(birth_date))}
        )
    if is_senior(age):
        notes.append(
            gettext("年度内に65歳以上になるため、特定保健指導は「積極的支援」ではなく「動機付け支援」になります。")
        )
    return notes
