"""Storing records in bulk (SPEC §1.5, §6.1, §9.5): match, hold, refuse or store a chunk of records, judge the new
ones in memory and the rest through the service path, then the programmes of new checkups. One JSON record is a
chunk of one through the same path (issue #12)."""

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from checkups.intake_types import Incoming, Outcome, rejected
from checkups.items import columns_from_items
from checkups.judging import checkups_choose_counted
from checkups.models import Checkup, CheckupCorrection
from checkups.resends import CREATED, UNCHANGED, UPDATED, ItemChange, Sender, item_changes, resend_corrections
from checkups.store_warnings import StoredFacts, stored_facts_for, stored_warnings
from guidance.services import programmes_create_for_new_checkups
from infra.bulk import RawJson, insert_new, update_objects
from members.age_basis import age_basis
from members.clinics import clinic_number, clinics_for
from members.fiscal import fiscal_year_of
from members.matching import PersonRow
from members.models import Clinic

from .chunk_history import ChunkHistory, ExamKey, Existing, chunk_history
from .judge_new import checkup_instance, judge_new_in_memory
from .judging import checkups_judge
from .matching import exam_day, records_match

_STORED_FIELDS = {f.name for f in Checkup._meta.get_fields()}
# written again when a re-sent exam changes: all but the exam's identity and creation time
_UPDATE_FIELDS = [
    f.name
    for f in Checkup._meta.concrete_fields
    if f.name not in ("id", "person", "exam_date", "program", "created_at") and not f.primary_key
]


def checkups_receive_many(records: Sequence[Incoming]) -> list[Outcome]:
    """Match and store many validated records at once (bulk variant of `intake.receive.checkup_receive`).

    Same behaviour per record: unknown insurer → rejected; no matching person, or one not enrolled on the exam
    date (SPEC §9.5) → HeldRecord with its HoldReason; else the exam is
    stored (a re-send of the same person, exam date and programme is a correction: unchanged, or updated with its
    changes kept in the history), the counted checkup of the year is chosen and the record is judged. Runs
    inside the caller's transaction.
    """
    outcomes, matched = records_match(records)
    if matched:
        for position, outcome in checkups_store_matched(records, matched).items():
            outcomes[position] = outcome
    return [o if o is not None else rejected() for o in outcomes]


@dataclass
class _Chunk:
    """What storing a chunk's matched records decides, step by step."""

    exam_key: dict[int, ExamKey]  # position → the exam it stores
    history: ChunkHistory  # the persons' stored checkups around the chunk's years (one query)
    existing: dict[ExamKey, Existing]
    results: dict[int, tuple[str, list[ItemChange]]] = field(default_factory=dict)  # created/updated/unchanged
    objects: dict[ExamKey, Checkup] = field(default_factory=dict)  # the last record of a person-exam wins
    resent: list[tuple[ExamKey, Incoming, list[ItemChange]]] = field(default_factory=list)
    judgments: dict[ExamKey, dict[str, Any] | None] = field(default_factory=dict)


def checkups_store_matched(records: Sequence[Incoming], matched: dict[int, PersonRow]) -> dict[int, Outcome]:
    """Store the records whose person is known (`matched`: position → person), in bulk. A record of a stored exam
    (same person, exam date and programme) is a correction (issue #13): identical items → nothing written;
    other items → the checkup is updated, each changed item kept in its history with the sender, and re-judged
    (a started programme whose level changes then asks staff, SPEC §5.6)."""
    clinics = _clinics(records[p] for p in matched)
    exam_key = {
        p: (person.pk, exam_day(records[p].document), records[p].document.program) for p, person in matched.items()
    }
    history = chunk_history(exam_key.values())
    chunk = _Chunk(exam_key=exam_key, history=history, existing=history.exams)
    _compare_and_build(chunk, records, matched, clinics)
    judged = _write(chunk, matched)
    _judge_the_rest(chunk, judged)
    if judged:  # inserted just now, already judged and counted: their programmes straight from the instances
        programmes_create_for_new_checkups(
            checkups=judged, birth_dates={person.pk: person.birth_date for person in matched.values()}
        )
    return _outcomes(chunk, matched, judged)


def _compare_and_build(
    chunk: _Chunk, records: Sequence[Incoming], matched: dict[int, PersonRow], clinics: dict[str, Clinic]
) -> None:
    """Created, updated (with its changes) or unchanged, each record against the stored exam or the chunk's
    previous record of it; a checkup instance for every record that writes something."""
    latest: dict[ExamKey, Incoming] = {}  # the chunk's last record of each exam, compared with the next one
    for position, person in matched.items():
        record, key = records[position], chunk.exam_key[position]
        before = _items(latest[key]) if key in latest else chunk.existing[key][1] if key in chunk.existing else None
        if before is None:
            chunk.results[position] = (CREATED, [])
        elif changes := item_changes(before, _items(record)):
            chunk.results[position] = (UPDATED, changes)
            chunk.resent.append((key, record, changes))
        elif key not in latest and key in chunk.existing and chunk.existing[key][3] != list(record.missing_items):
            chunk.results[position] = (UPDATED, [])  # the same items judged (in)complete otherwise: written again
        else:
            chunk.results[position] = (UNCHANGED, [])
            continue  # an identical re-send writes nothing
        latest[key] = record
        doc = record.document
        clinic = clinics.get(clinic_number(doc.clinic_number, doc.author_org_number) or "")
        chunk.objects[key] = _checkup_of(record, person, chunk.existing.get(key), clinic)
        chunk.judgments[key] = record.judgment  # carried to the judging step (`judge_new_in_memory`)


def _checkup_of(record: Incoming, person: PersonRow, existing: Existing | None, clinic: Clinic | None) -> Checkup:
    """The checkup a record stores (a new instance; `existing`: the stored exam it corrects)."""
    doc = record.document
    fiscal_year = fiscal_year_of(exam_day(doc))
    # items already serialised (e.g. in a worker) are stored as that text, decoded only where a dict is needed
    items = RawJson(record.items_json) if record.items_json else _items(record)
    columns = record.columns
    if columns is None:
        columns = columns_from_items(_items(record), fiscal_year=fiscal_year)
    clinic_sender, employer_sender = record.submitted_by_clinic, record.submitted_by_employer
    return checkup_instance(
        {
            **{k: v for k, v in columns.items() if k in _STORED_FIELDS},
            "id": existing[0] if existing else None,
            "person_id": person.pk,
            "insurer_id": person.insurer_id,
            "clinic_id": clinic.pk if clinic is not None else None,
            "submitted_by_clinic_id": clinic_sender.pk if clinic_sender else None,
            "submitted_by_employer_id": employer_sender.pk if employer_sender else None,
            "exam_date": doc.exam_date,
            "program": doc.program,
            "fiscal_year": fiscal_year,
            "age_at_fy_end": age_basis(person.birth_date, fiscal_year),  # SPEC §1.2
            "source": record.source,
            "items": items,
            "is_complete": not record.missing_items,
            "missing_items": list(record.missing_items),
            # decided below among all of the person's checkups of the year; a re-sent exam keeps its flag
            # meanwhile (one counted exam per person-year either way), so an unchanged choice writes nothing
            "counts_for_fiscal_year": existing[2] if existing else False,
        }
    )


def _write(chunk: _Chunk, matched: dict[int, PersonRow]) -> list[Checkup]:
    """Judge the new checkups in memory, insert them, update the re-sent ones, keep each change in the history;
    returns the checkups judged here (the others are judged after writing, `_judge_the_rest`)."""
    new = [c for c in chunk.objects.values() if c.pk is None]
    old = [c for c in chunk.objects.values() if c.pk is not None]
    sexes = {person.pk: person.sex for person in matched.values()}
    judged = judge_new_in_memory(
        new,
        sexes,
        chunk_keys={(c.person_id, c.fiscal_year) for c in chunk.objects.values()},
        judgments=chunk.judgments,
        history=chunk.history,
    )
    insert_new(Checkup, new)
    if old:
        now = timezone.now()
        for checkup in old:
            checkup.updated_at = now
        update_objects(Checkup, old, _UPDATE_FIELDS)
    if chunk.resent:
        CheckupCorrection.objects.bulk_create(
            [
                correction
                for key, record, changes in chunk.resent
                for correction in resend_corrections(chunk.objects[key].pk, changes, _sender(record))
            ]
        )
    return judged


def _judge_the_rest(chunk: _Chunk, judged: list[Checkup]) -> None:
    """Re-sends, several exams of a person in a year, last year's exam in the same chunk: the service path; then
    next year's checkups, which read this year's level (2 consecutive years of 積極的支援, SPEC §2.8)."""
    simple = {c.pk for c in judged}
    rest = [c for c in chunk.objects.values() if c.pk not in simple]
    if rest:
        changed = checkups_choose_counted(
            person_ids={c.person_id for c in rest}, fiscal_years={c.fiscal_year for c in rest}
        )
        # as checkup_store: a checkup of an earlier upload that stopped (or started) counting is judged
        # again, so its not-started programme goes (or comes) with it
        checkups_judge(checkup_ids=[*{c.pk for c in rest}, *changed])
    if following := _following_year_checkups(chunk.objects.values(), chunk.history):
        checkups_judge(checkup_ids=following)


def _outcomes(chunk: _Chunk, matched: dict[int, PersonRow], judged: list[Checkup]) -> dict[int, Outcome]:
    """Each matched record's outcome, with the warnings of its stored checkup (issue #13: stored, but tell the
    sender). A checkup judged here before it was written is its person's only exam of the year, so it counts: its
    facts are the instance's; the others are read as stored."""
    objects, existing = chunk.objects, chunk.existing
    checkup_ids = {key: objects[key].pk if key in objects else existing[key][0] for key in chunk.exam_key.values()}
    facts = {checkup.pk: _judged_facts(checkup) for checkup in judged}
    facts |= stored_facts_for(set(checkup_ids.values()) - facts.keys())
    outcomes = {}
    for position, key in chunk.exam_key.items():
        result, changes = chunk.results[position]
        stored = facts[checkup_ids[key]]
        outcomes[position] = Outcome(
            status="accepted",
            checkup_id=checkup_ids[key],
            insurer_id=matched[position].insurer_id,
            created=result == CREATED,
            result=result,
            changes=[change.to_json() for change in changes],
            warnings=stored_warnings(stored),
            guidance_level=stored.guidance_level,
            metabolic_judgment=stored.metabolic_judgment,
        )
    return outcomes


def _judged_facts(checkup: Checkup) -> StoredFacts:
    return StoredFacts(
        counted=checkup.counts_for_fiscal_year,
        counted_exam_date=None,  # the only exam of its person and year: no other one counts instead
        guidance_level=checkup.guidance_level,
        clinic_guidance_level=checkup.clinic_guidance_level,
        metabolic_judgment=checkup.metabolic_judgment,
        clinic_metabolic_judgment=checkup.clinic_metabolic_judgment,
    )


def _items(record: Incoming) -> dict[str, Any]:
    if record.items is not None:
        return record.items
    return json.loads(record.items_json) if record.items_json else record.document.items_dict()


def _clinics(records: Iterable[Incoming]) -> dict[str, Clinic]:
    records = list(records)
    documents = [r.document for r in records]
    senders = {r.submitted_by_clinic.pk: r.submitted_by_clinic for r in records if r.submitted_by_clinic is not None}
    return clinics_for(
        ((clinic_number(d.clinic_number, d.author_org_number), d.clinic_name) for d in documents),
        known=senders.values(),
    )


def _sender(record: Incoming) -> Sender:
    return record.sender or Sender(
        label="command", clinic=record.submitted_by_clinic, employer=record.submitted_by_employer
    )


def _following_year_checkups(stored: Iterable[Checkup], history: ChunkHistory) -> list[int]:
    """Checkups of the next fiscal year of the same persons: stored before the chunk (its history) or by it; none
    when that year has not begun, the common case of this year's exams (an exam date is never in the future)."""
    stored = list(stored)
    current = fiscal_year_of(timezone.localdate())
    keys = {(c.person_id, c.fiscal_year + 1) for c in stored if c.fiscal_year < current}
    before = {pk for key in keys for pk in history.checkups.get(key, [])}
    written = {c.pk for c in stored if (c.person_id, c.fiscal_year) in keys}
    return sorted(before | written)
