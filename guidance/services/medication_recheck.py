"""保険者再確認 of medication (SPEC §5.6): the programme becomes 対象外 and the checkup is corrected through its
history (guidance.checkup_corrections, the programmes following), so a code 1 checkup is re-judged (SPEC §2.5a)."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from checkups.questionnaire import questions_for
from infra.i18n import message
from members.actors import Actor

from ..checkup_corrections import checkup_correct_item
from ..codes import Medication, MedicationRecheck
from ..models import MedicationRecheckRecord, Programme
from ..recheck import MEDICATION_YES, RECHECK_EFFECTS, RECHECK_ITEMS
from ..rules import RuleViolation
from .closing import closing_problems, set_excluded
from .errors import GuidanceRefused
from .evaluation import evaluation_day
from .locking import programme_claim, sync_instance


@transaction.atomic
def programme_record_medication_recheck(
    *,
    programme: Programme,
    code: int,
    medication: str,
    date: dt.date,
    actor: Actor,
    user: Any,
    note: str = "",
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> MedicationRecheckRecord:
    """保険者再確認 of medication (再確認コード OID .24020, SPEC §5.6), recorded by insurer staff.

    Code 1: the checkup's answer to the medication question becomes はい and its 保険者再確認 item 1, both through
    the checkup correction (kept in its history), and the checkup is re-judged (SPEC §2.5a: 情報提供, 服薬中),
    so it leaves the guidance targets; the programme is kept as 対象外 (cause 健診時服薬中) before the correction,
    so its contacts stay. Code 2: the 保険者再確認 item becomes 2 and the programme 対象外 (健診後に服薬開始).
    """
    today = evaluation_day(today)
    fresh = programme_claim(programme, expected_version)
    problems = closing_problems(fresh, date, today)
    effect = RECHECK_EFFECTS.get(MedicationRecheck(code)) if code in MedicationRecheck.values else None
    if effect is None:
        problems.append(
            RuleViolation.of(
                "recheck_code_unknown",
                "code",
                message(_("再確認コード %(code)s は 1 または 2 です"), code=code),
                "§5.6",
                value=code,
            )
        )
    if medication not in Medication.values:
        problems.append(
            RuleViolation.of(
                "recheck_medication_unknown",
                "medication",
                message(_("服薬の種類 %(value)s は blood_pressure・glucose・lipids のいずれかです"), value=medication),
                "§5.6",
                value=medication,
            )
        )
    if user is None:  # the checkup's correction history names a person (checkups.CheckupCorrection)
        problems.append(
            RuleViolation.of(
                "recheck_requires_staff_user",
                "actor",
                _("保険者再確認は保険者の職員(ログインした利用者)が記録します"),
                "§5.6",
            )
        )
    if problems:
        raise GuidanceRefused(problems)
    assert effect is not None
    checkup = fresh.checkup
    record = MedicationRecheckRecord.objects.create(
        programme=fresh,
        checkup=checkup,
        code=code,
        medication=medication,
        confirmed_on=date,
        note=note,
        recorded_by=user,
        recorded_by_label=actor.label[:60],
    )
    set_excluded(fresh, effect.exclusion_cause, date, today)
    column, recheck_item = RECHECK_ITEMS[Medication(medication)]
    reason = f"保険者再確認 コード{code} ({date:%Y-%m-%d})"
    if effect.corrects_checkup:
        question = next(q for q in questions_for(checkup.fiscal_year) if q.field == column)
        checkup = checkup_correct_item(
            checkup=checkup, item_code=question.item_code, value=MEDICATION_YES, reason=reason, user=user
        )
    checkup_correct_item(checkup=checkup, item_code=recheck_item, value=str(code), reason=reason, user=user)
    fresh.refresh_from_db()
    sync_instance(programme, fresh)
    return record
