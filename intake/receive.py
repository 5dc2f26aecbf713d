"""One record through the service path (SPEC §1.5, §9.5): match it to a person enrolled on the exam date and
store it, or hold it for staff review; a held record linked by staff is stored the same way. Every path then
chooses the counted checkup of the year and judges the person's checkups with the programmes following."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from checkups.items import columns_from_items
from checkups.judging import checkups_choose_counted
from checkups.mhlw.document import CheckupDocument
from checkups.models import Checkup, HeldRecord
from members.age_basis import age_basis
from members.clinics import clinic_number, clinics_for
from members.contracts import without_contract
from members.enrollment import not_enrolled
from members.fiscal import fiscal_year_of
from members.hold_reasons import HoldReason
from members.matching import held_match, person_match
from members.models import Clinic, Employer, InsuredPerson, Insurer

from .judging import checkups_judge
from .matching import exam_day

_MODEL_FIELDS = {f.name for f in Checkup._meta.get_fields()}


@dataclass(frozen=True)
class StoreResult:
    checkup: Checkup | None
    held: HeldRecord | None
    created: bool


def _clinic_for(document: CheckupDocument) -> Clinic | None:
    number = clinic_number(document.clinic_number, document.author_org_number)
    return clinics_for([(number, document.clinic_name)]).get(number or "")


@transaction.atomic
def checkup_receive(
    *,
    insurer: Insurer,
    document: CheckupDocument,
    source: str,
    submitted_by_clinic: Clinic | None = None,
    submitted_by_employer: Employer | None = None,
    missing_items: Sequence[dict[str, Any]] = (),
) -> StoreResult:
    """Match the record to a person enrolled on the exam date (SPEC §1.5, §9.5) and store it, or hold it for
    staff review."""
    match = person_match(
        insurer=insurer,
        card_symbol=document.card_symbol,
        card_number=document.card_number,
        card_branch=document.card_branch,
        birth_date=document.birth_date,
        sex=document.sex,
    )
    performing = clinic_number(document.clinic_number, document.author_org_number)
    if submitted_by_clinic is not None and without_contract(
        {0: (insurer.pk, performing or submitted_by_clinic.number, document.exam_date)}
    ):
        match = held_match(HoldReason.NO_CONTRACT)  # issue #13: the insurer has no contract with the clinic
    elif match.person is not None and not_enrolled({0: (match.person.pk, document.exam_date)}):
        match = held_match(HoldReason.NOT_ENROLLED_ON_EXAM_DATE)  # SPEC §9.5: never counted silently
    if match.person is None:
        held = HeldRecord.objects.create(
            insurer=insurer,
            submitted_by_clinic=submitted_by_clinic,
            submitted_by_employer=submitted_by_employer,
            source=source,
            document={**document.to_json(), "missing_items": list(missing_items)},
            exam_date=exam_day(document),
            reason=match.reason,
            reason_ja=match.reason_ja,
            reason_en=match.reason_en,
        )
        return StoreResult(checkup=None, held=held, created=False)
    checkup, created = checkup_store(
        person=match.person,
        document=document,
        source=source,
        submitted_by_clinic=submitted_by_clinic,
        submitted_by_employer=submitted_by_employer,
        missing_items=missing_items,
    )
    return StoreResult(checkup=checkup, held=None, created=created)


@transaction.atomic
def checkup_store(
    *,
    person: InsuredPerson,
    document: CheckupDocument,
    source: str,
    submitted_by_clinic: Clinic | None = None,
    submitted_by_employer: Employer | None = None,
    missing_items: Sequence[dict[str, Any]] = (),
) -> tuple[Checkup, bool]:
    """Store one exam (one record per person, exam date and program; a re-send replaces it) and judge it."""
    exam_date = exam_day(document)
    fiscal_year = fiscal_year_of(exam_date)
    items = document.items_dict()
    columns = {k: v for k, v in columns_from_items(items, fiscal_year=fiscal_year).items() if k in _MODEL_FIELDS}
    checkup, created = Checkup.objects.update_or_create(
        person=person,
        exam_date=exam_date,
        program=document.program,
        defaults={
            "insurer_id": person.insurer_id,
            "clinic": _clinic_for(document),
            "submitted_by_clinic": submitted_by_clinic,
            "submitted_by_employer": submitted_by_employer,
            "fiscal_year": fiscal_year,
            "age_at_fy_end": age_basis(person.birth_date, fiscal_year),  # SPEC §1.2
            "source": source,
            "items": items,
            "is_complete": not missing_items,
            "missing_items": list(missing_items),
            "counts_for_fiscal_year": False,  # decided below, among all of the person's checkups of the year
            **columns,
        },
    )
    checkups_choose_counted(person_ids=[person.pk], fiscal_years=[fiscal_year])
    # Re-judge the person's other checkups this year (the counted one may have changed, and with it which one
    # carries a guidance programme) and next year's (its 2-consecutive-years flag reads this year's, SPEC §2.8).
    for year in (fiscal_year, fiscal_year + 1):  # in order: next year's flag reads this year's fresh level
        related = Checkup.objects.filter(person=person, fiscal_year=year).values_list("pk", flat=True)
        if ids := list(related):
            checkups_judge(checkup_ids=ids)
    checkup.refresh_from_db()
    return checkup, created


@transaction.atomic
def held_record_link(*, held: HeldRecord, person: InsuredPerson, user: Any) -> Checkup:
    """Staff link a held record to a person; it is then processed like any received record."""
    if held.status != HeldRecord.Status.HELD:
        raise ValueError("this record was already resolved")
    if person.insurer_id != held.insurer_id:
        raise ValueError("the person belongs to another insurer")
    data = dict(held.document)
    missing = data.pop("missing_items", [])
    document = CheckupDocument.from_json(data)
    checkup, _ = checkup_store(
        person=person,
        document=document,
        source=held.source,
        submitted_by_clinic=held.submitted_by_clinic,
        submitted_by_employer=held.submitted_by_employer,
        missing_items=missing,
    )
    held.status, held.checkup = HeldRecord.Status.LINKED, checkup
    held.resolved_by, held.resolved_at = user, timezone.now()
    held.save()
    return checkup
