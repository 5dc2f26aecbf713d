"""Applying a roster: preview (decode, validate, plan, keep the file), confirm, and the bulk write itself."""

import datetime as dt
import hashlib

from django.db import transaction
from django.utils import timezone

from ..models import Employer, Enrollment, InsuredPerson, Insurer, PersonChange, RosterImport
from .columns import PERSON_FIELDS, RosterRejected
from .parsing import parse_roster
from .planning import RosterPlan, desired_fields, jsonable, plan_roster
from .reading import decode_roster


@transaction.atomic
def roster_apply(*, plan: RosterPlan, insurer: Insurer, roster_import: RosterImport) -> RosterImport:
    """Write the plan in bulk; history rows for every changed person and enrollment."""
    Employer.objects.bulk_create([Employer(insurer=insurer, code=code, name=code) for code in plan.new_employer_codes])
    employers = dict(Employer.objects.filter(insurer=insurer).values_list("code", "pk"))
    InsuredPerson.objects.bulk_create(
        [
            InsuredPerson(
                insurer=insurer,
                card_symbol=r.card[0],
                card_number=r.card[1],
                card_branch=r.card[2],
                **desired_fields(r, employers),
            )
            for r in plan.new_persons
        ],
        batch_size=2000,
    )
    if plan.changed_persons:
        people = InsuredPerson.objects.in_bulk([pk for pk, _ in plan.changed_persons])
        for pk, changes in plan.changed_persons:
            for name, (_, new) in changes.items():
                setattr(people[pk], name, dt.date.fromisoformat(str(new)) if name == "birth_date" else new)
        InsuredPerson.objects.bulk_update(people.values(), list(PERSON_FIELDS), batch_size=2000)
    person_ids = {
        (p.card_symbol, p.card_number, p.card_branch): p.pk
        for p in InsuredPerson.objects.filter(
            insurer=insurer, card_number__in={card[1] for card, _, _ in plan.new_enrollments}
        )
    }
    Enrollment.objects.bulk_create(
        [Enrollment(person_id=person_ids[card], acquired_on=a, lost_on=lost) for card, a, lost in plan.new_enrollments],
        batch_size=2000,
    )
    if plan.changed_enrollments:
        by_pk = Enrollment.objects.in_bulk([pk for pk, *_ in plan.changed_enrollments])
        for pk, _, _, new_lost in plan.changed_enrollments:
            by_pk[pk].lost_on = new_lost
        Enrollment.objects.bulk_update(by_pk.values(), ["lost_on"])
    history = [PersonChange(person_id=pk, roster_import=roster_import, changes=c) for pk, c in plan.changed_persons]
    history += [
        PersonChange(
            person_id=person_pk,
            roster_import=roster_import,
            changes={"lost_on": [jsonable(old), jsonable(new)]},
        )
        for _, person_pk, old, new in plan.changed_enrollments
    ]
    PersonChange.objects.bulk_create(history)
    roster_import.status = RosterImport.Status.APPLIED
    roster_import.applied_at = timezone.now()
    roster_import.row_count = len(plan.rows)
    roster_import.created_count = len(plan.new_persons)
    roster_import.updated_count = len(plan.changed_persons)
    roster_import.unchanged_count = plan.unchanged_count
    roster_import.save()
    return roster_import


def roster_prepare(
    *,
    data: bytes,
    file_name: str,
    insurer: Insurer,
    uploaded_by_id: int | None = None,
    today: dt.date | None = None,
) -> tuple[RosterImport, RosterPlan | None]:
    """Decode, validate and plan a file; a valid one is stored as a previewed RosterImport."""
    today = today or timezone.localdate()
    record = RosterImport(
        insurer=insurer,
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        uploaded_by_id=uploaded_by_id,
    )
    try:
        text, record.encoding = decode_roster(data)
        rows = parse_roster(text, insurer_number=insurer.number, today=today)
    except RosterRejected as rejected:
        record.status = RosterImport.Status.REJECTED
        record.errors = [e.as_dict() for e in rejected.errors]
        record.encoding = record.encoding or "unknown"
        return record, None  # a rejected file writes nothing, not even its import record
    plan = plan_roster(rows, insurer=insurer)
    record.row_count = len(rows)
    record.created_count = len(plan.new_persons)
    record.updated_count = len(plan.changed_persons)
    record.unchanged_count = plan.unchanged_count
    record.save()
    return record, plan


def roster_confirm(*, roster_import: RosterImport, today: dt.date | None = None) -> RosterImport:
    """Apply a previewed file (re-planned against the database as it is now)."""
    if roster_import.status != RosterImport.Status.PREVIEWED:
        raise ValueError("only a previewed roster import can be applied")
    text, _ = decode_roster(bytes(roster_import.content))
    rows = parse_roster(text, insurer_number=roster_import.insurer.number, today=today or timezone.localdate())
    plan = plan_roster(rows, insurer=roster_import.insurer)
    return roster_apply(plan=plan, insurer=roster_import.insurer, roster_import=roster_import)
