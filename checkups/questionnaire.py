"""標準的な質問票 (standard questionnaire, 22 items), versioned by fiscal year: SPEC §4.

One table per period (`QUESTIONS_4TH`, `QUESTIONS_3RD`) holds, per question: number, model field, MHLW item code,
answer-set OID, question text and the answers {code: label}, each text a gettext_lazy string (English in
locale/en). Item codes and answer sets are
from the 4th-period item table XMLhc24tab (formats-notes §2.3); the 3rd-period differences are formats-notes §1.8.
"""

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from django.utils.translation import gettext_lazy as _

from infra.i18n import Message, StrPromise, in_language, message
from members.codes import Sex
from members.fiscal import FOURTH_PERIOD_FIRST_FY

OID_PREFIX = "1.2.392.200119.6."

Answers = Mapping[int, StrPromise]


def _answers(*labels: StrPromise) -> Answers:
    """Codes are the 1-based positions of the choices (rules-notes §4: ① = 1, ② = 2, …)."""
    return MappingProxyType(dict(enumerate(labels, start=1)))


# Answer sets, by OID (SPEC §4.1, §4.2; rules-notes Appendix A; formats-notes §2.3).
YES_NO = _answers(_("はい"), _("いいえ"))  # .2003
SMOKING_4TH = _answers(  # .24060, SPEC §4.2
    _("はい"),
    _("以前は吸っていたが、最近1か月間は吸っていない"),
    _("いいえ"),
)
CHEWING = _answers(  # .18030
    _("何でもかんで食べることができる"),
    _("歯や歯ぐき、かみあわせなど気になる部分があり、かみにくいことがある"),
    _("ほとんどかめない"),
)
EATING_SPEED = _answers(_("速い"), _("ふつう"), _("遅い"))  # .2004
SNACKING = _answers(_("毎日"), _("時々"), _("ほとんど摂取しない"))  # .18040
DRINKING_FREQUENCY_4TH = _answers(  # .24040, SPEC §4.2
    _("毎日"),
    _("週5〜6日"),
    _("週3〜4日"),
    _("週1〜2日"),
    _("月に1〜3日"),
    _("月に1日未満"),
    _("やめた"),
    _("飲まない(飲めない)"),
)
DRINKING_AMOUNT_4TH = _answers(  # .24050, SPEC §4.2 (1 合 = 180 ml of sake)
    _("1合未満"),
    _("1〜2合未満"),
    _("2〜3合未満"),
    _("3〜5合未満"),
    _("5合以上"),
)
LIFESTYLE_INTENTION = _answers(  # .2007
    _("改善するつもりはない"),
    _("改善するつもりである(概ね6か月以内)"),
    _("近いうちに(概ね1か月以内)改善するつもりであり、少しずつ始めている"),
    _("既に改善に取り組んでいる(6か月未満)"),
    _("既に改善に取り組んでいる(6か月以上)"),
)
# 3rd period (FY2018–FY2023), formats-notes §1.8 / §2.3.
DRINKING_FREQUENCY_3RD = _answers(  # .2005
    _("毎日"), _("時々"), _("ほとんど飲まない(飲めない)")
)
DRINKING_AMOUNT_3RD = _answers(  # .2006
    _("1合未満"),
    _("1〜2合未満"),
    _("2〜3合未満"),
    _("3合以上"),
)


@dataclass(frozen=True, slots=True)
class Question:
    number: int
    field: str
    item_code: str
    answer_set_oid: str
    text: StrPromise = dataclasses.field(hash=False)  # a lazy text hashes by its rendering in the active language
    answers: Answers = dataclasses.field(hash=False, compare=False)  # `field` is an attribute name here

    @property
    def text_ja(self) -> str:
        return in_language(self.text, "ja")

    @property
    def text_en(self) -> str:
        return in_language(self.text, "en")

    @property
    def allowed_codes(self) -> tuple[int, ...]:
        return tuple(self.answers)


def _q(number: int, fld: str, item: str, oid: str, text: StrPromise, answers: Answers) -> Question:
    return Question(number, fld, item, OID_PREFIX + oid, text, answers)


# SPEC §4.1: items, codes and answer sets of the 4th period (FY2024–), rules-notes §4, formats-notes §2.3.
QUESTIONS_4TH: tuple[Question, ...] = (
    _q(1, "med_blood_pressure", "9N701000000000011", "2003",
       _("現在、aからcの薬の使用の有無 a. 血圧を下げる薬"), YES_NO),
    _q(2, "med_glucose", "9N706000000000011", "2003",
       _("現在、aからcの薬の使用の有無 b. 血糖を下げる薬又はインスリン注射"), YES_NO),
    _q(3, "med_lipids", "9N711000000000011", "2003",
       _("現在、aからcの薬の使用の有無 c. コレステロールや中性脂肪を下げる薬"), YES_NO),
    _q(4, "history_stroke", "9N716000000000011", "2003",
       _("医師から、脳卒中(脳出血、脳梗塞等)にかかっているといわれたり、治療を受けたことがありますか。"), YES_NO),
    _q(5, "history_heart", "9N721000000000011", "2003",
       _("医師から、心臓病(狭心症、心筋梗塞等)にかかっているといわれたり、治療を受けたことがありますか。"), YES_NO),
    _q(6, "history_kidney", "9N726000000000011", "2003",
       _("医師から、慢性腎臓病や腎不全にかかっているといわれたり、治療(人工透析など)を受けていますか。"),
       YES_NO),
    _q(7, "anaemia", "9N731000000000011", "2003",
       _("医師から、貧血といわれたことがある。"), YES_NO),
    _q(8, "smoking", "9N736000000000011", "24060",
       _("現在、たばこを習慣的に吸っていますか。"), SMOKING_4TH),
    _q(9, "weight_gain_since_20", "9N741000000000011", "2003",
       _("20歳の時の体重から10kg以上増加している。"), YES_NO),
    _q(10, "exercise_habit", "9N746000000000011", "2003",
       _("1回30分以上の軽く汗をかく運動を週2日以上、1年以上実施"), YES_NO),
    _q(11, "physical_activity", "9N751000000000011", "2003",
       _("日常生活において歩行又は同等の身体活動を1日1時間以上実施"), YES_NO),
    _q(12, "walking_speed", "9N756000000000011", "2003",
       _("ほぼ同じ年齢の同性と比較して歩く速度が速い。"), YES_NO),
    _q(13, "chewing", "9N872000000000011", "18030",
       _("食事をかんで食べる時の状態はどれにあてはまりますか。"), CHEWING),
    _q(14, "eating_speed", "9N766000000000011", "2004",
       _("人と比較して食べる速度が速い。"), EATING_SPEED),
    _q(15, "late_dinner", "9N771000000000011", "2003",
       _("就寝前の2時間以内に夕食をとることが週に3回以上ある。"), YES_NO),
    _q(16, "snacking", "9N782000000000011", "18040",
       _("朝昼夕の3食以外に間食や甘い飲み物を摂取していますか。"), SNACKING),
    _q(17, "skips_breakfast", "9N781000000000011", "2003",
       _("朝食を抜くことが週に3回以上ある。"), YES_NO),
    _q(18, "drinking_frequency", "9N786000000000011", "24040",
       _("お酒(日本酒、焼酎、ビール、洋酒など)を飲む頻度はどのくらいですか。"), DRINKING_FREQUENCY_4TH),
    _q(19, "drinking_amount", "9N791000000000011", "24050",
       _("飲酒日の1日当たりの飲酒量"), DRINKING_AMOUNT_4TH),
    _q(20, "sleep_rest", "9N796000000000011", "2003",
       _("睡眠で休養が十分とれている。"), YES_NO),
    _q(21, "lifestyle_intention", "9N801000000000011", "2007",
       _("運動や食生活等の生活習慣を改善してみようと思いますか。"), LIFESTYLE_INTENTION),
    _q(22, "guidance_history", "9N808000000000011", "2003",
       _("生活習慣の改善について、これまでに特定保健指導を受けたことがありますか。"), YES_NO),
)  # fmt: skip

# 3rd period (before FY2024): Q8, Q18, Q19 had other answer sets and Q22 asked for the wish to use guidance
# (9N806, replaced by 9N808 in the 4th period: SPEC §4.2, formats-notes §1.8). Its own field, because the
# answer means something else.
_THIRD_PERIOD_CHANGES: Mapping[int, Question] = {
    8: _q(8, "smoking", "9N736000000000011", "2003",
          _("現在、たばこを習慣的に吸っている。"), YES_NO),
    18: _q(18, "drinking_frequency", "9N786000000000011", "2005",
           _("お酒(日本酒、焼酎、ビール、洋酒など)を飲む頻度"),
           DRINKING_FREQUENCY_3RD),
    19: _q(19, "drinking_amount", "9N791000000000011", "2006",
           _("飲酒日の1日当たりの飲酒量"), DRINKING_AMOUNT_3RD),
    22: _q(22, "guidance_wish", "9N806000000000011", "2003",
           _("生活習慣の改善について保健指導を受ける機会があれば、利用しますか。"), YES_NO),
}  # fmt: skip
QUESTIONS_3RD: tuple[Question, ...] = tuple(_THIRD_PERIOD_CHANGES.get(q.number, q) for q in QUESTIONS_4TH)

_BY_FIELD_4TH = {q.field: q for q in QUESTIONS_4TH}
_BY_FIELD_3RD = {q.field: q for q in QUESTIONS_3RD}


def questions_for(fiscal_year: int) -> tuple[Question, ...]:
    """The 22 questions in force for a fiscal year (SPEC §2.7: before FY2024 the 3rd-period sets)."""
    return QUESTIONS_4TH if fiscal_year >= FOURTH_PERIOD_FIRST_FY else QUESTIONS_3RD


def question(field_name: str, fiscal_year: int) -> Question:
    """The question stored in `field_name` for that fiscal year; KeyError if the period has no such field."""
    by_field = _BY_FIELD_4TH if fiscal_year >= FOURTH_PERIOD_FIRST_FY else _BY_FIELD_3RD
    return by_field[field_name]


@dataclass(frozen=True, slots=True)
class AnswerError:
    """An answer outside its set (SPEC §4.4): the item, the value and the allowed set."""

    field: str
    item_code: str
    value: object
    allowed: tuple[int, ...]
    message: Message

    @property
    def message_ja(self) -> str:
        return in_language(self.message, "ja")

    @property
    def message_en(self) -> str:
        return in_language(self.message, "en")


def validate_answer(question: Question, value: object) -> AnswerError | None:
    """None when `value` is blank or one of the question's codes; otherwise an AnswerError (SPEC §4.4).

    A digit string ("1") is accepted as its code, since file imports deliver text. Whether a blank is allowed
    is not decided here (required items: SPEC §9.4).
    """
    if value is None or value == "":
        return None
    code: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        code = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        code = int(value.strip())
    if code is not None and code in question.answers:
        return None
    allowed = question.allowed_codes
    allowed_text = ", ".join(str(c) for c in allowed)
    return AnswerError(
        field=question.field,
        item_code=question.item_code,
        value=value,
        allowed=allowed,
        message=message(
            _("質問%(number)s (%(item_code)s) の回答 %(value)s は選択肢 %(allowed)s にありません。"),
            number=question.number,
            item_code=question.item_code,
            value=repr(value),
            allowed=allowed_text,
        ),
    )


def answer_label(field_name: str, code: int | None, fiscal_year: int, lang: str = "ja") -> str | None:
    """The label of an answer code in the fiscal year's answer set; None for a blank or unknown code.

    Raises KeyError for a field the period's questionnaire does not have.
    """
    label = question(field_name, fiscal_year).answers.get(code) if code is not None else None
    return None if label is None else in_language(label, "ja" if lang == "ja" else "en")


SMOKER_CODE = 1  # SPEC §4.3 / §2.3 ④: Q8 = 1 はい is a current habitual smoker, in both periods


def is_current_smoker(smoking_code: int | None, fiscal_year: int) -> bool | None:
    """現在、習慣的に喫煙している者 (SPEC §4.3): Q8 = 1. None when blank or not a code of that period's set."""
    if smoking_code not in question("smoking", fiscal_year).answers:
        return None
    return smoking_code == SMOKER_CODE


# SPEC §4.3: the lowest Q19 amount code that is risk-raising, per sex and Q18 frequency code (4th-period codes);
# a frequency absent here (6 月に1日未満, 7 やめた, 8 飲まない) is never risk-raising.
RISKY_AMOUNT_FROM: Mapping[int, Mapping[int, int]] = {
    Sex.MALE: {1: 3, 2: 3, 3: 4, 4: 5, 5: 5},  # ≥ 40 g/day; 1 合 ≈ 20 g
    Sex.FEMALE: {1: 2, 2: 2, 3: 2, 4: 4, 5: 5},  # ≥ 20 g/day
}
# 3rd-period codes expressed as the 4th-period codes they cover (rules-notes §4.1: 時々 was split into 2–6,
# ほとんど飲まない became 8; 3合以上 was split into 4 and 5). Used to decide only where every covered cell agrees.
THIRD_TO_FOURTH_FREQUENCY: Mapping[int, tuple[int, ...]] = {1: (1,), 2: (2, 3, 4, 5, 6), 3: (6, 8)}
THIRD_TO_FOURTH_AMOUNT: Mapping[int, tuple[int, ...]] = {1: (1,), 2: (2,), 3: (3,), 4: (4, 5)}


def _drinks_at_risk_4th(sex: int, frequency: int | None, amount: int | None) -> bool | None:
    if frequency is None or frequency not in DRINKING_FREQUENCY_4TH:
        return None
    risky_from = RISKY_AMOUNT_FROM[sex].get(frequency)
    if risky_from is None:
        return False
    if amount is None or amount not in DRINKING_AMOUNT_4TH:
        return None  # SPEC §4.3: frequency 1–5 without an amount cannot be judged
    return amount >= risky_from


def drinks_at_risk(
    sex: int, frequency: int | None, amount: int | None, *, fiscal_year: int | None = None
) -> bool | None:
    """生活習慣病のリスクを高める量を飲酒している者, from Q18 × Q19 (SPEC §4.3). None = cannot be judged.

    Codes are 4th-period codes unless `fiscal_year` is before FY2024. A 3rd-period answer is judged only where
    every 4th-period cell it covers gives the same answer (e.g. 時々 × 1合未満 is never risky; 時々 × 3合以上
    cannot be judged), the same "could the missing detail change it?" idea as SPEC §2.6.
    """
    if fiscal_year is None or fiscal_year >= FOURTH_PERIOD_FIRST_FY:
        return _drinks_at_risk_4th(sex, frequency, amount)
    frequencies = THIRD_TO_FOURTH_FREQUENCY.get(frequency) if frequency is not None else None
    if frequencies is None:
        return None
    amounts: tuple[int | None, ...] = THIRD_TO_FOURTH_AMOUNT.get(amount, (None,)) if amount is not None else (None,)
    outcomes = {_drinks_at_risk_4th(sex, f, a) for f in frequencies for a in amounts}
    return outcomes.pop() if len(outcomes) == 1 else None
