"""Matching a chunk of records before storing (SPEC §1.5, §9.5; issue #13): refuse records of an unknown insurer,
of another employer's or another chosen insurer; hold those without a contract with the clinic, without a
matching person, or of a person not enrolled on the exam date; the rest are matched to their person."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from checkups.intake_types import Incoming, Outcome, rejected
from checkups.mhlw.cda import parse_cda
from checkups.mhlw.document import CheckupDocument
from checkups.mhlw.errors import ArchiveError
from checkups.mhlw.findings import finding
from checkups.mhlw.validation import RecordError
from checkups.models import HeldRecord
from infra.i18n import bilingual, message
from members.clinics import clinic_number
from members.contracts import ContractRow, insurers_with_contracts, without_contract
from members.enrollment import outside_enrollment
from members.hold_reasons import REASON_TEXTS, HoldReason
from members.matching import CardKey, PersonRow, card_key, people_by_card_with_enrollment, person_choose
from members.models import Employer, Insurer


def exam_day(document: CheckupDocument) -> dt.date:
    """The exam date of a validated record (validation refuses a record without one, SPEC §9.5)."""
    assert document.exam_date is not None
    return document.exam_date


UNKNOWN_INSURER = _("保険者番号 %(number)s の保険者は登録されていません。")
NOT_THE_EMPLOYERS_INSURER = _("保険者番号 %(number)s はこの事業所の保険者 (%(insurer)s) ではありません。")
NOT_THE_CHOSEN_INSURER = _("保険者番号 %(number)s は、取込で選択した保険者 (%(chosen)s) ではありません。")


def _unknown_insurer(number: str) -> RecordError:
    return finding("insurer_number", "unknown_insurer", number, message(UNKNOWN_INSURER, number=number))


def _wrong_insurer(number: str, employer: Employer) -> RecordError:
    text = message(NOT_THE_EMPLOYERS_INSURER, number=number, insurer=employer.insurer.number)
    return finding("insurer_number", "insurer_not_of_employer", number, text)


def _not_the_chosen_insurer(number: str, insurer: Insurer) -> RecordError:
    text = message(NOT_THE_CHOSEN_INSURER, number=number, chosen=insurer.number)
    return finding("insurer_number", "insurer_not_chosen", number, text)


def another_insurer_refusal(receiver: str, insurer: Insurer) -> ArchiveError:
    """A staff member uploads for one insurer: an archive addressed to another is refused as a whole."""
    ja, en = bilingual(
        message(
            _("このアーカイブの送付先の保険者番号 %(receiver)s は、選択した保険者 (%(chosen)s) ではありません。"),
            receiver=receiver,
            chosen=insurer.number,
        )
    )
    return ArchiveError(ja, en, "ix08_V08.xml", code="receiver_not_chosen")


def records_match(records: Sequence[Incoming]) -> tuple[list[Outcome | None], dict[int, PersonRow]]:
    """The outcome of each refused or held record (held ones stored as HeldRecord, with their HoldReason), and
    the person of each of the others, by position in `records`."""
    outcomes: list[Outcome | None] = [None] * len(records)
    insurers = insurers_with_contracts(r.document.insurer_number for r in records)  # one query
    keys: dict[int, CardKey] = {}
    for position, record in enumerate(records):
        known = insurers.get(record.document.insurer_number)
        refusal = _insurer_refusal(record, known[0] if known else None)
        if refusal is not None:
            outcomes[position] = rejected(refusal)
        else:
            insurer_id = insurers[record.document.insurer_number][0]
            keys[position] = card_key(insurer_id, record.document.card_symbol, record.document.card_number)
    no_contract = _without_contract(records, keys, dict(insurers.values()))
    matched, reasons = _match_enrolled(records, {p: key for p, key in keys.items() if p not in no_contract})
    reasons.update(dict.fromkeys(no_contract, HoldReason.NO_CONTRACT))
    held = [
        (position, _held_record(records[position], keys[position][0], reason)) for position, reason in reasons.items()
    ]
    if held:
        HeldRecord.objects.bulk_create([h for _, h in held])
        for position, record_held in held:
            outcomes[position] = Outcome(
                status="held",
                held_id=record_held.pk,
                insurer_id=record_held.insurer_id,
                reason_ja=record_held.reason_ja,
                reason_en=record_held.reason_en,
            )
    return outcomes, matched


def _insurer_refusal(record: Incoming, insurer_id: int | None) -> RecordError | None:
    """Unknown insurer, not the sending employer's, or not the one a staff member chose: refused."""
    number, employer = record.document.insurer_number, record.submitted_by_employer
    if insurer_id is None:
        return _unknown_insurer(number)
    if employer is not None and employer.insurer_id != insurer_id:
        return _wrong_insurer(number, employer)
    if record.for_insurer is not None and record.for_insurer.pk != insurer_id:
        return _not_the_chosen_insurer(number, record.for_insurer)
    return None


def _without_contract(
    records: Sequence[Incoming], keys: dict[int, CardKey], contracts: dict[int, list[ContractRow]]
) -> set[int]:
    """Records a clinic sent for an insurer that has no contract with the clinic on the exam date (issue #13);
    `contracts`: each insurer's, by insurer id."""
    return without_contract(
        {
            p: (key[0], _performing_clinic(records[p]), records[p].document.exam_date)
            for p, key in keys.items()
            if records[p].submitted_by_clinic is not None
        },
        contracts,
    )


def _performing_clinic(record: Incoming) -> str:
    """The 健診実施機関 the contract is with: the record's clinic, else the sending clinic."""
    doc, sender = record.document, record.submitted_by_clinic
    return clinic_number(doc.clinic_number, doc.author_org_number) or (sender.number if sender else "")


def _match_enrolled(
    records: Sequence[Incoming], keys: dict[int, CardKey]
) -> tuple[dict[int, PersonRow], dict[int, HoldReason]]:
    """The person of each record (SPEC §1.5), enrolled on the exam date (SPEC §9.5), or why it is held."""
    candidates, periods = people_by_card_with_enrollment(keys.values())
    matched: dict[int, PersonRow] = {}
    reasons: dict[int, HoldReason] = {}
    for position, key in keys.items():
        doc = records[position].document
        person, reason = person_choose(
            candidates.get(key, []), card_branch=doc.card_branch, birth_date=doc.birth_date, sex=doc.sex
        )
        if person is not None and reason is None:
            matched[position] = person
        else:
            reasons[position] = reason or HoldReason.NO_PERSON_MATCH
    # a person not enrolled on the exam date is held for staff, never counted silently
    visits = {p: (person.pk, records[p].document.exam_date) for p, person in matched.items()}
    for position in outside_enrollment(visits, periods):
        del matched[position]
        reasons[position] = HoldReason.NOT_ENROLLED_ON_EXAM_DATE
    return matched, reasons


def _held_record(record: Incoming, insurer_id: int, reason: HoldReason) -> HeldRecord:
    reason_ja, reason_en = REASON_TEXTS[reason]
    return HeldRecord(
        insurer_id=insurer_id,
        submitted_by_clinic=record.submitted_by_clinic,
        submitted_by_employer=record.submitted_by_employer,
        source=record.source,
        document={**_document_json(record), "missing_items": list(record.missing_items)},
        exam_date=exam_day(record.document),
        reason=reason,
        reason_ja=reason_ja,
        reason_en=reason_en,
    )


def _document_json(record: Incoming) -> dict[str, Any]:
    """The record's document as stored JSON; a record prepared in a worker process is parsed again from its file
    (the worker kept the observations: see `intake.records.prepare_chunk_slim`)."""
    document = parse_cda(record.read_file()) if record.read_file is not None else record.document
    return document.to_json()
