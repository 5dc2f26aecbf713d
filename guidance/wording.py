"""Staff language for a programme's stored evaluation: the next action in words, short labels for lists.

The rules (guidance.completion) store a stable code per next action (SPEC §5.6); these are the words staff read in
the admin and the work lists, one definition for both. Dates are formatted for the active language
(2026年11月10日), never ISO; no rule codes or SPEC sections here (those stay in a details element on the page).
"""

import datetime as dt
import re
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from members import dates

from .codes import ProgrammeLevel, ProgrammeStatus
from .levels import LEVEL_FROM_CHECKUP
from .points import COMPLETION_POINTS

# Short labels of the stored next-action codes (guidance.completion.NextAction.code, SPEC §5.6)
NEXT_ACTION_LABELS: dict[str, Promise] = {
    "initial_interview_not_held": _("初回面接未実施"),
    "initial_interview_part2_pending": _("初回面接②未実施"),
    "contact_overdue": _("60日以上支援なし"),
    "final_evaluation_due": _("実績評価待ち"),
    "final_evaluation_overdue": _("実績評価期限超過"),
    "points_below_180": _("180ポイント不足"),
    "action_plan_missing": _("行動計画未設定"),
    "level_decision_required": _("区分変更の判断待ち"),
    "none": _("対応不要"),
}
SUPPORT_CONTINUES = _("支援継続(ポイント不足)")  # final evaluation not yet due and points still short

ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


day = dates.day  # 2026年11月10日: one implementation (members.dates)


def dates_in_words(text: str) -> str:
    """Rule messages carry ISO dates (the rules are pure and language-free): show them as dates in words."""
    return ISO_DATE.sub(lambda m: day(dt.date(int(m[1]), int(m[2]), int(m[3]))), text or "")


def _evaluation(programme: Any) -> dict[str, Any]:
    return programme.evaluation if isinstance(programme.evaluation, dict) else {}


def missing_points(programme: Any) -> int:
    """Points still missing to 180 for 積極的支援 (0 for the other levels, SPEC §5.4–§5.5)."""
    if programme.level != ProgrammeLevel.INTENSIVE:
        return 0
    return max(0, COMPLETION_POINTS - (programme.total_points or 0))


def next_action_label(programme: Any) -> str:
    """The short label of a list row. 実績評価待ち only when the final evaluation can complete the programme:
    someone at 40 of 180 points is 支援継続, not waiting for the final evaluation."""
    code = programme.next_action or "none"
    if (
        code == "final_evaluation_due"
        and missing_points(programme)
        and not _evaluation(programme).get("final_evaluation_on")
    ):
        return str(SUPPORT_CONTINUES)
    return str(NEXT_ACTION_LABELS.get(code, code))


def next_action_sentence(programme: Any, *, today: dt.date) -> str:
    """What to do next, in a sentence with its date (the programme page header)."""
    code = programme.next_action or "none"
    action = _evaluation(programme).get("next_action") or {}
    due = action.get("due_on") or (programme.next_action_due.isoformat() if programme.next_action_due else None)
    missing = missing_points(programme)
    if code == "none":
        if programme.status == ProgrammeStatus.COMPLETED:
            return _t("終了しました(%(day)s)。対応は不要です。") % {"day": day(programme.completed_on)}
        return _t("このプログラムは閉じています。対応は不要です。")
    if code == "initial_interview_not_held":
        return _t("初回面接を行ってください(まだ実施していません)。")
    if code == "initial_interview_part2_pending":
        return _t("初回面接②を行ってください。")
    if code == "contact_overdue":
        return _t("前回の支援から60日を超えました(%(day)s までに連絡する予定でした)。連絡してください。") % {
            "day": day(due)
        }
    if code == "action_plan_missing":
        return _t("行動計画(行動目標、積極的支援では支援計画)を登録してください。登録すると終了できます。")
    if code == "level_decision_required":
        if programme.checkup.guidance_level not in LEVEL_FROM_CHECKUP:  # 情報提供 or 判定不能 now (SPEC §5.6)
            return _t(
                "健診結果の修正で保健指導の対象となる区分ではなくなりました。続けるか途中終了にするかを決めてください。"
            )
        return _t("健診結果の修正で保健指導区分が変わりました。今の区分で続けるか切り替えるかを決めてください。")
    if code == "points_below_180":
        return _t("実績評価の時点で%(n)sポイント不足です。支援を続けて、もう一度実績評価を行ってください。") % {
            "n": missing
        }
    if code == "final_evaluation_overdue":
        return _t("実績評価を行ってください(%(day)s から実施できます。期限を過ぎています)。") % {"day": day(due)}
    if code == "final_evaluation_due":
        due_day = dt.date.fromisoformat(due) if due else None
        when = (
            _t("実績評価を行えば終了できます。")
            if due_day is None or due_day <= today
            else _t("%(day)s 以降に実績評価を行ってください。") % {"day": day(due_day)}
        )
        if missing:
            when += " " + _t(
                "今は%(points)sポイントです: 支援をあと%(n)sポイント分行うか、実績評価で腹囲・体重の目標を達成すると"
                "終了できます。"
            ) % {"points": programme.total_points, "n": missing}
        return when
    return str(NEXT_ACTION_LABELS.get(code, code))
