"""Closing a programme (SPEC §5.6): 途中終了 (drop-out, with its reason) and 対象外 (exclusion, with its cause)."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from members.actors import Actor

from ..codes import DropoutReason, ExclusionCause, ProgrammeStatus
from ..models import Programme
from ..rules import RuleViolation
from .errors import GuidanceRefused
from .evaluation import evaluation_day, store_evaluation
from .locking import programme_claim, sync_instance

CLOSED_STATUSES = frozenset({ProgrammeStatus.COMPLETED, ProgrammeStatus.DROPPED_OUT, ProgrammeStatus.EXCLUDED})


@transaction.atomic
def programme_drop_out(
    *,
    programme: Programme,
    reason: str,
    date: dt.date,
    actor: Actor,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> Programme:
    """途中終了 with its reason (SPEC §5.6); support after `date` no longer counts."""
    today = evaluation_day(today)
    fresh = programme_claim(programme, expected_version)
    problems = closing_problems(fresh, date, today)
    if reason not in DropoutReason.values:
        problems.append(RuleViolation.of("dropout_reason_unknown", "reason", _("途中終了の理由が不明です"), "§5.6"))
    if problems:
        raise GuidanceRefused(problems)
    fresh.dropped_out_on, fresh.dropout_reason = date, reason
    fresh.save(update_fields=["dropped_out_on", "dropout_reason", "updated_at"])
    store_evaluation(fresh, today)
    sync_instance(programme, fresh)
    return programme


@transaction.atomic
def programme_exclude(
    *,
    programme: Programme,
    cause: str,
    date: dt.date,
    actor: Actor,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> Programme:
    """対象外: medication started after the checkup (再確認 .24020 code 2) or after guidance began (.24030);
    the programme leaves the guidance denominator (SPEC §5.6)."""
    today = evaluation_day(today)
    fresh = programme_claim(programme, expected_version)
    problems = closing_problems(fresh, date, today)
    if cause not in ExclusionCause.values:
        problems.append(RuleViolation.of("exclusion_cause_unknown", "cause", _("対象外の理由が不明です"), "§5.6"))
    elif cause == ExclusionCause.MEDICATION_AT_CHECKUP:
        problems.append(
            RuleViolation.of(
                "exclusion_needs_recheck",
                "cause",
                _("健診時の服薬中(再確認コード1)は保険者再確認として記録してください(健診結果を再判定します)"),
                "§5.6",
                value=cause,
            )
        )
    elif cause == ExclusionCause.MEDICATION_AFTER_GUIDANCE_START and (
        fresh.initial_on is None or date < fresh.initial_on
    ):
        problems.append(
            RuleViolation.of(
                "exclusion_before_guidance", "cause", _("保健指導開始前の服薬開始は「健診後に服薬開始」です"), "§5.6"
            )
        )
    if problems:
        raise GuidanceRefused(problems)
    set_excluded(fresh, cause, date, today)
    sync_instance(programme, fresh)
    return programme


def set_excluded(programme: Programme, cause: str, date: dt.date, today: dt.date) -> None:
    programme.excluded_cause, programme.excluded_on = cause, date
    programme.save(update_fields=["excluded_cause", "excluded_on", "updated_at"])
    store_evaluation(programme, today)


def closing_problems(programme: Programme, date: dt.date, today: dt.date) -> list[RuleViolation]:
    """Drop-out and exclusion need an open programme and a date between the exam and today (SPEC §5.6)."""
    problems = []
    if programme.status in CLOSED_STATUSES:
        problems.append(
            RuleViolation.of("programme_closed", "status", _("終了・途中終了・対象外のプログラムです"), "§5.6")
        )
    if date > today:
        problems.append(RuleViolation.of("date_in_future", "date", _("未来の日付は登録できません"), "§5.6"))
    if date < programme.checkup.exam_date:
        problems.append(RuleViolation.of("date_before_exam", "date", _("健診日より前の日付です"), "§5.1"))
    return problems
