"""Staff choices of a programme's level: keep or switch after a checkup correction (SPEC §5.6), and
動機付け支援相当 for a second consecutive year of 積極的支援 with improvement (SPEC §2.8)."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from infra.i18n import message
from members.actors import Actor

from ..codes import LevelDecision, ProgrammeLevel
from ..levels import pending_level_change, pending_level_loss
from ..models import LevelDecisionRecord, Programme
from ..rules import RuleViolation
from .closing import CLOSED_STATUSES
from .errors import GuidanceRefused
from .evaluation import evaluation_day, store_evaluation
from .locking import programme_claim, sync_instance


def programme_pending_level(programme: Programme) -> ProgrammeLevel | None:
    """The level the programme's (corrected) checkup now gives it, awaiting a staff decision (SPEC §5.6)."""
    checkup = programme.checkup
    return pending_level_change(
        current=programme.level,
        checkup_level=checkup.guidance_level,
        equivalent_allowed=checkup.consecutive_intensive_eligible,
        started=programme.contacts.exists(),
        decided_for=programme.level_decided_for,
    )


@transaction.atomic
def programme_decide_level(
    *,
    programme: Programme,
    decision: str,
    actor: Actor,
    user: Any = None,
    note: str = "",
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> LevelDecisionRecord:
    """Staff decide on a level change of a started programme (SPEC §5.6): keep its level, or switch to the one the
    corrected checkup gives; the contacts are kept either way and the decision is recorded."""
    fresh = programme_claim(programme, expected_version)
    offered = programme_pending_level(fresh)
    # the corrected checkup gives no level at all: staff keep the programme (or end it by a drop-out)
    lost = offered is None and pending_level_loss(
        checkup_level=fresh.checkup.guidance_level,
        started=fresh.contacts.exists(),
        decided_for=fresh.level_decided_for,
    )
    problems = []
    if offered is None and not lost:
        problems.append(
            RuleViolation.of("no_level_change", "decision", _("判断が必要な保健指導区分の変更はありません"), "§5.6")
        )
    if lost and decision == LevelDecision.SWITCH:
        problems.append(
            RuleViolation.of(
                "no_level_to_switch_to",
                "decision",
                _("修正後の健診結果には保健指導区分がありません。継続するか、途中終了を記録してください"),
                "§5.6",
                value=decision,
            )
        )
    if decision not in LevelDecision.values:
        problems.append(
            RuleViolation.of(
                "level_decision_unknown",
                "decision",
                message(_("判断 %(value)s は keep または switch です"), value=decision),
                "§5.6",
                value=decision,
            )
        )
    if problems:
        raise GuidanceRefused(problems)
    previous = ProgrammeLevel(fresh.level)
    offered = offered or previous  # a kept programme whose checkup gives no level: the record names its own
    new = offered if decision == LevelDecision.SWITCH else previous
    record = LevelDecisionRecord.objects.create(
        programme=fresh,
        decision=decision,
        previous_level=previous,
        offered_level=offered,
        checkup_guidance_level=fresh.checkup.guidance_level,
        new_level=new,
        note=note,
        decided_by=user,
        decided_by_label=actor.label[:60],
    )
    fresh.level, fresh.level_decided_for = new, fresh.checkup.guidance_level
    fresh.save(update_fields=["level", "level_decided_for", "updated_at"])
    store_evaluation(fresh, evaluation_day(today))
    sync_instance(programme, fresh)
    return record


@transaction.atomic
def programme_set_equivalent_level(
    *, programme: Programme, actor: Actor, expected_version: int | None = None, today: dt.date | None = None
) -> Programme:
    """Staff choose 動機付け支援相当 for a second consecutive year of 積極的支援 with improvement (SPEC §2.8)."""
    fresh = programme_claim(programme, expected_version)
    problems = []
    if fresh.level != ProgrammeLevel.INTENSIVE or not fresh.checkup.consecutive_intensive_eligible:
        problems.append(
            RuleViolation.of(
                "equivalent_not_eligible",
                "level",
                _("2年連続積極的支援で改善が見られる方のみ動機付け支援相当を選べます"),
                "§2.8",
            )
        )
    if fresh.status in CLOSED_STATUSES:
        problems.append(
            RuleViolation.of(
                "programme_closed", "status", pgettext_lazy("level choice", "終了したプログラムです"), "§5.6"
            )
        )
    if problems:
        raise GuidanceRefused(problems)
    fresh.level = ProgrammeLevel.MOTIVATIONAL_EQUIVALENT
    fresh.save(update_fields=["level", "updated_at"])
    store_evaluation(fresh, evaluation_day(today))
    sync_instance(programme, fresh)
    return programme
