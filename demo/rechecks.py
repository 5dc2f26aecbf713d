"""Demo 保険者再確認 of medication (SPEC §5.6): one programme with 再確認コード 1 and one with code 2.

Code 1 (on medication at the checkup) corrects the checkup and re-judges it, so the person leaves the guidance
targets; code 2 (medication started after the checkup) makes the programme 対象外. Both go through the staff
service, so the demo shows what a staff member's re-check leaves behind (record, correction history, states).
"""

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from demo.population import DEMO_STAFF_USERNAME
from guidance.codes import Medication, MedicationRecheck, ProgrammeStatus
from guidance.models import MedicationRecheckRecord, Programme
from guidance.services import programme_record_medication_recheck
from members.actors import actor_for_user
from members.fiscal import fiscal_year_of

RECHECKS = (  # (code, medication, note) — one of each code (SPEC §5.6)
    (MedicationRecheck.ON_MEDICATION_AT_CHECKUP, Medication.BLOOD_PRESSURE, "電話で確認: 健診時に降圧薬を服用中"),
    (MedicationRecheck.STARTED_AFTER_CHECKUP, Medication.LIPIDS, "レセプトで確認: 健診後に脂質異常症の薬を開始"),
)
OPEN = (ProgrammeStatus.NOT_STARTED, ProgrammeStatus.IN_PROGRESS)


@transaction.atomic
def seed(population: Any, *, today: dt.date) -> str:
    insurer = population.insurer
    if MedicationRecheckRecord.objects.filter(programme__insurer=insurer).exists():
        return _summary(insurer)  # already seeded
    staff = get_user_model().objects.filter(username=DEMO_STAFF_USERNAME).first()
    if staff is None:
        return "no demo staff user: no re-checks"
    candidates = list(
        Programme.objects.filter(insurer=insurer, fiscal_year=fiscal_year_of(today), status__in=OPEN)
        .exclude(checkup__med_blood_pressure=1)
        .select_related("checkup")
        .order_by("checkup__exam_date", "pk")[: len(RECHECKS)]
    )
    actor = actor_for_user(staff)
    for programme, (code, medication, note) in zip(candidates, RECHECKS, strict=False):
        confirmed_on = min(today, programme.checkup.exam_date + dt.timedelta(days=30))
        programme_record_medication_recheck(
            programme=programme,
            code=int(code),
            medication=medication,
            date=confirmed_on,
            actor=actor,
            user=staff,
            note=note,
            today=today,
        )
    return _summary(insurer)


def _summary(insurer: Any) -> str:
    codes = sorted(MedicationRecheckRecord.objects.filter(programme__insurer=insurer).values_list("code", flat=True))
    return f"{len(codes)} medication re-checks (codes {', '.join(map(str, codes)) or '—'})"
