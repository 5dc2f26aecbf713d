"""Feedback by level (健診結果のフィードバック): one short plain message per item and range, never a diagnosis.

Source: the MHLW programme's feedback examples, 標準的な健診・保健指導プログラム(令和6年度版) 別添「健診結果と
その他必要な情報の提供(フィードバック文例集)」 (rules-notes S1-122 ff.; the blood-pressure split at 160/100 mmHg
is S1-164). The wording here is our own, written in their spirit: a value at the 保健指導判定値 is a reason to look
at habits, a value at the 受診勧奨判定値 a reason to talk to a doctor — not a diagnosis and not an automatic start of
medication (第4期の見直し, source briefing). The ranges are those of `checkups.standards` (SPEC §8, rules-notes §7);
this table holds only the words, keyed by the same field names.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from infra.i18n import Message

from .standards import Band, is_urgent, judge

SOURCE = "標準的な健診・保健指導プログラム(令和6年度版) フィードバック文例集 (S1-122 ff., S1-164), SPEC §8"

# The 4th-period note (source briefing, 第４期の見直しの概要(特定健診)): shown wherever a referral-level value is.
REFERRAL_NOTE: Message = _(
    "受診勧奨判定値は、医療機関で相談していただきたい目安です。病気と決まったわけではなく(診断ではありません)、"
    "すぐに薬による治療が始まるとは限りません。再検査や生活習慣の改善を含めて、医師がいっしょに考えます。"
)
REFERRAL_ACTION: Message = _(
    "「医療機関に持っていく用紙」を印刷するか画面に表示して、かかりつけの医療機関や近くの内科で相談してください。"
)
ON_TREATMENT_NOTE: Message = _("すでに通院中の方は、次の受診のときにこの結果を主治医に見せてください。")


@dataclass(frozen=True, slots=True)
class Feedback:
    normal: Message
    guidance: Message
    referral: Message | None = None  # None: the item has no 受診勧奨判定値 (HDL, waist, BMI)
    urgent: Message | None = None  # the referral values that call for a doctor soon (blood pressure, S1-164)


_BLOOD_PRESSURE = Feedback(
    normal=_("血圧は基準の範囲内です。減塩と適度な運動で、この状態を保ちましょう。"),
    guidance=_("血圧がやや高めです。塩分を控える、体を動かす、お酒と体重を控えめにすることで下がることがあります。"),
    referral=_("医療機関で血圧を測り直してもらい、生活習慣の改善を含めて相談しましょう。"),
    urgent=_("血圧がかなり高めです。この結果を持って、早めに医療機関を受診してください。"),
)
_TRIGLYCERIDES = Feedback(
    normal=_("中性脂肪は基準の範囲内です。"),
    guidance=_("中性脂肪がやや高めです。食べすぎ、甘いもの、お酒を控えて体を動かすと下がりやすい値です。"),
    referral=_("中性脂肪は前日の食事やお酒の影響も受けます。医療機関で再検査を含めて相談しましょう。"),
)
_GLUCOSE = Feedback(
    normal=_("血糖は基準の範囲内です。"),
    guidance=_("血糖がやや高めです。食事の量、間食、甘い飲み物を見直し、体を動かしましょう。"),
    referral=_("医療機関で再検査を含めて、血糖について相談しましょう。"),
)
_LIVER = Feedback(
    normal=_("肝臓の値は基準の範囲内です。"),
    guidance=_("肝臓の値がやや高めです。お酒や食べすぎを控え、体重を減らすと下がることがあります。"),
    referral=_("肝臓の値が高めの理由を、医療機関で確かめてもらいましょう。"),
)

FEEDBACK: Mapping[str, Feedback] = {  # keyed by checkups.standards field
    "systolic": _BLOOD_PRESSURE,
    "diastolic": _BLOOD_PRESSURE,
    "triglycerides_fasting": _TRIGLYCERIDES,
    "triglycerides_random": _TRIGLYCERIDES,
    "hdl": Feedback(
        normal=_("HDLコレステロールは基準の範囲内です。"),
        guidance=_("HDLコレステロールが低めです。体を動かす、たばこをやめる、体重を減らすと上がりやすい値です。"),
    ),
    "ldl": Feedback(
        normal=_("LDLコレステロールは基準の範囲内です。"),
        guidance=_("LDLコレステロールがやや高めです。脂の多い肉や洋菓子を控え、野菜・魚・大豆製品を増やしましょう。"),
        referral=_("ほかの検査結果と合わせて、LDLコレステロールについて医療機関で相談しましょう。"),
    ),
    "non_hdl": Feedback(
        normal=_("Non-HDLコレステロールは基準の範囲内です。"),
        guidance=_("Non-HDLコレステロールがやや高めです。脂の多い食事やお酒を控え、体を動かしましょう。"),
        referral=_("ほかの検査結果と合わせて、Non-HDLコレステロールについて医療機関で相談しましょう。"),
    ),
    "glucose_fasting": _GLUCOSE,
    "glucose_random": _GLUCOSE,
    "hba1c": Feedback(
        normal=_("HbA1cは基準の範囲内です。"),
        guidance=_("HbA1cがやや高めです。食事の量、間食、甘い飲み物を見直し、体を動かしましょう。"),
        referral=_("医療機関で再検査を含めて、HbA1c(血糖の状態)について相談しましょう。"),
    ),
    "ast": _LIVER,
    "alt": _LIVER,
    "ggt": Feedback(
        normal=_("γ-GTは基準の範囲内です。"),
        guidance=_("γ-GTがやや高めです。お酒の量と回数を減らすと下がりやすい値です。"),
        referral=_("お酒を控えたうえで、γ-GTが高めの理由を医療機関で確かめてもらいましょう。"),
    ),
    "egfr": Feedback(
        normal=_("腎臓の働き(eGFR)は基準の範囲内です。"),
        guidance=_("腎臓の働きがやや低めです。減塩と、血圧・血糖をよい状態に保つことが大切です。"),
        referral=_("尿の検査なども含めて、腎臓の働きについて医療機関で相談しましょう。"),
    ),
    "urine_protein": Feedback(
        normal=_("尿蛋白は出ていません。"),
        guidance=_("尿蛋白がわずかに出ています(±)。次の健診でも確かめましょう。"),
        referral=_("尿蛋白が出ています。医療機関で尿の検査をもう一度受けて相談しましょう。"),
    ),
    "hemoglobin": Feedback(
        normal=_("血色素量は基準の範囲内です。"),
        guidance=_("血色素量がやや低めです。赤身の肉や魚、大豆製品、青菜など鉄分を含む食品をとりましょう。"),
        referral=_("血色素量が低めの理由を、医療機関で確かめてもらいましょう。"),
    ),
    "waist": Feedback(
        normal=_("腹囲は、特定保健指導の判定に使う目安より小さい値です。"),
        guidance=_("腹囲が目安以上で、内臓脂肪がたまっているかもしれません。体重を少し減らすだけでも小さくなります。"),
    ),
    "bmi": Feedback(
        normal=_("BMIは25未満です。"),
        guidance=_("BMIが25以上です。体重を少し減らすと、血圧・血糖・脂質の値もよくなることがあります。"),
    ),
}


def feedback(field: str, value: Decimal | int | float | str, sex: int | None = None) -> Message:
    """The message for `value` of item `field` (a key of STANDARDS and FEEDBACK), in the active language."""
    words = FEEDBACK[field]
    match judge(field, value, sex):
        case Band.REFERRAL if words.urgent is not None and is_urgent(field, value):
            return words.urgent
        case Band.REFERRAL if words.referral is not None:
            return words.referral
        case Band.GUIDANCE | Band.REFERRAL:
            return words.guidance
    return words.normal
