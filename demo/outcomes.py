"""Demo step (seed_demo): the year after guidance, so the 見える化 page shows real shapes (SPEC §6.7).

The checkups demo draws each year's values independently; this step, run after the guidance demo, moves the
next-year waist and weight of last year's guidance targets who had a checkup again: completers keep most of what
their final evaluation showed (a little regained), targets who never started drift up a little. The checkups are
then judged again through the real rules (`checkups_judge`, which syncs their programmes); where the next year's
programme has already started its contacts move with the baseline, so its changes and points stay what they were,
and it keeps its level (a started programme never changes level silently, SPEC §5.6).
"""

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction

from checkups.items import NUMERIC_ITEMS, WAIST_ITEMS, columns_from_items
from checkups.models import Checkup
from guidance.codes import ContactKind, ProgrammeStatus
from guidance.models import Contact, Programme
from guidance.services import programmes_refresh
from intake.services import checkups_judge
from members.fiscal import fiscal_year_of

WEIGHT_ITEM = NUMERIC_ITEMS["weight_kg"][0]
KEPT_SHARE = (0.5, 0.9)  # completers keep 50–90 % of the loss measured at the final evaluation
DRIFT_CM_KG = (0.4, 0.3)  # targets who never started: mean waist +0.4 cm, weight +0.3 kg a year
DRIFT_SD_CM_KG = (0.5, 0.45)  # person-to-person spread of that drift (small: the demo has ~25 such people)
TENTH = Decimal("0.1")


def _set(checkup: Checkup, *, waist: Decimal | None, weight: Decimal | None) -> None:
    items = dict(checkup.items)
    if weight is not None and WEIGHT_ITEM in items:
        items[WEIGHT_ITEM] = {**items[WEIGHT_ITEM], "value": str(weight)}
    waist_code = next((code for code, _method in WAIST_ITEMS if code in items), None)
    if waist is not None and waist_code is not None:
        items[waist_code] = {**items[waist_code], "value": str(waist)}
    columns = columns_from_items(items, fiscal_year=checkup.fiscal_year)
    checkup.items = items
    checkup.weight_kg, checkup.waist_cm = columns["weight_kg"], columns["waist_cm"]


def _changes(programme: Programme, final: Contact | None, rng: random.Random) -> tuple[Decimal, Decimal]:
    """(waist change, weight change) from this year's checkup to next year's."""
    exam = programme.checkup
    if programme.status == ProgrammeStatus.COMPLETED and final is not None and exam.waist_cm and exam.weight_kg:
        kept = Decimal(str(rng.uniform(*KEPT_SHARE)))
        waist = (Decimal(final.waist_cm or exam.waist_cm) - exam.waist_cm) * kept
        weight = (Decimal(final.weight_kg or exam.weight_kg) - exam.weight_kg) * kept
        return waist.quantize(TENTH), weight.quantize(TENTH)
    (drift_cm, drift_kg), (sd_cm, sd_kg) = DRIFT_CM_KG, DRIFT_SD_CM_KG
    return Decimal(str(round(rng.gauss(drift_cm, sd_cm), 1))), Decimal(str(round(rng.gauss(drift_kg, sd_kg), 1)))


def _delta(new: Decimal | None, old: Decimal | None) -> Decimal:
    return Decimal(0) if new is None or old is None else new - old


@transaction.atomic
def seed(population: Any, *, today: dt.date) -> str:
    rng = random.Random(20260407)
    insurer = population.insurer
    year = fiscal_year_of(today) - 1  # the last closed year (FY2025 in FY2026)
    programmes = list(
        Programme.objects.filter(insurer=insurer, fiscal_year=year)
        .exclude(status=ProgrammeStatus.EXCLUDED)
        .select_related("checkup")
        .order_by("pk")
    )
    chosen = [p for p in programmes if p.status == ProgrammeStatus.COMPLETED or p.initial_on is None]
    finals = {
        c.programme_id: c
        for c in Contact.objects.filter(programme__in=chosen, kind=ContactKind.FINAL).order_by("date", "pk")
    }
    following = {
        c.person_id: c
        for c in Checkup.objects.filter(insurer=insurer, fiscal_year=year + 1, counts_for_fiscal_year=True)
    }
    changed, moved = [], {}
    for programme in chosen:
        after = following.get(programme.person_id)
        exam = programme.checkup
        if after is None or exam.waist_cm is None or exam.weight_kg is None:
            continue
        waist_change, weight_change = _changes(programme, finals.get(programme.pk), rng)
        old_waist, old_weight = after.waist_cm, after.weight_kg
        _set(after, waist=exam.waist_cm + waist_change, weight=exam.weight_kg + weight_change)
        changed.append(after)
        moved[after.pk] = (_delta(after.waist_cm, old_waist), _delta(after.weight_kg, old_weight))
    Checkup.objects.bulk_update(changed, ["items", "waist_cm", "weight_kg"], batch_size=500)
    contacts = list(Contact.objects.filter(programme__checkup_id__in=list(moved)).select_related("programme"))
    for contact in contacts:
        waist_delta, weight_delta = moved[contact.programme.checkup_id]
        contact.waist_cm = None if contact.waist_cm is None else contact.waist_cm + waist_delta
        contact.weight_kg = None if contact.weight_kg is None else contact.weight_kg + weight_delta
    Contact.objects.bulk_update(contacts, ["waist_cm", "weight_kg"], batch_size=500)
    checkups_judge(checkup_ids=[c.pk for c in changed])  # the real rules: levels and programmes follow
    programmes_refresh(programme_ids={c.programme_id for c in contacts}, today=today)
    completers = sum(1 for p in chosen if p.status == ProgrammeStatus.COMPLETED and p.person_id in following)
    return f"FY{year + 1} checkups of FY{year}'s targets: {len(changed)} moved ({completers} completers)"
