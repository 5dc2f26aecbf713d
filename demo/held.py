"""Demo held records (SPEC §1.5): records a clinic sent that match no insured person, waiting for staff.

They come in through the real intake service (checkups.services.checkup_receive), so the queue shows what a
clinic's mistakes look like: a card number that does not exist and a birth date that differs from the roster.
"""

import datetime as dt
from typing import Any

from django.db import transaction

from checkups.codes import Source
from checkups.mhlw.document import CheckupDocument, Observation
from checkups.models import HeldRecord
from checkups.services import checkup_receive
from demo.checkups import build_items
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
    for index, person in enumerate(persons):
        wrong_card = index == 0
        document = CheckupDocument(
            insurer_number=insurer.number,
            card_symbol=person.card_symbol,
            card_number=UNKNOWN_CARD_NUMBER if wrong_card else person.card_number,
            card_branch=person.card_branch,
            name_kana=person.name_kana,
            sex=person.sex,
            birth_date=person.birth_date if wrong_card else person.birth_date + dt.timedelta(days=31 * index),
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
