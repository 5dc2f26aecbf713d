"""Clinic and employer uploads: intake (idempotent), processing in chunks, and a per-record report.

An upload is a 4th- or 3rd-period MHLW archive (SPEC §9.1, §9.3), a single CDA file, or one JSON record. Each
record is parsed with the locked-down parser, validated (SPEC §9.4, §4.4, date sanity), matched to a person
(SPEC §1.5) and stored, held for review or rejected with its reasons; one bad record never blocks the others.

Records are stored in chunks by `checkups_receive_many`: one query per chunk for insurers, persons, clinics and
existing checkups, bulk inserts, then one `checkups_choose_counted` and one `checkups_judge` call per chunk.
Progress (`done`) and the report advance in the same transaction as the chunk's records, so a retried task
resumes after the last committed chunk and never stores a record twice.
"""

import dataclasses
import datetime as dt
import functools
import hashlib
import itertools
import json
import logging
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from infra.bulk import (
    Prefetched,
    RawJson,
    append_to_json_list,
    batches,
    commit_asynchronously,
    commit_synchronously,
    forked_imap,
    gc_paused,
    insert_new,
    may_fork,
    save_with_binary,
    update_objects,
    where_in,
)
from infra.i18n import Message, bilingual, message
from members.actors import Actor, ActorKind
from members.age_basis import age_basis
from members.clinics import clinic_number, clinics_for
from members.contracts import without_contract
from members.enrollment import not_enrolled
from members.fiscal import fiscal_year_of
from members.hold_reasons import REASON_TEXTS, HoldReason
from members.matching import CardKey, PersonRow, card_key, people_by_card, person_choose
from members.models import Clinic, Employer, GuidanceProvider, Insurer

from .codes import Program, Source
from .items import columns_from_items
from .judgments import PREVIOUS_FIELDS, READ_FIELDS, judge_row
from .mhlw.archive import Archive, ArchiveLimits, open_upload
from .mhlw.cda import parse_cda
from .mhlw.document import CheckupDocument
from .mhlw.errors import ArchiveError, MhlwFormatError
from .mhlw.file_checks import unknown_receiver_refusal
from .mhlw.findings import finding
from .mhlw.validation import RecordError, validate_document
from .models import Checkup, CheckupCorrection, HeldRecord, Upload
from .resends import CREATED, UNCHANGED, UPDATED, ItemChange, Sender, item_changes, resend_corrections
from .services import checkups_choose_counted, checkups_judge
from .store_warnings import stored_warnings_for
from .upload_handlers import FileOutcome, guidance_files_handler

logger = logging.getLogger(__name__)

HELD_FOR_REVIEW: Message = _("保険者の担当者の確認のため保留しました。確認が済むと取り込まれます")
CHECKUP_FILE_FROM_PROVIDER: Message = _(
    "保健指導機関のキーで送れるのは特定保健指導情報ファイル(g…xml)です。健診結果は健診機関が送付します"
)
GUIDANCE_NOT_SUPPORTED: Message = _("特定保健指導情報ファイルを取り込む機能が有効ではありません")

# ◆ Uploads with at most this many checkup records are processed in the request; larger ones by a task.
SMALL_UPLOAD_RECORDS = 50
CHUNK_SIZE = 500  # records per transaction while processing
WORKER_BATCH = 50  # records per work unit of a parsing worker process
EMPLOYER_SENDER = "6631111116"  # common sender number of an employer (事業主) archive (SPEC §7.2)
EMPLOYER_SERVICE_EVENT = 4  # 実施区分 4 他の健診結果の受領分 (SPEC §7.2)
_STORED_FIELDS = {f.name for f in Checkup._meta.get_fields()}
# decimal columns and their scale: values are judged as the database will store them
_DECIMAL_PLACES = {
    f.name: Decimal(1).scaleb(-f.decimal_places)
    for f in Checkup._meta.concrete_fields
    if f.get_internal_type() == "DecimalField"
}


@dataclass(frozen=True)
class Submitter:
    """Who sent an upload; `label` is unique per submitter ("clinic:<pk>", "employer:<pk>", "command").

    `insurer` is set when a staff member brings in a clinic's file for one insurer (`for_staff`): the upload is
    that insurer's, an archive addressed to another is refused and a record of another insurer is rejected.
    """

    label: str
    clinic: Clinic | None = None
    employer: Employer | None = None
    user: Any = None
    provider: GuidanceProvider | None = None  # a guidance provider sends guidance files (g…, SPEC §9.6)
    insurer: Insurer | None = None

    @property
    def is_employer(self) -> bool:
        return self.employer is not None

    @classmethod
    def for_actor(cls, actor: Actor, user: Any = None) -> "Submitter":
        if actor.kind == ActorKind.CLINIC:
            return cls(label=f"clinic:{actor.clinic_id}", clinic=Clinic.objects.get(pk=actor.clinic_id))
        if actor.kind == ActorKind.EMPLOYER:
            employer = Employer.objects.select_related("insurer").get(pk=actor.employer_id)
            return cls(label=f"employer:{employer.pk}", employer=employer)
        if actor.kind == ActorKind.GUIDANCE_PROVIDER:
            provider = GuidanceProvider.objects.get(pk=actor.guidance_provider_id)
            return cls(label=f"provider:{provider.pk}", provider=provider)
        if user is not None and getattr(user, "pk", None):
            return cls(label=f"user:{user.pk}", user=user)
        return cls(label=actor.label or "command")

    @classmethod
    def for_staff(cls, *, user: Any, insurer: Insurer, clinic: Clinic) -> "Submitter":
        """A staff member uploading a file a clinic sent (admin 健診結果ファイルの取込, issue #16).

        ◆ The file is the clinic's, so it is deduplicated with the clinic's own uploads (label "clinic:<pk>"):
        the same file brought in twice, by two staff members or by the clinic's API as well, is stored once and
        its held records are not duplicated. The staff member is kept as `submitted_by_user`.
        """
        return cls(label=f"clinic:{clinic.pk}", clinic=clinic, user=user, insurer=insurer)


@dataclass
class Incoming:
    """One parsed and validated record on its way to the database."""

    document: CheckupDocument
    source: str
    submitted_by_clinic: Clinic | None = None
    submitted_by_employer: Employer | None = None
    for_insurer: Insurer | None = None  # a staff upload: only this insurer's records (Submitter.insurer)
    missing_items: list[dict[str, Any]] = field(default_factory=list)
    items: dict[str, dict[str, Any]] | None = None  # precomputed by prepare_document (else from the document)
    columns: dict[str, Any] | None = None
    items_json: str | None = None
    document_json: str | None = None  # the whole record, for a held record (set when parsed in a worker)
    judgment: dict[str, Any] | None = None
    sender: Sender | None = None  # named in the correction history when the record re-sends a stored exam


@dataclass
class Outcome:
    """What happened to one record: accepted (checkup id), held (held record id) or rejected (errors)."""

    status: str  # "accepted" | "held" | "rejected"
    checkup_id: int | None = None
    held_id: int | None = None
    insurer_id: int | None = None  # of an accepted or held record (the upload's insurer, without a look-up)
    created: bool = False
    result: str = ""  # accepted: "created", "updated" (a re-send with other values) or "unchanged" (issue #13)
    changes: list[dict[str, Any]] = field(default_factory=list)  # of an update: {"code", "from", "to"}
    errors: list[RecordError] = field(default_factory=list)
    warnings: list[RecordError] = field(default_factory=list)
    reason_ja: str = ""
    reason_en: str = ""

    def to_entry(self, index: int, name: str) -> dict[str, Any]:
        entry: dict[str, Any] = {"index": index, "file": name, "status": self.status}
        if self.checkup_id is not None:
            entry["checkup"] = self.checkup_id
            entry["created"] = self.created
            entry["result"] = self.result
            entry["changes"] = self.changes
        if self.held_id is not None:
            entry["held"] = self.held_id
            # the sender sees one neutral answer: whether a card exists is for staff (HeldRecord.reason, issue #13)
            entry["message_ja"], entry["message_en"] = bilingual(HELD_FOR_REVIEW)
        entry["errors"] = [asdict(e) for e in self.errors]
        entry["warnings"] = [asdict(w) for w in self.warnings]
        return entry


def _rejected(*errors: RecordError, warnings: Sequence[RecordError] = ()) -> Outcome:
    return Outcome(status="rejected", errors=list(errors), warnings=list(warnings))


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


def _another_insurer_refusal(receiver: str, insurer: Insurer) -> ArchiveError:
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
            outcomes[position] = _rejected(_unknown_insurer(doc.insurer_number))
        elif employer is not None and employer.insurer_id != insurer.pk:
            outcomes[position] = _rejected(_wrong_insurer(doc.insurer_number, employer))
        elif record.for_insurer is not None and record.for_insurer.pk != insurer.pk:
            outcomes[position] = _rejected(_not_the_chosen_insurer(doc.insurer_number, record.for_insurer))
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
    return [o if o is not None else _rejected() for o in outcomes]


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
        exam_date=record.document.exam_date,
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
        p: (person.pk, records[p].document.exam_date, records[p].document.program) for p, person in matched.items()
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
        fiscal_year = fiscal_year_of(doc.exam_date)
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
    current = fiscal_year_of(_today())
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
            for name, places in _DECIMAL_PLACES.items():
                value = getattr(checkup, name)
                if value is not None:
                    setattr(checkup, name, value.quantize(places, rounding=ROUND_HALF_UP))
            row = {name: getattr(checkup, name) for name in READ_FIELDS}
            results = judge_row(row, sex=sexes[checkup.person_id], previous=last_year)
        for name, value in results.items():
            setattr(checkup, name, value)
        checkup.counts_for_fiscal_year, checkup.stratified_at = True, now
    return eligible


# ---------------------------------------------------------------- reading one record


def _today() -> dt.date:
    return timezone.localdate()


@dataclass
class Prepared:
    """One record after parsing and validation (no database): what the storing step needs.

    Built in worker processes for big command imports, so everything here is plain and picklable.
    """

    name: str
    document: CheckupDocument | None = None
    failure: Outcome | None = None  # rejected before storing (unreadable or invalid)
    warnings: list[RecordError] = field(default_factory=list)
    missing_for_specific_checkup: list[dict[str, Any]] = field(default_factory=list)
    items: dict[str, dict[str, Any]] | None = None
    columns: dict[str, Any] | None = None
    items_json: str | None = None  # `items` serialised once, where the CPU is (a worker process)
    document_json: str | None = None
    judgment: dict[str, Any] | None = None  # judge_row without last year's checkup (added in the main process)


# the stored items: compact, UTF-8 as is; plain dicts of strings, so no cycle check
_ITEMS_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def prepare_document(name: str, doc: CheckupDocument, *, today: dt.date) -> Prepared:
    """Validate one record (SPEC §9.4, §4.4) and derive its stored items and typed columns."""
    return _prepare_documents([(name, doc)], today)[0]


def _prepare_documents(documents: Sequence[tuple[str, CheckupDocument]], today: dt.date) -> list[Prepared]:
    """`prepare_document` for many records, one step at a time over all of them (validate every record, then
    build every record's items, …): parsing a 20 kB file in between evicts the previous step's code and tables
    from the CPU caches, which made the same steps run at half speed when taken record by record."""
    reports = [validate_document(doc, today=today) for _, doc in documents]
    valid = [(name, doc, report) for (name, doc), report in zip(documents, reports, strict=True) if report.ok]
    items = [doc.items_dict() for _, doc, _ in valid]
    fiscal_years = [fiscal_year_of(doc.exam_date) for _, doc, _ in valid]
    columns = [
        _as_stored(columns_from_items(record_items, fiscal_year=fiscal_year))
        for record_items, fiscal_year in zip(items, fiscal_years, strict=True)
    ]
    judgments = [
        # Matching confirms birth date and sex (SPEC §1.5), so the document's give the person's age basis and sex.
        judge_row(
            {
                **{field: record_columns.get(field) for field in READ_FIELDS},
                "fiscal_year": fiscal_year,
                "age_at_fy_end": age_basis(doc.birth_date, fiscal_year),  # type: ignore[arg-type]  # matched: it has one
            },
            sex=doc.sex,  # type: ignore[arg-type]  # matched: it has one (SPEC §1.5)
            previous=None,
        )
        for (_, doc, _), record_columns, fiscal_year in zip(valid, columns, fiscal_years, strict=True)
    ]
    encoded = [_ITEMS_ENCODER.encode(record_items) for record_items in items]
    prepared = (
        Prepared(
            name,
            document=doc,
            warnings=report.warnings,
            missing_for_specific_checkup=[asdict(m) for m in report.missing_for_specific_checkup],
            items=record_items,
            columns=record_columns,
            items_json=items_json,
            judgment=judgment,
        )
        for (name, doc, report), record_items, record_columns, items_json, judgment in zip(
            valid, items, columns, encoded, judgments, strict=True
        )
    )
    return [
        next(prepared) if report.ok else Prepared(name, failure=_rejected(*report.errors, warnings=report.warnings))
        for (name, _), report in zip(documents, reports, strict=True)
    ]


def _as_stored(columns: dict[str, Any]) -> dict[str, Any]:
    """Decimals rounded to their column's scale, as the database stores (and the judge reads) them."""
    for name, places in _DECIMAL_PLACES.items():
        value = columns.get(name)
        if value is not None:
            columns[name] = value.quantize(places, rounding=ROUND_HALF_UP)
    return columns


def prepare_member(name: str, data: bytes | None, *, today: dt.date, read_error: RecordError | None = None) -> Prepared:
    """Parse (locked-down parser) and validate one CDA file of an upload."""
    return _prepare_chunk([(name, data, read_error)], today)[0]


def _parse_member(name: str, data: bytes | None, read_error: RecordError | None) -> CheckupDocument | Prepared:
    """The parsed document, or the rejected record when the file cannot be read or parsed."""
    if data is None:
        return Prepared(name, failure=_rejected(read_error or RecordError("file", "unreadable_file", None, "", "")))
    try:
        return parse_cda(data)
    except MhlwFormatError as exc:
        where = f"{name} {exc.location}".strip()
        error = RecordError("file", exc.code, name, exc.message_ja, exc.message_en + f" ({where})")
        return Prepared(name, failure=_rejected(error))


def _prepare_chunk(members: list[tuple[str, bytes | None, RecordError | None]], today: dt.date) -> list[Prepared]:
    """Parse every member, then prepare the parsed documents together (see `_prepare_documents`)."""
    parsed = [_parse_member(name, data, error) for name, data, error in members]
    documents = [
        (name, doc) for (name, _, _), doc in zip(members, parsed, strict=True) if isinstance(doc, CheckupDocument)
    ]
    prepared = iter(_prepare_documents(documents, today))
    return [next(prepared) if isinstance(doc, CheckupDocument) else doc for doc in parsed]


def _prepare_chunk_slim(members: list[tuple[str, bytes | None, RecordError | None]], today: dt.date) -> list[Prepared]:
    """In a worker process: the result travels back as text (JSON) plus the header, cheap to unpickle."""
    prepared = _prepare_chunk(members, today)
    for record in prepared:
        if record.document is not None:
            record.document_json = _ITEMS_ENCODER.encode(record.document.to_json())
            record.document = dataclasses.replace(record.document, observations=[])
            record.items = None
    return prepared


def _incoming(
    prepared: Prepared, *, submitter: Submitter, source: str, employer_context: bool, upload_id: int | None = None
) -> Incoming:
    """Employer records (SPEC §7.1) keep the 特定健診 items they lack, so staff can complete them."""
    doc = prepared.document
    assert doc is not None
    employer_record = employer_context or doc.program == Program.EMPLOYER_CHECKUP
    return Incoming(
        document=doc,
        source=Source.EMPLOYER if employer_record and submitter.clinic is None else source,
        submitted_by_clinic=submitter.clinic,
        submitted_by_employer=submitter.employer,
        for_insurer=submitter.insurer,
        missing_items=prepared.missing_for_specific_checkup if employer_record else [],
        items=prepared.items,
        columns=prepared.columns,
        items_json=prepared.items_json,
        document_json=prepared.document_json,
        judgment=prepared.judgment,
        sender=Sender(
            label=submitter.label,
            clinic=submitter.clinic,
            employer=submitter.employer,
            user=submitter.user,
            upload_id=upload_id,
        ),
    )


def records_receive(
    prepared: Sequence[Prepared],
    *,
    submitter: Submitter,
    source: str,
    employer_context: bool,
    upload_id: int | None = None,
) -> list[Outcome]:
    """Store a prepared chunk of upload `upload_id`; a database failure of the chunk falls back to one savepoint
    per record."""
    outcomes: list[Outcome | None] = [p.failure for p in prepared]
    make_incoming = functools.partial(
        _incoming, submitter=submitter, source=source, employer_context=employer_context, upload_id=upload_id
    )
    ready = [(position, make_incoming(p), p.warnings) for position, p in enumerate(prepared) if p.failure is None]
    if ready:
        try:
            with transaction.atomic():
                stored = checkups_receive_many([incoming for _, incoming, _ in ready])
        except DatabaseError:
            stored = [_store_one(incoming) for _, incoming, _ in ready]
        for (position, _, warnings), outcome in zip(ready, stored, strict=True):
            outcome.warnings = warnings + outcome.warnings
            outcomes[position] = outcome
    return [o or _rejected() for o in outcomes]


def _store_one(incoming: Incoming) -> Outcome:
    try:
        with transaction.atomic():
            return checkups_receive_many([incoming])[0]
    except DatabaseError as exc:
        return _rejected(
            RecordError(
                "record",
                "storage_failed",
                None,
                "この記録は保存できませんでした(同時に送信された同じ健診と競合した可能性があります)。再送してください。",
                f"The record could not be stored ({type(exc).__name__}); please send it again.",
            )
        )


# ---------------------------------------------------------------- uploads


def _limits() -> ArchiveLimits:
    """ZIP safety limits (archive.ArchiveLimits), overridable in settings; never above the request size limit."""
    defaults = ArchiveLimits()
    return ArchiveLimits(
        max_entries=getattr(settings, "UPLOAD_MAX_ENTRIES", defaults.max_entries),
        max_total_uncompressed=getattr(settings, "UPLOAD_MAX_UNPACKED_BYTES", defaults.max_total_uncompressed),
        max_ratio=getattr(settings, "UPLOAD_MAX_RATIO", defaults.max_ratio),
        max_member=getattr(settings, "UPLOAD_MAX_MEMBER_BYTES", defaults.max_member),
    )


def _checkup_names(archive: Archive) -> list[str]:
    return archive.checkup_names()


def _is_employer_archive(archive: Archive | None, submitter: Submitter) -> bool:
    index = archive.index if archive else None
    by_index = index is not None and (
        index.sender == EMPLOYER_SENDER or index.service_event_type == EMPLOYER_SERVICE_EVENT
    )
    return submitter.is_employer or by_index


class IdempotencyKeyReused(Exception):
    """The Idempotency-Key was used before by the same sender with another body: nothing is stored (issue #13)."""

    def __init__(self, idempotency_key: str) -> None:
        super().__init__(idempotency_key)
        self.idempotency_key = idempotency_key


def _existing(submitter: Submitter, sha256: str, idempotency_key: str) -> Upload | None:
    """The earlier upload this one repeats: the same Idempotency-Key of the same sender (◆ keys are scoped to the
    sender — one clinic, employer or user; an API key belongs to exactly one of them), else the same file.

    ◆ A key is kept as long as its upload (uploads are never purged, so well over the 24 hours issue #13 asks);
    the same key with another body (sha256) raises IdempotencyKeyReused instead of answering the first result.
    """
    uploads = Upload.objects.filter(submitter=submitter.label).defer("content")
    if idempotency_key:
        found = uploads.filter(idempotency_key=idempotency_key).first()
        if found:
            if sha256 and found.sha256 != sha256:
                raise IdempotencyKeyReused(idempotency_key)
            return found
    return uploads.exclude(kind=Upload.Kind.JSON).filter(sha256=sha256).first()


@dataclass(frozen=True)
class Intake:
    upload: Upload
    created: bool  # False: the same file or Idempotency-Key was sent before; `upload` is the first one


def upload_receive(
    *,
    submitter: Submitter,
    data: bytes,
    file_name: str,
    idempotency_key: str = "",
    source: str = Source.FILE_IMPORT,
    process_now: bool = False,
) -> Intake:
    """Store an uploaded file once per submitter (sha256 / Idempotency-Key) and process or enqueue it.

    An unreadable or unsafe file is kept as a FAILED upload with the reason, so sending it again answers the
    same. Small uploads (≤ SMALL_UPLOAD_RECORDS) are processed in the same transaction as the intake, so a
    concurrent duplicate waits and then answers with the finished first upload. Larger ones are processed by a
    Celery task after commit, or right here chunk by chunk when `process_now` (management command).

    ◆ The file itself is kept (Upload.content) when a task will read it; a command import (`process_now`) keeps
    only its sha256 and report (the operator has the file). Re-running the command on an interrupted import
    resumes it with the file given.
    """
    sha256 = hashlib.sha256(data).hexdigest()
    found = _existing(submitter, sha256, idempotency_key)
    if found is not None:
        if process_now and found.status in (Upload.Status.RECEIVED, Upload.Status.PROCESSING):
            processes = _worker_processes(found.total, CHUNK_SIZE, process_now=True)
            found = upload_process(upload_id=found.pk, data=data, processes=processes, data_sha256=sha256)
        return Intake(found, created=False)
    error: dict[str, str] | None = None
    total, kind, insurer, warnings = 0, Upload.Kind.CDA, None, []
    archive: Archive | None = None
    try:
        archive = open_upload(data, file_name or "upload", _limits())
        if archive.index is not None:
            total = len(_checkup_names(archive)) + len(archive.guidance_names())  # checkup files first, then g…
            kind, warnings = Upload.Kind.ARCHIVE, list(archive.warnings)
            if submitter.insurer is not None and archive.index.receiver != submitter.insurer.number:
                raise _another_insurer_refusal(archive.index.receiver, submitter.insurer)
            insurer = Insurer.objects.filter(number=archive.index.receiver).first()
            if insurer is None and submitter.employer is None:
                raise unknown_receiver_refusal(archive.index.receiver)  # SPEC §9.5: not one of our insurers
        else:
            total = 1
    except MhlwFormatError as exc:
        error = {"code": exc.code, "message_ja": exc.message_ja, "message_en": exc.message_en}
        kind = Upload.Kind.ARCHIVE if data[:2] == b"PK" else Upload.Kind.CDA
    if submitter.employer is not None:
        insurer = submitter.employer.insurer
    elif submitter.insurer is not None:
        insurer = submitter.insurer  # a staff upload is that insurer's, refused or not (staff see it)
    inline = error is None and total <= SMALL_UPLOAD_RECORDS
    upload = Upload(
        submitter=submitter.label,
        submitted_by_clinic=submitter.clinic,
        submitted_by_employer=submitter.employer,
        submitted_by_user=submitter.user,
        submitted_by_provider=submitter.provider,
        insurer=insurer,
        kind=kind,
        source=Source.EMPLOYER if submitter.is_employer else source,
        file_name=(file_name or "")[:255],
        sha256=sha256,
        size=len(data),
        content=b"" if error or (process_now and not inline) else data,  # a refused file: metadata only
        idempotency_key=idempotency_key[:200],
        total=total,
        warnings=warnings,
        status=Upload.Status.FAILED if error else Upload.Status.RECEIVED,
        error=error,
        finished_at=timezone.now() if error else None,
    )
    try:
        with transaction.atomic():
            save_with_binary(upload, "content")
            if inline:
                upload_process(upload_id=upload.pk)
    except IntegrityError:
        # A concurrent duplicate committed first (unique submitter+sha256 / +Idempotency-Key): answer with it.
        found = _existing(submitter, sha256, idempotency_key)
        if found is None:
            raise
        return Intake(found, created=False)
    if error is None and not inline:
        if process_now:
            upload_process(
                upload_id=upload.pk,
                data=data,
                processes=_worker_processes(total, CHUNK_SIZE, process_now=True),
                data_sha256=sha256,
                archive=archive if kind == Upload.Kind.ARCHIVE else None,
            )
        else:
            transaction.on_commit(lambda: upload_enqueue(upload_id=upload.pk))
    return Intake(Upload.objects.defer("content").get(pk=upload.pk), created=True)


def upload_enqueue(*, upload_id: int) -> bool:
    """Hand a stored upload to a Celery worker; False when the broker (Redis) cannot be reached.

    The upload is already committed (status received), so the clinic gets its 202 either way and nothing is
    half-stored; `uploads_resume_pending` (checkups_uploads_resume_task, every 5 minutes) enqueues it again
    once the broker is back.
    """
    from kombu.exceptions import OperationalError as BrokerUnavailable

    from .tasks import checkups_upload_process_task

    try:
        checkups_upload_process_task.delay(upload_id)
    except BrokerUnavailable:
        logger.warning("upload %s stored but not enqueued (broker unavailable); it will be resumed", upload_id)
        return False
    return True


# An upload still received/processing this long after it arrived is enqueued again: its message was never sent
# (broker down at intake) or its worker died. A second run of a live one is safe (row lock, resumes after the
# last committed chunk), so the delay only trades duplicate work against waiting.
RESUME_AFTER = dt.timedelta(minutes=10)


def uploads_resume_pending(*, now: dt.datetime | None = None, stale_after: dt.timedelta = RESUME_AFTER) -> list[int]:
    """Enqueue again every upload left received or processing for `stale_after`; returns their ids.

    Command imports keep no copy of the file (the operator re-runs the command), so only uploads with their
    content stored are resumed.
    """
    cutoff = (now or timezone.now()) - stale_after
    pending = list(
        Upload.objects.filter(status__in=(Upload.Status.RECEIVED, Upload.Status.PROCESSING), created_at__lte=cutoff)
        .exclude(kind=Upload.Kind.JSON)
        .exclude(content=b"")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for upload_id in pending:
        if not upload_enqueue(upload_id=upload_id):
            break  # the broker is still down: the next run tries again
    return pending


def _members(
    upload: Upload, data: bytes, start: int, archive: Archive | None = None
) -> Iterator[tuple[str, bytes | None, RecordError | None]]:
    """(name, bytes or None, read error) of the upload's checkup files from `start` on; `archive` is `data`
    already opened (a 10,000-member ZIP's directory is read and checked once, not once more here)."""
    archive = archive or open_upload(data, upload.file_name, _limits())
    if archive.index is None:  # one CDA file
        yield from ((name, data, None) for name in _checkup_names(archive)[start:])
        return
    for name in _checkup_names(archive)[start:]:
        try:
            yield name, archive.read_member(name), None
        except MhlwFormatError as exc:
            yield name, None, RecordError("file", "unreadable_file", None, exc.message_ja, exc.message_en)


def _worker_processes(total: int, chunk_size: int, process_now: bool) -> int:
    """◆ Command imports of more than one chunk parse and validate in worker processes while the main process
    stores the previous chunk; never inside a Celery worker (daemonic processes cannot have children). With one
    process, a thread prepares the next chunk while the main thread stores (infra.bulk.Prefetched)."""
    wanted = int(getattr(settings, "UPLOAD_IMPORT_PROCESSES", min(os.cpu_count() or 1, 4)))
    if not process_now or total <= chunk_size or wanted < 2 or not may_fork():
        return 1
    return wanted


def _prepared_chunks(
    upload: Upload,
    data: bytes,
    start: int,
    *,
    chunk_size: int,
    today: dt.date,
    processes: int,
    archive: Archive | None = None,
) -> Iterator[list[Prepared]]:
    members = _members(upload, data, start, archive)
    if processes < 2:
        chunks = (_prepare_chunk(batch, today) for batch in batches(members, chunk_size))
        if upload.total - start <= chunk_size:
            yield from chunks  # one chunk: nothing to overlap
            return
        prefetched = Prefetched(chunks)
        try:
            yield from prefetched
        finally:
            prefetched.close()
        return
    # fork: the workers only parse and validate (pure code); they never touch the parent's database connection.
    # Small work units keep the workers busy while the main process stores the previous chunk.
    units = batches(members, WORKER_BATCH)
    prepared = forked_imap(functools.partial(_prepare_chunk_slim, today=today), units, processes)
    yield from batches(itertools.chain.from_iterable(prepared), chunk_size)


def upload_process(
    *,
    upload_id: int,
    data: bytes | None = None,
    chunk_size: int | None = None,
    today: dt.date | None = None,
    processes: int = 1,
    data_sha256: str | None = None,
    archive: Archive | None = None,
) -> Upload:
    """Process (or resume) an upload chunk by chunk; records already reported are skipped (safe to run twice).

    `data` is the file when the caller has it (command import); otherwise it is read from the stored upload.
    A caller that has just hashed `data` (`data_sha256`) or opened it (`archive`) passes them on, so a
    200 MB archive is not hashed and its directory not read again.
    """
    today = today or _today()
    chunk_size = chunk_size or CHUNK_SIZE
    upload = Upload.objects.defer("content").get(pk=upload_id)
    if upload.status in (Upload.Status.DONE, Upload.Status.FAILED):
        return upload
    if data is None:
        data = bytes(Upload.objects.values_list("content", flat=True).get(pk=upload_id))
    if (data_sha256 or hashlib.sha256(data).hexdigest()) != upload.sha256:
        raise ValueError("the file given is not the one this upload was received with")
    submitter = _submitter_of(upload)
    archive = archive or open_upload(data, upload.file_name, _limits())
    checkup_count = len(_checkup_names(archive))
    employer_context = _is_employer_archive(archive, submitter)
    position = upload.done
    options = {"chunk_size": chunk_size, "today": today, "processes": processes}
    # the opened archive serves the first pass only: a resumed pass opens its own (fresh read budget)
    chunks = _prepared_chunks(upload, data, position, archive=archive, **options)
    try:
        # A chunk keeps ~100,000 objects alive (documents, observations, items) and the import makes no cycles
        # (nothing is left for the collector afterwards): automatic collections would only rescan them, about a
        # tenth of the preparation time.
        with gc_paused():
            while True:
                with transaction.atomic():
                    # a chunk's commit need not wait for its WAL flush: a crash loses only the last chunks, and
                    # their progress with them, so a retry redoes them; each checkup's ~10 kB `items` is lz4'd
                    commit_asynchronously(compress_lz4=True)
                    locked = Upload.objects.select_for_update().defer("content", "report").get(pk=upload_id)
                    if locked.done != position:  # another run got further: continue after its last committed chunk
                        chunks.close()
                        position, chunks = locked.done, _prepared_chunks(upload, data, locked.done, **options)
                    chunk = next(chunks, []) if locked.done < checkup_count else []
                    if not chunk and locked.done < locked.total:  # the checkup files are done: the guidance files
                        _guidance_step(locked, archive, data, checkup_count, submitter, today, chunk_size)
                        position = locked.done
                        continue
                    if not chunk:
                        commit_synchronously()  # flushes the WAL of every chunk before the upload reads as done
                        _finish(locked)
                        return locked
                    outcomes = (
                        [_from_provider(prepared) for prepared in chunk]
                        if submitter.provider is not None
                        else records_receive(
                            chunk,
                            submitter=submitter,
                            source=upload.source,
                            employer_context=employer_context,
                            upload_id=upload_id,
                        )
                    )
                    _advance(locked, [p.name for p in chunk], outcomes, chunk)
                    position = locked.done
    finally:
        chunks.close()


def _from_provider(prepared: Prepared) -> Outcome:
    """A guidance provider sends guidance files only; a checkup file in its upload is refused (SPEC §9.6)."""
    return _rejected(finding("file", "checkup_file_from_provider", prepared.name, CHECKUP_FILE_FROM_PROVIDER))


def _guidance_step(
    upload: Upload,
    archive: Archive,
    data: bytes,
    checkup_count: int,
    submitter: Submitter,
    today: dt.date,
    chunk_size: int,
) -> None:
    """The next guidance files (after the checkup files, so a file can follow its checkup in the same archive),
    stored by the guidance app's handler and reported in the same transaction as their progress."""
    start = upload.done - checkup_count
    names = archive.guidance_names()[start : start + chunk_size]
    files: list[tuple[str, bytes | None, RecordError | None]] = []
    for name in names:
        try:
            files.append((name, archive.read_member(name) if archive.index is not None else data, None))
        except MhlwFormatError as exc:
            files.append((name, None, RecordError("file", "unreadable_file", None, exc.message_ja, exc.message_en)))
    handler = guidance_files_handler()
    outcomes: list[FileOutcome | Outcome] = (
        list(handler(files, submitter, today))
        if handler is not None
        else [_rejected(finding("file", "guidance_file_not_supported", name, GUIDANCE_NOT_SUPPORTED)) for name in names]
    )
    if upload.insurer_id is None:
        numbers = [getattr(o, "insurer_number", "") for o in outcomes]
        upload.insurer = Insurer.objects.filter(number__in=[n for n in numbers if n][:1]).first()
    _advance(upload, names, outcomes)


def _submitter_of(upload: Upload) -> Submitter:
    """The submitter an upload was received from; a staff member's upload of a clinic's file (user and clinic
    both set, Submitter.for_staff) stays restricted to its insurer when processed later."""
    on_behalf = upload.submitted_by_user_id is not None and upload.submitted_by_clinic_id is not None
    return Submitter(
        label=upload.submitter,
        clinic=upload.submitted_by_clinic,
        employer=upload.submitted_by_employer,
        user=upload.submitted_by_user,
        provider=upload.submitted_by_provider,
        insurer=upload.insurer if on_behalf else None,
    )


def _finish(upload: Upload) -> None:
    """Done. An upload whose every record was refused keeps only its metadata (who, when, size, sha256, the
    report), never the body (issue #13)."""
    upload.status, upload.finished_at = Upload.Status.DONE, timezone.now()
    fields = ["status", "finished_at"]
    if upload.total and upload.accepted == upload.held == 0:
        upload.content, fields = b"", [*fields, "content"]
    upload.save(update_fields=fields)


def _advance(
    upload: Upload, names: list[str], outcomes: Sequence[Outcome | FileOutcome], chunk: Sequence[Prepared] = ()
) -> None:
    """Progress, counts and the chunk's report entries, in the chunk's transaction."""
    entries = [
        outcome.to_entry(upload.done + offset, name)
        for offset, (name, outcome) in enumerate(zip(names, outcomes, strict=True))
    ]
    upload.done += len(entries)
    upload.accepted += sum(o.status == "accepted" for o in outcomes)
    upload.rejected += sum(o.status == "rejected" for o in outcomes)
    upload.held += sum(o.status == "held" for o in outcomes)
    if upload.insurer_id is None and chunk:  # the first record's insurer: known when it was accepted or held
        first = next((o for p, o in zip(chunk, outcomes, strict=False) if p.document is not None), None)
        if isinstance(first, Outcome) and first.insurer_id is not None:
            upload.insurer_id = first.insurer_id
        else:
            numbers = [p.document.insurer_number for p in chunk if p.document is not None]
            upload.insurer = Insurer.objects.filter(number__in=numbers[:1]).first()
    upload.status = Upload.Status.PROCESSING
    upload.save(update_fields=["done", "accepted", "rejected", "held", "insurer", "status"])
    append_to_json_list(Upload, upload.pk, "report", entries)  # the report so far is not re-sent per chunk


# ---------------------------------------------------------------- one JSON record


class _Rejected(Exception):
    def __init__(self, outcome: Outcome) -> None:
        super().__init__("record rejected")
        self.outcome = outcome


@dataclass(frozen=True)
class JsonResult:
    entry: dict[str, Any]
    upload: Upload | None
    replayed: bool


def checkup_submit(
    *, submitter: Submitter, document: CheckupDocument, body: bytes, idempotency_key: str = ""
) -> JsonResult:
    """One record sent as JSON by a clinic (POST /api/v1/checkups/).

    Accepted and held records are kept with an Upload (kind json) so an Idempotency-Key sent again answers the
    first result; a rejected record stores nothing (the key is not used up, the client may fix and resend).
    """
    sha256 = hashlib.sha256(body).hexdigest()
    if idempotency_key:
        found = _existing(submitter, sha256, idempotency_key)
        if found is not None:
            return JsonResult(entry=found.report[0] if found.report else {}, upload=found, replayed=True)
    try:
        with transaction.atomic():
            upload = Upload.objects.create(
                submitter=submitter.label,
                submitted_by_clinic=submitter.clinic,
                submitted_by_employer=submitter.employer,
                kind=Upload.Kind.JSON,
                source=Source.CLINIC_API,
                sha256=sha256,
                size=len(body),
                content=body,
                idempotency_key=idempotency_key[:200],
                total=1,
                status=Upload.Status.PROCESSING,
            )
            prepared = prepare_document("json", document, today=_today())
            outcome = records_receive(
                [prepared],
                submitter=submitter,
                source=Source.CLINIC_API,
                employer_context=submitter.is_employer,
                upload_id=upload.pk,
            )[0]
            if outcome.status == "rejected":
                raise _Rejected(outcome)
            entry = outcome.to_entry(0, "json")
            _advance(upload, ["json"], [outcome], [prepared])
            upload.status, upload.finished_at = Upload.Status.DONE, timezone.now()
            upload.save(update_fields=["status", "finished_at"])
    except _Rejected as rejected:
        return JsonResult(entry=rejected.outcome.to_entry(0, "json"), upload=None, replayed=False)
    except IntegrityError:
        found = _existing(submitter, sha256, idempotency_key) if idempotency_key else None
        if found is None:
            raise
        return JsonResult(entry=found.report[0] if found.report else {}, upload=found, replayed=True)
    return JsonResult(entry=entry, upload=upload, replayed=False)
