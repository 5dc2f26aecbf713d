"""Clinic and employer uploads: intake (idempotent), processing in chunks, and a per-record report.

An upload is a 4th- or 3rd-period MHLW archive (SPEC §9.1, §9.3), a single CDA file, or one JSON record. Each
record is parsed with the locked-down parser, validated (SPEC §9.4, §4.4, date sanity), matched to a person
(SPEC §1.5) and stored, held for review or rejected with its reasons; one bad record never blocks the others.

Records are stored in chunks by `checkups_receive_many`: one query per chunk for insurers, persons, clinics and
existing checkups, bulk inserts, then one `checkups_choose_counted` and one `checkups_judge` call per chunk.
Progress (`done`) and the report advance in the same transaction as the chunk's records, so a retried task
resumes after the last committed chunk and never stores a record twice.
"""

import datetime as dt
import hashlib
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from members.actors import Actor, ActorKind
from members.fiscal import age_at_fiscal_year_end, fiscal_year_of
from members.models import Clinic, Employer, InsuredPerson, Insurer
from members.normalize import normalize_branch, normalize_card_part

from .codes import Program, Source
from .items import columns_from_items
from .mhlw.archive import Archive, ArchiveLimits, open_upload
from .mhlw.cda import parse_cda
from .mhlw.document import CheckupDocument
from .mhlw.errors import MhlwFormatError
from .mhlw.validation import RecordError, validate_document
from .models import Checkup, HeldRecord, Upload
from .services import checkups_choose_counted, checkups_judge

# ◆ Uploads with at most this many checkup records are processed in the request; larger ones by a task.
SMALL_UPLOAD_RECORDS = 50
CHUNK_SIZE = 500  # records per transaction while processing
EMPLOYER_SENDER = "6631111116"  # common sender number of an employer (事業主) archive (SPEC §7.2)
EMPLOYER_SERVICE_EVENT = 4  # 実施区分 4 他の健診結果の受領分 (SPEC §7.2)
CLINIC_NUMBER_LENGTH = 10  # 健診機関番号 (SPEC §9.1)
_STORED_FIELDS = {f.name for f in Checkup._meta.get_fields()}


@dataclass(frozen=True)
class Submitter:
    """Who sent an upload; `label` is unique per submitter ("clinic:<pk>", "employer:<pk>", "command")."""

    label: str
    clinic: Clinic | None = None
    employer: Employer | None = None
    user: Any = None

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
        if user is not None and getattr(user, "pk", None):
            return cls(label=f"user:{user.pk}", user=user)
        return cls(label=actor.label or "command")


@dataclass
class Incoming:
    """One parsed and validated record on its way to the database."""

    document: CheckupDocument
    source: str
    submitted_by_clinic: Clinic | None = None
    submitted_by_employer: Employer | None = None
    missing_items: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Outcome:
    """What happened to one record: accepted (checkup id), held (held record id) or rejected (errors)."""

    status: str  # "accepted" | "held" | "rejected"
    checkup_id: int | None = None
    held_id: int | None = None
    created: bool = False
    errors: list[RecordError] = field(default_factory=list)
    warnings: list[RecordError] = field(default_factory=list)
    reason_ja: str = ""
    reason_en: str = ""

    def to_entry(self, index: int, name: str) -> dict[str, Any]:
        entry: dict[str, Any] = {"index": index, "file": name, "status": self.status}
        if self.checkup_id is not None:
            entry["checkup"] = self.checkup_id
            entry["created"] = self.created
        if self.held_id is not None:
            entry["held"] = self.held_id
            entry["message_ja"], entry["message_en"] = self.reason_ja, self.reason_en
        entry["errors"] = [asdict(e) for e in self.errors]
        entry["warnings"] = [asdict(w) for w in self.warnings]
        return entry


def _rejected(*errors: RecordError, warnings: Sequence[RecordError] = ()) -> Outcome:
    return Outcome(status="rejected", errors=list(errors), warnings=list(warnings))


# ---------------------------------------------------------------- bulk storage


def _match(
    people: list[InsuredPerson], doc: CheckupDocument
) -> tuple[InsuredPerson | None, str, str]:  # same rule and wording as members.matching.person_match (SPEC §1.5)
    branch = doc.card_branch
    if branch:
        people = [p for p in people if p.card_branch == normalize_branch(branch)]
    if not people:
        return None, "記号・番号・枝番に一致する加入者がいません", "no insured person with this card"
    confirmed = [p for p in people if p.birth_date == doc.birth_date and p.sex == doc.sex]
    if len(confirmed) == 1:
        return confirmed[0], "", ""
    if not confirmed:
        return (
            None,
            "記号・番号は一致しますが生年月日または性別が一致しません",
            "the card matches but the birth date or sex does not",
        )
    return None, "複数の加入者に一致します(枝番を確認してください)", "several persons match (check the branch)"


def _clinics(documents: Sequence[CheckupDocument]) -> dict[str, Clinic]:
    """健診実施機関 by number, creating unknown ones (as services._clinic_for does), in three queries."""
    names: dict[str, str] = {}
    for doc in documents:
        number = doc.clinic_number or doc.author_org_number
        if number and len(number) == CLINIC_NUMBER_LENGTH and number.isdigit():
            names.setdefault(number, doc.clinic_name or number)
    known = {c.number: c for c in Clinic.objects.filter(number__in=names)}
    missing = [Clinic(number=n, name=name[:200]) for n, name in names.items() if n not in known]
    if missing:
        Clinic.objects.bulk_create(missing, ignore_conflicts=True)
        known = {c.number: c for c in Clinic.objects.filter(number__in=names)}
    return known


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


def checkups_receive_many(records: Sequence[Incoming]) -> list[Outcome]:
    """Match and store many validated records at once (bulk variant of services.checkup_receive).

    Same behaviour per record: unknown insurer → rejected; no matching person → HeldRecord; else the exam is
    stored (a re-send of the same person, exam date and programme replaces it), the counted checkup of the year
    is chosen and the record is judged. Runs inside the caller's transaction.
    """
    outcomes: list[Outcome | None] = [None] * len(records)
    insurers = {i.number: i for i in Insurer.objects.filter(number__in={r.document.insurer_number for r in records})}
    keys: dict[int, tuple[int, str, str]] = {}
    for position, record in enumerate(records):
        doc, employer = record.document, record.submitted_by_employer
        insurer = insurers.get(doc.insurer_number)
        if insurer is None:
            outcomes[position] = _rejected(_unknown_insurer(doc.insurer_number))
        elif employer is not None and employer.insurer_id != insurer.pk:
            outcomes[position] = _rejected(_wrong_insurer(doc.insurer_number, employer))
        else:
            keys[position] = (
                insurer.pk,
                normalize_card_part(doc.card_symbol),
                normalize_card_part(doc.card_number),
            )
    candidates: dict[tuple[int, str, str], list[InsuredPerson]] = {}
    if keys:
        people = InsuredPerson.objects.filter(
            insurer_id__in={k[0] for k in keys.values()}, card_number__in={k[2] for k in keys.values()}
        ).only("pk", "insurer_id", "card_symbol", "card_number", "card_branch", "birth_date", "sex")
        for person in people:
            candidates.setdefault((person.insurer_id, person.card_symbol, person.card_number), []).append(person)
    matched: dict[int, InsuredPerson] = {}
    held: list[tuple[int, HeldRecord]] = []
    for position, key in keys.items():
        record = records[position]
        person, reason_ja, reason_en = _match(candidates.get(key, []), record.document)
        if person is not None:
            matched[position] = person
            continue
        held.append(
            (
                position,
                HeldRecord(
                    insurer_id=key[0],
                    submitted_by_clinic=record.submitted_by_clinic,
                    submitted_by_employer=record.submitted_by_employer,
                    source=record.source,
                    document={**record.document.to_json(), "missing_items": list(record.missing_items)},
                    exam_date=record.document.exam_date,
                    reason_ja=reason_ja,
                    reason_en=reason_en,
                ),
            )
        )
    if held:
        HeldRecord.objects.bulk_create([h for _, h in held])
        for position, record_held in held:
            outcomes[position] = Outcome(
                status="held", held_id=record_held.pk, reason_ja=record_held.reason_ja, reason_en=record_held.reason_en
            )
    if matched:
        for position, outcome in _store_many(records, matched).items():
            outcomes[position] = outcome
    return [o if o is not None else _rejected() for o in outcomes]


def _store_many(records: Sequence[Incoming], matched: dict[int, InsuredPerson]) -> dict[int, Outcome]:
    """Bulk version of services.checkup_store for the matched records (same columns, same replacement rule)."""
    clinics = _clinics([records[p].document for p in matched])
    exam_key = {
        p: (person.pk, records[p].document.exam_date, records[p].document.program) for p, person in matched.items()
    }
    existing = {
        (person_id, exam_date, program): pk
        for pk, person_id, exam_date, program in Checkup.objects.filter(
            person_id__in={k[0] for k in exam_key.values()}, exam_date__in={k[1] for k in exam_key.values()}
        ).values_list("pk", "person_id", "exam_date", "program")
    }
    objects: dict[tuple[int, dt.date, str], Checkup] = {}  # the last record of a person-exam in the chunk wins
    for position, person in matched.items():
        record = records[position]
        doc = record.document
        fiscal_year = fiscal_year_of(doc.exam_date)
        items = doc.items_dict()
        columns = columns_from_items(items, fiscal_year=fiscal_year)
        number = doc.clinic_number or doc.author_org_number
        key = exam_key[position]
        objects[key] = Checkup(
            pk=existing.get(key),
            person_id=person.pk,
            insurer_id=person.insurer_id,
            clinic=clinics.get(number),
            submitted_by_clinic=record.submitted_by_clinic,
            submitted_by_employer=record.submitted_by_employer,
            exam_date=doc.exam_date,
            program=doc.program,
            fiscal_year=fiscal_year,
            age_at_fy_end=age_at_fiscal_year_end(person.birth_date, fiscal_year),
            source=record.source,
            items=items,
            is_complete=not record.missing_items,
            missing_items=list(record.missing_items),
            counts_for_fiscal_year=False,  # decided below among all of the person's checkups of the year
            **{k: v for k, v in columns.items() if k in _STORED_FIELDS},
        )
    new = [c for c in objects.values() if c.pk is None]
    old = [c for c in objects.values() if c.pk is not None]
    Checkup.objects.bulk_create(new, batch_size=1000)
    if old:
        now = timezone.now()
        for checkup in old:
            checkup.updated_at = now
        update_fields = [
            f.name
            for f in Checkup._meta.concrete_fields
            if f.name not in ("id", "person", "exam_date", "program", "created_at") and not f.primary_key
        ]
        Checkup.objects.bulk_update(old, update_fields, batch_size=500)
    created_keys = {(c.person_id, c.exam_date, c.program) for c in new}
    ids = [c.pk for c in objects.values()]
    checkups_choose_counted(
        person_ids={c.person_id for c in objects.values()}, fiscal_years={c.fiscal_year for c in objects.values()}
    )
    checkups_judge(checkup_ids=ids)
    return {
        position: Outcome(status="accepted", checkup_id=objects[key].pk, created=key in created_keys)
        for position, key in exam_key.items()
    }


# ---------------------------------------------------------------- reading one record


def _today() -> dt.date:
    return timezone.localdate()


def record_prepare(
    doc: CheckupDocument, *, submitter: Submitter, source: str, employer_context: bool, today: dt.date
) -> tuple[Incoming | None, Outcome | None]:
    """Validate one record (SPEC §9.4, §4.4); employer records carry the 特定健診 items they lack (SPEC §7.1)."""
    report = validate_document(doc, today=today)
    if not report.ok:
        return None, _rejected(*report.errors, warnings=report.warnings)
    employer_record = employer_context or doc.program == Program.EMPLOYER_CHECKUP
    missing = [asdict(m) for m in report.missing_for_specific_checkup] if employer_record else []
    incoming = Incoming(
        document=doc,
        source=Source.EMPLOYER if employer_record and submitter.clinic is None else source,
        submitted_by_clinic=submitter.clinic,
        submitted_by_employer=submitter.employer,
        missing_items=missing,
    )
    return incoming, Outcome(status="pending", warnings=report.warnings)


def _parse(name: str, data: bytes) -> tuple[CheckupDocument | None, Outcome | None]:
    try:
        return parse_cda(data), None
    except MhlwFormatError as exc:
        where = f"{name} {exc.location}".strip()
        return None, _rejected(
            RecordError("file", "unreadable_file", None, exc.message_ja, exc.message_en + f" ({where})")
        )


def records_receive(
    named: Sequence[tuple[str, CheckupDocument | None, Outcome | None]],
    *,
    submitter: Submitter,
    source: str,
    employer_context: bool,
    today: dt.date,
) -> list[Outcome]:
    """Validate and store a chunk; a database failure of the chunk falls back to one savepoint per record."""
    outcomes: list[Outcome | None] = [None] * len(named)
    ready: list[tuple[int, Incoming, Outcome]] = []
    for position, (_, doc, failure) in enumerate(named):
        if failure is not None or doc is None:
            outcomes[position] = failure or _rejected()
            continue
        incoming, pending = record_prepare(
            doc, submitter=submitter, source=source, employer_context=employer_context, today=today
        )
        if incoming is None:
            outcomes[position] = pending
        else:
            ready.append((position, incoming, pending))  # type: ignore[arg-type]
    if ready:
        try:
            with transaction.atomic():
                stored = checkups_receive_many([incoming for _, incoming, _ in ready])
        except DatabaseError:
            stored = [_store_one(incoming) for _, incoming, _ in ready]
        for (position, _, pending), outcome in zip(ready, stored, strict=True):
            outcome.warnings = pending.warnings + outcome.warnings
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
    return [n for n in archive.data_names() if n.rsplit("/", 1)[-1][:1] not in ("g", "G")]


def _is_employer_archive(archive: Archive | None, submitter: Submitter) -> bool:
    index = archive.index if archive else None
    by_index = index is not None and (
        index.sender == EMPLOYER_SENDER or index.service_event_type == EMPLOYER_SERVICE_EVENT
    )
    return submitter.is_employer or by_index


def _existing(submitter: Submitter, sha256: str, idempotency_key: str) -> Upload | None:
    uploads = Upload.objects.filter(submitter=submitter.label).defer("content")
    if idempotency_key:
        found = uploads.filter(idempotency_key=idempotency_key).first()
        if found:
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
    """
    sha256 = hashlib.sha256(data).hexdigest()
    found = _existing(submitter, sha256, idempotency_key)
    if found is not None:
        return Intake(found, created=False)
    error: dict[str, str] | None = None
    total, kind, insurer, warnings = 0, Upload.Kind.CDA, None, []
    try:
        archive = open_upload(data, file_name or "upload", _limits())
        if archive.index is not None:
            kind, total, warnings = Upload.Kind.ARCHIVE, len(_checkup_names(archive)), list(archive.warnings)
            insurer = Insurer.objects.filter(number=archive.index.receiver).first()
        else:
            total = 1
    except MhlwFormatError as exc:
        error = {"code": "unreadable_file", "message_ja": exc.message_ja, "message_en": exc.message_en}
        kind = Upload.Kind.ARCHIVE if data[:2] == b"PK" else Upload.Kind.CDA
    if submitter.employer is not None:
        insurer = submitter.employer.insurer
    inline = error is None and total <= SMALL_UPLOAD_RECORDS
    upload = Upload(
        submitter=submitter.label,
        submitted_by_clinic=submitter.clinic,
        submitted_by_employer=submitter.employer,
        submitted_by_user=submitter.user,
        insurer=insurer,
        kind=kind,
        source=Source.EMPLOYER if submitter.is_employer else source,
        file_name=(file_name or "")[:255],
        sha256=sha256,
        size=len(data),
        content=data,
        idempotency_key=idempotency_key[:200],
        total=total,
        warnings=warnings,
        status=Upload.Status.FAILED if error else Upload.Status.RECEIVED,
        error=error,
        finished_at=timezone.now() if error else None,
    )
    try:
        with transaction.atomic():
            upload.save()
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
            upload_process(upload_id=upload.pk)
        else:
            from .tasks import checkups_upload_process_task

            transaction.on_commit(lambda: checkups_upload_process_task.delay(upload.pk))
    upload.refresh_from_db()
    return Intake(upload, created=True)


def _documents(upload: Upload, start: int) -> Iterator[tuple[str, CheckupDocument | None, Outcome | None]]:
    data = bytes(upload.content)
    if upload.kind == Upload.Kind.CDA:
        if start == 0:
            yield (upload.file_name, *_parse(upload.file_name, data))
        return
    archive = open_upload(data, upload.file_name, _limits())
    for name in _checkup_names(archive)[start:]:
        try:
            member = archive.read_member(name)
        except MhlwFormatError as exc:
            record = RecordError("file", "unreadable_file", None, exc.message_ja, exc.message_en)
            yield name, None, _rejected(record)
            continue
        yield (name, *_parse(name, member))


def upload_process(*, upload_id: int, chunk_size: int = CHUNK_SIZE, today: dt.date | None = None) -> Upload:
    """Process (or resume) an upload chunk by chunk; records already reported are skipped (safe to run twice)."""
    today = today or _today()
    head = Upload.objects.defer("content").get(pk=upload_id)
    if head.status in (Upload.Status.DONE, Upload.Status.FAILED):
        return head
    upload = Upload.objects.get(pk=upload_id)
    submitter = Submitter(
        label=upload.submitter,
        clinic=upload.submitted_by_clinic,
        employer=upload.submitted_by_employer,
        user=upload.submitted_by_user,
    )
    archive = None
    if upload.kind == Upload.Kind.ARCHIVE:
        archive = open_upload(bytes(upload.content), upload.file_name, _limits())
    employer_context = _is_employer_archive(archive, submitter)
    position = upload.done
    documents = _documents(upload, position)
    while True:
        with transaction.atomic():
            locked = Upload.objects.select_for_update().defer("content").get(pk=upload_id)
            if locked.done != position:  # another run got further: continue after its last committed chunk
                position, documents = locked.done, _documents(upload, locked.done)
            chunk = list(itertools.islice(documents, chunk_size)) if locked.done < locked.total else []
            if not chunk:
                locked.status, locked.finished_at = Upload.Status.DONE, timezone.now()
                locked.save(update_fields=["status", "finished_at"])
                return locked
            outcomes = records_receive(
                chunk, submitter=submitter, source=upload.source, employer_context=employer_context, today=today
            )
            _advance(locked, chunk, outcomes)
            position = locked.done


def _advance(upload: Upload, chunk: list[tuple[str, Any, Any]], outcomes: list[Outcome]) -> None:
    entries = [
        outcome.to_entry(upload.done + offset, name)
        for offset, ((name, _, _), outcome) in enumerate(zip(chunk, outcomes, strict=True))
    ]
    upload.report = [*upload.report, *entries]
    upload.done += len(entries)
    upload.accepted += sum(o.status == "accepted" for o in outcomes)
    upload.rejected += sum(o.status == "rejected" for o in outcomes)
    upload.held += sum(o.status == "held" for o in outcomes)
    if upload.insurer_id is None:
        numbers = [doc.insurer_number for _, doc, _ in chunk if doc is not None]
        upload.insurer = Insurer.objects.filter(number__in=numbers[:1]).first()
    upload.status = Upload.Status.PROCESSING
    upload.save(update_fields=["report", "done", "accepted", "rejected", "held", "insurer", "status"])


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
    if idempotency_key:
        found = _existing(submitter, "", idempotency_key)
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
                sha256=hashlib.sha256(body).hexdigest(),
                size=len(body),
                content=body,
                idempotency_key=idempotency_key[:200],
                total=1,
                status=Upload.Status.PROCESSING,
            )
            outcome = records_receive(
                [("json", document, None)],
                submitter=submitter,
                source=Source.CLINIC_API,
                employer_context=submitter.is_employer,
                today=_today(),
            )[0]
            if outcome.status == "rejected":
                raise _Rejected(outcome)
            _advance(upload, [("json", document, None)], [outcome])
            upload.status, upload.finished_at = Upload.Status.DONE, timezone.now()
            upload.save(update_fields=["status", "finished_at"])
    except _Rejected as rejected:
        return JsonResult(entry=rejected.outcome.to_entry(0, "json"), upload=None, replayed=False)
    except IntegrityError:
        found = _existing(submitter, "", idempotency_key) if idempotency_key else None
        if found is None:
            raise
        return JsonResult(entry=found.report[0] if found.report else {}, upload=found, replayed=True)
    return JsonResult(entry=upload.report[0], upload=upload, replayed=False)
