"""Storing records in bulk (SPEC §1.5, §6.1, §9.5): match, hold, refuse or store a chunk of records, judge the new
ones in memory and the rest through the service path, then the programmes of new checkups. One JSON record is a
chunk of one through the same path (issue #12)."""

import datetime as dt
import functools
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from infra.bulk import (
    RawJson,
    insert_new,
    update_objects,
    where_in,
)
from infra.i18n import bilingual, message
from members.age_basis import age_basis
from members.clinics import clinic_number, clinics_for
from members.contracts import without_contract
from members.enrollment import not_enrolled
from members.fiscal import fiscal_year_of
from members.hold_reasons import REASON_TEXTS, HoldReason
from members.matching import CardKey, PersonRow, card_key, people_by_card, person_choose
from members.models import Clinic, Employer, Insurer

from .intake_types import Incoming, Outcome, rejected
from .items import columns_from_items
from .judgments import PREVIOUS_FIELDS, READ_FIELDS, judge_row
from .mhlw.document import CheckupDocument
from .mhlw.errors import ArchiveError
from .mhlw.validation import RecordError
from .models import Checkup, CheckupCorrection, HeldRecord
from .resends import CREATED, UNCHANGED, UPDATED, ItemChange, Sender, item_changes, resend_corrections
from .services import checkups_choose_counted, checkups_judge
from .store_warnings import stored_warnings_for

_STORED_FIELDS = {f.name for f in Checkup._meta.get_fields()}
# decimal columns and their scale: values are judged as the database will store them
DECIMAL_PLACES = {
    f.name: Decimal(1).scaleb(-f.decimal_places)
    for f in Checkup._meta.concrete_fields
    if isinstance(f, models.DecimalField)
}


def exam_day(document: CheckupDocument) -> dt.date:
    """The exam date of a validated record (validation refuses a record without one, SPEC §9.5)."""
    assert document.exam_date is not None
    return document.exam_date


# ---------------------------------------------------------------- bulk storage


def _document_json(record: "Incoming") -> dict[str, Any]:
    return json.loads(record.document_json) if record.document_json else record.document.to_json()


def _items(record: "Incoming") -> dict[str, Any]:
    if record.items is not None:
        return record.items
    return json.loads(record.items_json) if record.items_json else record.document.items_dict()


def _clinics(documents: Sequence[CheckupDocument]) -> dict[str, Clinic]:
    return clinics_for((clinic_number(d.clinic_number, d.author_org_number), d.clinic_name) for d in documents)


def _unknown_insurer(number: str) -> RecordError:
    return RecordError(
        "insurer_number",
        "unknown_insurer",
        number,
        f"保険者番号 {number} の保険者は登録されていません。",
        f"Insurer number {number} is not a registered insurer.",
    )


def _wrong_insurer(number: str, employer: Employer) -> RecordError:
    return RecordError(
        "insurer_number",
        "insurer_not_of_employer",
        number,
        f"保険者番号 {number} はこの事業所の保険者 ({employer.insurer.number}) ではありません。",
        f"Insurer number {number} is not this employer's insurer ({employer.insurer.number}).",
    )


def _not_the_chosen_insurer(number: str, insurer: Insurer) -> RecordError:
    ja, en = bilingual(
        message(
            _("保険者番号 %(number)s は、取込で選択した保険者 (%(chosen)s) ではありません。"),
            number=number,
            chosen=insurer.number,
        )
    )
    return RecordError("insurer_number", "insurer_not_chosen", number, ja, en)


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


def checkups_receive_many(records: Sequence[Incoming]) -> list[Outcome]:
    """Match and store many validated records at once (bulk variant of services.checkup_receive).

    Same behaviour per record: unknown insurer → rejected; no matching person, or one not enrolled on the exam
    date (SPEC §9.5) → HeldRecord with its HoldReason; else the exam is
    stored (a re-send of the same person, exam date and programme is a correction: unchanged, or updated with its
    changes kept in the history), the counted checkup of the year is chosen and the record is judged. Runs
    inside the caller's transaction.
    """
    outcomes: list[Outcome | None] = [None] * len(records)
    insurers = {i.number: i for i in Insurer.objects.filter(number__in={r.document.insurer_number for r in records})}
    keys: dict[int, CardKey] = {}
    for position, record in enumerate(records):
        doc, employer = record.document, record.submitted_by_employer
        insurer = insurers.get(doc.insurer_number)
        if insurer is None:
            outcomes[position] = rejected(_unknown_insurer(doc.insurer_number))
        elif employer is not None and employer.insurer_id != insurer.pk:
            outcomes[position] = rejected(_wrong_insurer(doc.insurer_number, employer))
        elif record.for_insurer is not None and record.for_insurer.pk != insurer.pk:
            outcomes[position] = rejected(_not_the_chosen_insurer(doc.insurer_number, record.for_insurer))
        else:
            keys[position] = card_key(insurer.pk, doc.card_symbol, doc.card_number)
    no_contract = _without_contract(records, keys)
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
    if matched:
        for position, outcome in _store_many(records, matched).items():
            outcomes[position] = outcome
    return [o if o is not None else rejected() for o in outcomes]


def _without_contract(records: Sequence[Incoming], keys: dict[int, CardKey]) -> set[int]:
    """Records a clinic sent for an insurer that has no contract with the clinic on the exam date (issue #13)."""
    return without_contract(
        {
            p: (key[0], _performing_clinic(records[p]), records[p].document.exam_date)
            for p, key in keys.items()
            if records[p].submitted_by_clinic is not None
        }
    )


def _performing_clinic(record: Incoming) -> str:
    """The 健診実施機関 the contract is with: the record's clinic, else the sending clinic."""
    doc, sender = record.document, record.submitted_by_clinic
    return clinic_number(doc.clinic_number, doc.author_org_number) or (sender.number if sender else "")


def _match_enrolled(
    records: Sequence[Incoming], keys: dict[int, CardKey]
) -> tuple[dict[int, PersonRow], dict[int, HoldReason]]:
    """The person of each record (SPEC §1.5), enrolled on the exam date (SPEC §9.5), or why it is held."""
    candidates = people_by_card(keys.values())
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
    for position in not_enrolled({p: (person.pk, records[p].document.exam_date) for p, person in matched.items()}):
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


ExamKey = tuple[int, dt.date, str]  # person, exam date, programme: one stored checkup


def _store_many(records: Sequence[Incoming], matched: dict[int, PersonRow]) -> dict[int, Outcome]:
    """Bulk version of services.checkup_store for the matched records (same columns). A record of a stored exam
    (same person, exam date and programme) is a correction (issue #13): identical items → nothing written;
    other items → the checkup is updated, each changed item kept in its history with the sender, and re-judged
    (a started programme whose level changes then asks staff, SPEC §5.6)."""
    clinics = _clinics([records[p].document for p in matched])
    exam_key = {
        p: (person.pk, exam_day(records[p].document), records[p].document.program) for p, person in matched.items()
    }
    existing: dict[ExamKey, tuple[int, dict[str, Any], bool]] = {
        (person_id, exam_date, program): (pk, items, counted)
        for pk, person_id, exam_date, program, items, counted in where_in(
            where_in(Checkup.objects.order_by(), "person_id", {k[0] for k in exam_key.values()}),
            "exam_date",
            {k[1] for k in exam_key.values()},
        ).values_list("pk", "person_id", "exam_date", "program", "items", "counts_for_fiscal_year")
    }
    objects: dict[ExamKey, Checkup] = {}  # the last record of a person-exam in the chunk wins
    results: dict[int, tuple[str, list[ItemChange]]] = {}
    resent: list[tuple[ExamKey, Incoming, list[ItemChange]]] = []
    latest: dict[ExamKey, Incoming] = {}  # the chunk's last record of each exam, compared with the next one
    for position, person in matched.items():
        record = records[position]
        doc = record.document
        key = exam_key[position]
        before = _items(latest[key]) if key in latest else existing[key][1] if key in existing else None
        if before is None:
            results[position] = (CREATED, [])
        elif changes := item_changes(before, _items(record)):
            results[position] = (UPDATED, changes)
            resent.append((key, record, changes))
        else:
            results[position] = (UNCHANGED, [])
            continue  # an identical re-send writes nothing
        latest[key] = record
        fiscal_year = fiscal_year_of(exam_day(doc))
        # items already serialised (e.g. in a worker) are stored as that text, decoded only where a dict is needed
        items = RawJson(record.items_json) if record.items_json else _items(record)
        columns = record.columns
        if columns is None:
            columns = columns_from_items(_items(record), fiscal_year=fiscal_year)
        clinic = clinics.get(clinic_number(doc.clinic_number, doc.author_org_number) or "")
        checkup = _checkup_instance(
            {
                **{k: v for k, v in columns.items() if k in _STORED_FIELDS},
                "id": existing[key][0] if key in existing else None,
                "person_id": person.pk,
                "insurer_id": person.insurer_id,
                "clinic_id": clinic.pk if clinic is not None else None,
                "submitted_by_clinic_id": record.submitted_by_clinic.pk if record.submitted_by_clinic else None,
                "submitted_by_employer_id": record.submitted_by_employer.pk if record.submitted_by_employer else None,
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
                "counts_for_fiscal_year": existing[key][2] if key in existing else False,
            }
        )
        checkup._judgment = record.judgment  # type: ignore[attr-defined]  # carried on the instance to the judging step below
        objects[key] = checkup
    new = [c for c in objects.values() if c.pk is None]
    old = [c for c in objects.values() if c.pk is not None]
    sexes = {person.pk: person.sex for person in matched.values()}
    judged = _judge_new_in_memory(new, sexes, chunk_keys={(c.person_id, c.fiscal_year) for c in objects.values()})
    insert_new(Checkup, new)
    simple = {c.pk for c in judged}
    if old:
        now = timezone.now()
        for checkup in old:
            checkup.updated_at = now
        update_fields = [
            f.name
            for f in Checkup._meta.concrete_fields
            if f.name not in ("id", "person", "exam_date", "program", "created_at") and not f.primary_key
        ]
        update_objects(Checkup, old, update_fields)
    if resent:
        CheckupCorrection.objects.bulk_create(
            [
                correction
                for key, record, changes in resent
                for correction in resend_corrections(objects[key].pk, changes, _sender(record))
            ]
        )
    rest = [c for c in objects.values() if c.pk not in simple]
    if rest:  # re-sends, several exams of a person in a year, last year's exam in the same chunk: the service path
        changed = checkups_choose_counted(
            person_ids={c.person_id for c in rest}, fiscal_years={c.fiscal_year for c in rest}
        )
        # as services.checkup_store: a checkup of an earlier upload that stopped (or started) counting is judged
        # again, so its not-started programme goes (or comes) with it
        checkups_judge(checkup_ids=[*{c.pk for c in rest}, *changed])
    # next year's checkups read this year's level (2 consecutive years of 積極的支援, SPEC §2.8): judged after it
    if following := _following_year_checkups(objects.values()):
        checkups_judge(checkup_ids=following)
    if judged:  # inserted just now, already judged and counted: their programmes straight from the instances
        from guidance.services import programmes_create_for_new_checkups

        programmes_create_for_new_checkups(
            checkups=judged, birth_dates={person.pk: person.birth_date for person in matched.values()}
        )
    checkup_ids = {key: objects[key].pk if key in objects else existing[key][0] for key in exam_key.values()}
    warnings = stored_warnings_for(checkup_ids.values())  # issue #13: stored, but tell the sender
    outcomes = {}
    for position, key in exam_key.items():
        result, changes = results[position]
        outcomes[position] = Outcome(
            status="accepted",
            checkup_id=checkup_ids[key],
            insurer_id=matched[position].insurer_id,
            created=result == CREATED,
            result=result,
            changes=[change.to_json() for change in changes],
            warnings=list(warnings.get(checkup_ids[key], [])),
        )
    return outcomes


def _sender(record: Incoming) -> Sender:
    return record.sender or Sender(
        label="command", clinic=record.submitted_by_clinic, employer=record.submitted_by_employer
    )


def _following_year_checkups(stored: Iterable[Checkup]) -> list[int]:
    """Stored checkups of the next fiscal year of the same persons (one query; none when that year has not begun,
    the common case of this year's exams: an exam date is never in the future)."""
    current = fiscal_year_of(timezone.localdate())
    keys = {(c.person_id, c.fiscal_year + 1) for c in stored if c.fiscal_year < current}
    if not keys:
        return []
    rows = Checkup.objects.filter(
        person_id__in={person for person, _ in keys}, fiscal_year__in={year for _, year in keys}
    ).values_list("pk", "person_id", "fiscal_year")
    return [pk for pk, person_id, fiscal_year in rows if (person_id, fiscal_year) in keys]


@functools.cache
def _checkup_defaults() -> tuple[dict[str, Any], tuple[Any, ...]]:
    """Checkup's field defaults as Model.__init__ gives them: constants once, callables (dict, list) per row."""
    fields = Checkup._meta.concrete_fields
    fresh = tuple(f for f in fields if f.has_default() and callable(f.default))
    return {f.attname: f.get_default() for f in fields if f not in fresh}, fresh


def _checkup_instance(values: dict[str, Any]) -> Checkup:
    """A new, unsaved Checkup from attribute values (attnames), without Model.__init__'s per-field keyword loop
    over ~90 fields (a visible share of storing an archive). Same instance state: every concrete field set (defaults
    for the rest), `_state.adding`; no related objects cached (the ids are set)."""
    constant, fresh = _checkup_defaults()
    checkup = Checkup.__new__(Checkup)
    state = checkup.__dict__
    state.update(constant)
    for f in fresh:
        state[f.attname] = f.get_default()
    state.update(values)
    checkup._state = ModelState()
    return checkup


def _judge_new_in_memory(
    new: list[Checkup], sexes: dict[int, int], *, chunk_keys: set[tuple[int, int]]
) -> list[Checkup]:
    """Counted flag and judgments of new checkups before they are written, so each row is written once.

    Same rules and results as checkups_choose_counted + checkups_judge (services): a new exam of a person with no
    other exam in that fiscal year is the counted one (SPEC §6.1); judge_row gets the columns as the database
    stores them (decimals rounded to the column) and last year's counted checkup (SPEC §2.8). Returns the
    checkups handled here; the others take the service path.
    """
    if not new:
        return []
    wanted = {(c.person_id, c.fiscal_year) for c in new}
    in_database = set(
        where_in(Checkup.objects.order_by(), "person_id", {p for p, _ in wanted})
        .filter(fiscal_year__in={y for _, y in wanted})
        .values_list("person_id", "fiscal_year")
    )
    per_key = Counter((c.person_id, c.fiscal_year) for c in new)
    eligible = [
        c
        for c in new
        if (c.person_id, c.fiscal_year) not in in_database
        and per_key[(c.person_id, c.fiscal_year)] == 1
        and (c.person_id, c.fiscal_year - 1) not in chunk_keys
    ]
    previous = {
        (row["person_id"], row["fiscal_year"]): row
        for row in where_in(Checkup.objects.order_by(), "person_id", {c.person_id for c in eligible})
        .filter(fiscal_year__in={c.fiscal_year - 1 for c in eligible}, counts_for_fiscal_year=True)
        .values("person_id", "fiscal_year", *PREVIOUS_FIELDS)
    }
    now = timezone.now()
    for checkup in eligible:
        last_year = previous.get((checkup.person_id, checkup.fiscal_year - 1))
        results = getattr(checkup, "_judgment", None)
        if results is None or last_year is not None:  # SPEC §2.8 needs last year's counted checkup
            for name, places in DECIMAL_PLACES.items():
                value = getattr(checkup, name)
                if value is not None:
                    setattr(checkup, name, value.quantize(places, rounding=ROUND_HALF_UP))
            row = {name: getattr(checkup, name) for name in READ_FIELDS}
            results = judge_row(row, sex=sexes[checkup.person_id], previous=last_year)
        for name, value in results.items():
            setattr(checkup, name, value)
        checkup.counts_for_fiscal_year, checkup.stratified_at = True, now
    return eligible
