"""One record through the one store path (SPEC §1.5, §9.5, issue #12): a batch of one through
`intake.store` — matched to a person enrolled on the exam date and stored, or held for staff review; a held
record linked by staff is stored the same way for the person they chose. The store path then chooses the
counted checkup of the year and judges the person's checkups with the programmes following."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from checkups.intake_types import Incoming, Outcome
from checkups.mhlw.document import CheckupDocument
from checkups.mhlw.validation import RecordError
from checkups.models import Checkup, HeldRecord
from checkups.resends import Sender
from members.matching import PersonRow
from members.models import Clinic, Employer, InsuredPerson, Insurer

from .store import checkups_receive_many, checkups_store_matched


@dataclass(frozen=True)
class StoreResult:
    checkup: Checkup | None
    held: HeldRecord | None
    created: bool


class RecordRefused(ValueError):
    """A record the store path rejects (e.g. an insurer number that is not the receiving insurer's)."""

    def __init__(self, errors: Sequence[RecordError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.code}" for e in errors))
        self.errors = list(errors)


def _incoming(
    document: CheckupDocument,
    source: str,
    submitted_by_clinic: Clinic | None,
    submitted_by_employer: Employer | None,
    missing_items: Sequence[dict[str, Any]],
    sender: Sender | None = None,
) -> Incoming:
    return Incoming(
        document=document,
        source=source,
        submitted_by_clinic=submitted_by_clinic,
        submitted_by_employer=submitted_by_employer,
        missing_items=list(missing_items),
        sender=sender,
    )


def _result(outcome: Outcome) -> StoreResult:
    if outcome.status == "held" and outcome.held_id is not None:
        return StoreResult(checkup=None, held=HeldRecord.objects.get(pk=outcome.held_id), created=False)
    if outcome.status != "accepted" or outcome.checkup_id is None:
        raise RecordRefused(outcome.errors)
    return StoreResult(checkup=Checkup.objects.get(pk=outcome.checkup_id), held=None, created=outcome.created)


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
    """One record through the one store path (a batch of one, `checkups_receive_many`): matched to a person
    enrolled on the exam date (SPEC §1.5, §9.5) and stored, or held for staff review; a record addressed to
    another insurer than `insurer` is refused (`RecordRefused`)."""
    record = _incoming(document, source, submitted_by_clinic, submitted_by_employer, missing_items)
    record.for_insurer = insurer
    [outcome] = checkups_receive_many([record])
    return _result(outcome)


@transaction.atomic
def checkup_store(
    *,
    person: InsuredPerson,
    document: CheckupDocument,
    source: str,
    submitted_by_clinic: Clinic | None = None,
    submitted_by_employer: Employer | None = None,
    missing_items: Sequence[dict[str, Any]] = (),
    sender: Sender | None = None,
) -> tuple[Checkup, bool]:
    """Store one exam of a known person (staff chose them) through the one store path: one record per person,
    exam date and programme; a re-send is a correction kept in the history; judged, counted checkup chosen and
    programmes following, as every received record."""
    record = _incoming(document, source, submitted_by_clinic, submitted_by_employer, missing_items, sender)
    outcome = checkups_store_matched([record], {0: PersonRow.of(person)})[0]
    result = _result(outcome)
    assert result.checkup is not None  # a record of a known person is always stored
    return result.checkup, result.created


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
    sender = Sender(
        label=f"user:{user.pk}" if getattr(user, "pk", None) else "command",
        clinic=held.submitted_by_clinic,
        employer=held.submitted_by_employer,
        user=user,
    )
    checkup, _ = checkup_store(
        person=person,
        document=document,
        source=held.source,
        submitted_by_clinic=held.submitted_by_clinic,
        submitted_by_employer=held.submitted_by_employer,
        missing_items=missing,
        sender=sender,  # linking over a stored exam is a correction by the staff member, kept in its history
    )
    held.status, held.checkup = HeldRecord.Status.LINKED, checkup
    held.resolved_by, held.resolved_at = user, timezone.now()
    held.save()
    return checkup
