"""Completion, status and next action of a guidance programme (SPEC §5.4–§5.7).

`evaluate` is the one place that decides whether a programme is 終了 and shows how (SPEC §5.7). Its texts are
gettext templates rendered in Japanese and English (English in locale/en).
"""

import datetime as dt
import functools
import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guidance.action_plan import action_plan_complete
from guidance.codes import (
    OPEN_STATUSES,
    ContactForm,
    ContactKind,
    DropoutReason,
    ExclusionCause,
    ProgrammeLevel,
    ProgrammeStatus,
    code_name,
)
from guidance.contacts import (
    ContactFacts,
    ProgrammeFacts,
    by_date,
    final_evaluation_earliest,
    initial_completed_on,
    initial_start,
    last_human_contact,
)
from guidance.goal import recordable_change
from guidance.points import (
    COMPLETION_POINTS,
    EMAIL_ROUND_TRIP_POINTS,
    TIMED_CONTACT_POINTS,
    PointLine,
    early_interview_line,
    outcome_lines,
    point_line,
    process_lines,
)
from infra.i18n import Message, bilingual, message

# SPEC §5.4 and §2.8: 動機付け支援相当 completes like 動機付け支援, without points
MOTIVATIONAL_LEVELS = frozenset({ProgrammeLevel.MOTIVATIONAL, ProgrammeLevel.MOTIVATIONAL_EQUIVALENT})
CONTACT_OVERDUE_DAYS = 60  # SPEC §5.6 ◆: no contact for more than 60 days is overdue
OUTCOME_RULE_PREFIXES = ("outcome_", "behaviour_")
INDIVIDUAL_CONTACT_POINTS = TIMED_CONTACT_POINTS[ContactForm.INDIVIDUAL_IN_PERSON][
    1
]  # SPEC §5.5: 70 per individual contact


@dataclass(frozen=True)
class NextAction:
    """What staff should do next (SPEC §5.6). `code` is stable; `due_on` is the date it is (or was) due."""

    code: str
    due_on: dt.date | None
    overdue: bool
    message_ja: str
    message_en: str


def _action(code: str, due_on: dt.date | None, overdue: bool, text: Message) -> NextAction:
    message_ja, message_en = bilingual(text)
    return NextAction(code, due_on, overdue, message_ja, message_en)


@dataclass(frozen=True)
class Evaluation:
    """Points, status and the reasoning behind them (SPEC §5.5–§5.7)."""

    status: ProgrammeStatus
    completed: bool
    completed_on: dt.date | None
    outcome_points: int
    process_points: int
    total_points: int
    lines: list[PointLine]
    missing_points: int
    hint_ja: str | None
    hint_en: str | None
    initial_started_on: dt.date | None
    initial_completed_on: dt.date | None
    final_evaluation_earliest: dt.date | None
    final_evaluation_on: dt.date | None
    next_contact_by: dt.date | None
    next_action: NextAction
    decision_ja: str
    decision_en: str


def intensive_points_complete(total: int) -> bool:
    """積極的支援 needs outcome + process ≥ 180 at the final evaluation (SPEC §5.5)."""
    return total >= COMPLETION_POINTS


def _final_problem(programme: ProgrammeFacts, final: ContactFacts) -> str | None:
    """Why a recorded final evaluation cannot be used (SPEC §5.3), or None when it can."""
    start, done_on = initial_start(programme.contacts), initial_completed_on(programme.contacts)
    if start is None or done_on is None or final.date < done_on:
        return "initial interview not completed before it"
    if final.date < final_evaluation_earliest(start.date):
        return f"held before {final_evaluation_earliest(start.date)}"
    if final.weight_kg is None or final.waist_cm is None:
        return "weight or waist missing"
    if final.measurements_self_declared:
        return "measurements only self-declared"
    if programme.dropped_out_on is not None and final.date > programme.dropped_out_on:
        return "held after dropout"
    return None


def _points(lines: list[PointLine]) -> tuple[int, int]:
    outcome = sum(line.points for line in lines if line.rule.startswith(OUTCOME_RULE_PREFIXES))
    return outcome, sum(line.points for line in lines) - outcome


def _lines_until(programme: ProgrammeFacts, start_index: int | None, end: dt.date | None) -> list[PointLine]:
    start = programme.contacts[start_index] if start_index is not None else None
    lines = [early_interview_line(programme, start_index, start)] if start and start_index is not None else []
    period_start = start.date if start else dt.date.max
    return lines + process_lines(programme, period_start=period_start, period_end=end)


def _finals(
    programme: ProgrammeFacts, start_index: int | None, *, plan_ok: bool, motivational: bool
) -> tuple[list[PointLine], list[PointLine], tuple[int, ContactFacts] | None, bool]:
    """Try the final evaluations in date order (SPEC §5.3–§5.5): (lines of the unusable ones, the point lines up
    to the last usable one, that one, whether the programme completed with it)."""
    rejected: list[PointLine] = []
    lines: list[PointLine] = []
    used_final: tuple[int, ContactFacts] | None = None
    for index, final in (pair for pair in by_date(programme.contacts) if pair[1].kind == ContactKind.FINAL):
        problem = _final_problem(programme, final)
        if problem:
            text = message(_("実績評価 %(date)s は使用できません (%(problem)s)"), date=final.date, problem=problem)
            rejected.append(point_line("final_evaluation_unusable", 0, index, text, "SPEC §5.3"))
            continue
        used_final = (index, final)
        lines = _lines_until(programme, start_index, final.date) + outcome_lines(programme, index, final)
        if plan_ok and (motivational or intensive_points_complete(sum(line.points for line in lines))):
            return rejected, lines, used_final, True
    return rejected, lines, used_final, False


def evaluate(programme: ProgrammeFacts) -> Evaluation:
    """Evaluate a programme as of `programme.today` (SPEC §5.4–§5.7)."""
    start = initial_start(programme.contacts)
    start_index = next((i for i, c in enumerate(programme.contacts) if c is start), None)
    done_on = initial_completed_on(programme.contacts)
    earliest = final_evaluation_earliest(start.date) if start else None
    motivational = programme.level in MOTIVATIONAL_LEVELS

    plan_ok = action_plan_complete(programme.plan(), programme.level)
    rejected, lines, used_final, completed = _finals(programme, start_index, plan_ok=plan_ok, motivational=motivational)
    if not completed:
        # Support after an unsuccessful final evaluation keeps counting towards the next one.
        lines = _lines_until(programme, start_index, programme.dropped_out_on)
        if used_final is not None:
            lines += outcome_lines(programme, *used_final)
    lines = rejected + lines
    if used_final is not None and not plan_ok:
        text = _("行動計画(行動目標、積極的支援では支援計画)が初回面接で設定されていないため終了できません")
        lines.append(point_line("action_plan_missing", 0, None, text, "SPEC §5.2"))
    outcome, process = _points(lines)
    total = outcome + process

    status = _status(programme, start, done_on, completed)
    missing = 0 if motivational else max(0, COMPLETION_POINTS - total)
    hint_ja, hint_en = _hint(programme, missing) if missing and status in OPEN_STATUSES else (None, None)
    last = last_human_contact(programme.contacts)
    next_contact_by = last + dt.timedelta(days=CONTACT_OVERDUE_DAYS) if last else None
    final_on = used_final[1].date if used_final else None
    decision_ja, decision_en = _decision(programme, status, total, final_on, earliest, motivational)
    return Evaluation(
        status=status,
        completed=status == ProgrammeStatus.COMPLETED,
        completed_on=final_on if status == ProgrammeStatus.COMPLETED else None,
        outcome_points=outcome,
        process_points=process,
        total_points=total,
        lines=lines,
        missing_points=missing,
        hint_ja=hint_ja,
        hint_en=hint_en,
        initial_started_on=start.date if start else None,
        initial_completed_on=done_on,
        final_evaluation_earliest=earliest,
        final_evaluation_on=final_on,
        next_contact_by=next_contact_by,
        next_action=_next_action(
            programme, status, earliest, next_contact_by, used_final is not None, missing, plan_ok=plan_ok
        ),
        decision_ja=decision_ja,
        decision_en=decision_en,
    )


def _status(
    programme: ProgrammeFacts, start: ContactFacts | None, done_on: dt.date | None, completed: bool
) -> ProgrammeStatus:
    """SPEC §5.6. Exclusion wins: the programme leaves the denominator whatever else happened."""
    if programme.excluded_cause is not None:
        return ProgrammeStatus.EXCLUDED
    if completed:
        return ProgrammeStatus.COMPLETED
    if programme.dropped_out_on is not None:
        return ProgrammeStatus.DROPPED_OUT
    if start is None:
        return ProgrammeStatus.NOT_STARTED
    if done_on is None:
        return ProgrammeStatus.INITIAL_INCOMPLETE
    return ProgrammeStatus.IN_PROGRESS


def _hint(programme: ProgrammeFacts, missing: int) -> tuple[str, str]:
    """What would reach 180 (SPEC §5.5): the waist/weight target alone, or more support contacts."""
    weight = programme.exam_weight_kg
    return _hint_text(missing, None if weight is None else str(weight))


# The texts of `_hint` and `_decision` are functions of a few plain values that many programmes share (level, exam
# and due dates, points): cached, so a sync of 20,000 programmes renders each text once, not once per programme.
@functools.lru_cache(maxsize=4096)
def _hint_text(missing: int, exam_weight: str | None) -> tuple[str, str]:
    individual = math.ceil(missing / INDIVIDUAL_CONTACT_POINTS)
    short = math.ceil(missing / EMAIL_ROUND_TRIP_POINTS)
    hint = message(
        _("あと%(missing)sポイント: 個別/グループ支援%(individual)s回、または電話・メール支援%(short)s回"),
        missing=missing,
        individual=individual,
        short=short,
    )
    if exam_weight is not None:
        target = recordable_change(Decimal(exam_weight))  # 1.464 → 1.5: weight and waist are recorded to 0.1
        hint = message(
            _("%(hint)s。実績評価時に体重%(target)skg以上かつ腹囲%(target)scm以上の減少で180ポイント"),
            hint=hint,
            target=target,
        )
    return bilingual(hint)


def _decision(
    programme: ProgrammeFacts,
    status: ProgrammeStatus,
    total: int,
    final_on: dt.date | None,
    earliest: dt.date | None,
    motivational: bool,
) -> tuple[str, str]:
    """How the status was reached, with dates and the rule row (SPEC §5.7)."""
    return _decision_text(
        programme.excluded_cause,
        programme.dropout_reason,
        programme.dropped_out_on,
        programme.level,
        status,
        total,
        final_on,
        earliest,
        motivational,
    )


@functools.lru_cache(maxsize=4096)
def _decision_text(
    excluded_cause: str | None,
    dropout_reason: str | None,
    dropped_out_on: dt.date | None,
    programme_level: str,
    status: ProgrammeStatus,
    total: int,
    final_on: dt.date | None,
    earliest: dt.date | None,
    motivational: bool,
) -> tuple[str, str]:
    if excluded_cause is not None and status == ProgrammeStatus.EXCLUDED:
        cause = ExclusionCause(excluded_cause)
        return bilingual(message(_("対象外: %(cause)s"), cause=code_name(cause, cause.value)))
    if status == ProgrammeStatus.DROPPED_OUT:
        reason = DropoutReason(dropout_reason) if dropout_reason else None
        text = message(
            _("途中終了 %(date)s: %(reason)s"),
            date=dropped_out_on,
            reason=code_name(reason, reason.value) if reason else _("理由未登録"),
        )
        return bilingual(text)
    level = ProgrammeLevel(programme_level)
    if motivational:
        rule: Message = _("初回面接と実績評価の実施 (SPEC §5.4)")
    else:
        rule = message(_("実績評価の実施かつ合計%(points)sポイント以上 (SPEC §5.5)"), points=COMPLETION_POINTS)
    text = message(
        _(
            "%(level)s: 終了条件 = %(rule)s。実績評価 %(final)s(実施可能日 %(earliest)s)、"
            "合計 %(total)sポイント → %(status)s"
        ),
        level=code_name(level, level.name.lower()),
        rule=rule,
        final=str(final_on) if final_on else pgettext_lazy("final evaluation", "未実施"),
        earliest=earliest or _("未定"),
        total=total,
        status=code_name(status, status.value),
    )
    return bilingual(text)


def _next_action(
    programme: ProgrammeFacts,
    status: ProgrammeStatus,
    earliest: dt.date | None,
    next_contact_by: dt.date | None,
    final_held: bool,
    missing: int,
    *,
    plan_ok: bool = True,
) -> NextAction:
    today = programme.today
    if status in (ProgrammeStatus.COMPLETED, ProgrammeStatus.DROPPED_OUT, ProgrammeStatus.EXCLUDED):
        return _action("none", None, False, pgettext_lazy("next action", "対応不要"))
    if programme.pending_level is not None:  # SPEC §5.6: a level change is never applied silently
        new = ProgrammeLevel(programme.pending_level)
        text = message(
            _("健診結果の修正で保健指導区分が%(level)sになりました: 継続か切り替えかを決めてください"),
            level=code_name(new, new.name.lower()),
        )
        return _action("level_decision_required", today, False, text)
    if programme.pending_level_loss:  # SPEC §5.6: the corrected checkup gives no programme level at all
        text = _(
            "健診結果の修正で保健指導の対象となる区分ではなくなりました: 継続するか途中終了にするかを決めてください"
        )
        return _action("level_decision_required", today, False, text)
    if status == ProgrammeStatus.NOT_STARTED:
        return _action("initial_interview_not_held", None, False, _("初回面接未実施"))
    if final_held and not plan_ok:
        text = _("行動計画が未設定のため終了できません: 行動計画を登録してください")
        return _action("action_plan_missing", today, False, text)
    if next_contact_by is not None and today > next_contact_by:
        text = message(_("%(days)s日以上支援なし(%(due)sまでに要連絡)"), days=CONTACT_OVERDUE_DAYS, due=next_contact_by)
        return _action("contact_overdue", next_contact_by, True, text)
    if status == ProgrammeStatus.INITIAL_INCOMPLETE:
        text = pgettext_lazy("next action", "初回面接②未実施")
        return _action("initial_interview_part2_pending", next_contact_by, False, text)
    if final_held and missing > 0:
        text = message(_("実績評価時点で%(missing)sポイント不足: 支援を継続し再評価"), missing=missing)
        return _action("points_below_180", next_contact_by, False, text)
    if final_held:  # an earlier final fell short, later support has closed the gap
        return _action("final_evaluation_due", today, False, _("再度の実績評価で終了可能"))
    assert earliest is not None  # in progress implies an initial interview
    if today > earliest:
        text = message(_("実績評価が未実施(%(earliest)sから実施可能)"), earliest=earliest)
        return _action("final_evaluation_overdue", earliest, True, text)
    return _action("final_evaluation_due", earliest, False, message(_("実績評価 %(earliest)s以降"), earliest=earliest))
