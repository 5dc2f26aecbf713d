"""Demo held records (SPEC §1.5): records a clinic sent that match no insured person, waiting for staff.

They come in through the real intake service (intake.services.checkup_receive), so the queue shows what a
clinic's mistakes look like: a card number that does not exist, a birth date that differs from the roster, and a
record without the branch (枝番) for a card held by twins, so it matches both, and an exam after the person left
the insurer (not enrolled on the exam date, SPEC §9.5).
"""

import datetime as dt
from typing import Any

from django.db import transaction

from checkups.codes import Source
from checkups.mhlw.document import CheckupDocument, Observation
from checkups.models import HeldRecord
from demo.checkups import build_items
from demo.population import TWIN_BIRTH_DATE, TWIN_CARD, TWINS
from intake.services import checkup_receive
from members.codes import Sex
from members.fiscal import fiscal_year_of
from members.models import Clinic, InsuredPerson

VALUES = {"height": "170.2", "weight": "74.5", "bmi": "25.7", "waist": "88.0", "sys1": "128", "dia1": "82"}
ANSWERS = {1: 2, 2: 2, 3: 2, 8: 3}
UNKNOWN_CARD_NUMBER = "99999999"  # a typo on the clinic's side: no such card (no_person_match)
HELD_CLINIC_NUMBER = "9999999997"  # 架空病院 健診部 (demo.population.CLINICS) sends them


@transaction.atomic
def seed(population: Any, *, today: dt.date) -> str:
    insurer = population.insurer
    held = HeldRecord.objects.filter(insurer=insurer)
    if held.exists():
        return f"{held.count()} held records"
    clinic = Clinic.objects.filter(number=HELD_CLINIC_NUMBER).first()
    persons = list(
        InsuredPerson.objects.filter(insurer=insurer, enrollments__lost_on__isnull=True)
        .distinct()
        .order_by("card_symbol", "card_number", "card_branch")[:3]
    )
    exam_date = today - dt.timedelta(days=14)
    sent = [  # (symbol, number, branch, kana, sex, birth date)
        (
            person.card_symbol,
            UNKNOWN_CARD_NUMBER if index == 0 else person.card_number,
            person.card_branch,
            person.name_kana,
            person.sex,
            person.birth_date + dt.timedelta(days=31 * index),  # index 0: the card is wrong, not the birth date
        )
        for index, person in enumerate(persons)
    ]
    sent.append((*TWIN_CARD, "", TWINS[0][0], Sex.MALE, TWIN_BIRTH_DATE))  # no branch: several_persons
    leaver = (
        InsuredPerson.objects.filter(insurer=insurer, enrollments__lost_on__lt=exam_date)
        .exclude(enrollments__lost_on__isnull=True)
        .order_by("card_symbol", "card_number", "card_branch")
        .first()
    )
    if leaver is not None:  # a clinic that did not know the person had left: not_enrolled_on_exam_date
        p = leaver
        sent.append((p.card_symbol, p.card_number, p.card_branch, p.name_kana, p.sex, p.birth_date))
    for symbol, number, branch, kana, sex, birth_date in sent:
        document = CheckupDocument(
            insurer_number=insurer.number,
            card_symbol=symbol,
            card_number=number,
            card_branch=branch,
            name_kana=kana,
            sex=sex,
            birth_date=birth_date,
            clinic_number=clinic.number if clinic else "",
            clinic_name=clinic.name if clinic else "",
            exam_date=exam_date,
            observations=_observations(fiscal_year_of(exam_date)),
        )
        checkup_receive(insurer=insurer, document=document, source=Source.CLINIC_API, submitted_by_clinic=clinic)
    return f"{held.count()} held records"


def _observations(fiscal_year: int) -> list[Observation]:
    items = build_items(VALUES, ANSWERS, fiscal_year)
    return [Observation.from_item(code, stored) for code, stored in items.items()]
