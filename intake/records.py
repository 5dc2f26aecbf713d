"""Reading records: parse and validate one member of an upload (Prepared), possibly in a worker process, and
hand prepared chunks to the store (`records_receive`)."""

import dataclasses
import datetime as dt
import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP
from typing import Any

from django.db import DatabaseError, transaction
from django.utils.translation import gettext_lazy as _

from checkups.codes import Program, Source
from checkups.intake_types import Incoming, Outcome, Submitter, rejected
from checkups.items import columns_from_items
from checkups.judgments import READ_FIELDS, judge_row
from checkups.mhlw.cda import parse_cda
from checkups.mhlw.document import CheckupDocument
from checkups.mhlw.errors import MhlwFormatError
from checkups.mhlw.findings import finding
from checkups.mhlw.validation import RecordError, validate_document
from checkups.resends import Sender
from infra.i18n import message
from members.age_basis import age_basis
from members.fiscal import fiscal_year_of

from .judge_new import DECIMAL_PLACES
from .matching import exam_day
from .store import checkups_receive_many

# ---------------------------------------------------------------- reading one record


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
    read_file: Callable[[], bytes] | None = None  # of a record prepared in a worker process (see below)
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
    fiscal_years = [fiscal_year_of(exam_day(doc)) for _, doc, _ in valid]
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
        next(prepared) if report.ok else Prepared(name, failure=rejected(*report.errors, warnings=report.warnings))
        for (name, _), report in zip(documents, reports, strict=True)
    ]


def _as_stored(columns: dict[str, Any]) -> dict[str, Any]:
    """Decimals rounded to their column's scale, as the database stores (and the judge reads) them."""
    for name, places in DECIMAL_PLACES.items():
        value = columns.get(name)
        if value is not None:
            columns[name] = value.quantize(places, rounding=ROUND_HALF_UP)
    return columns


def prepare_member(name: str, data: bytes | None, *, today: dt.date, read_error: RecordError | None = None) -> Prepared:
    """Parse (locked-down parser) and validate one CDA file of an upload."""
    return prepare_chunk([(name, data, read_error)], today)[0]


def _parse_member(name: str, data: bytes | None, read_error: RecordError | None) -> CheckupDocument | Prepared:
    """The parsed document, or the rejected record when the file cannot be read or parsed."""
    if data is None:
        return Prepared(name, failure=rejected(read_error or RecordError("file", "unreadable_file", None, "", "")))
    try:
        return parse_cda(data)
    except MhlwFormatError as exc:
        where = f"{name} {exc.location}".strip()
        error = RecordError("file", exc.code, name, exc.message_ja, exc.message_en + f" ({where})")
        return Prepared(name, failure=rejected(error))


def prepare_chunk(members: list[tuple[str, bytes | None, RecordError | None]], today: dt.date) -> list[Prepared]:
    """Parse every member, then prepare the parsed documents together (see `_prepare_documents`)."""
    parsed = [_parse_member(name, data, error) for name, data, error in members]
    documents = [
        (name, doc) for (name, _, _), doc in zip(members, parsed, strict=True) if isinstance(doc, CheckupDocument)
    ]
    prepared = iter(_prepare_documents(documents, today))
    return [next(prepared) if isinstance(doc, CheckupDocument) else doc for doc in parsed]


def prepare_chunk_slim(members: list[tuple[str, bytes | None, RecordError | None]], today: dt.date) -> list[Prepared]:
    """In a worker process: the result travels back as text (the items' JSON) plus the header, cheap to unpickle.
    The observations stay behind: the main process sets `read_file`, so the rare record that is held for staff
    is read and parsed again for its stored document instead of every record serialising its document."""
    prepared = prepare_chunk(members, today)
    for record in prepared:
        if record.document is not None:
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
        read_file=prepared.read_file,
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
    savepoint: bool = True,
) -> list[Outcome]:
    """Store a prepared chunk of upload `upload_id`; a database failure of the chunk falls back to one savepoint
    per record. `savepoint=False`: the caller's transaction is the record's (one JSON record), and the caller
    turns a database failure into `storage_failed` itself."""
    outcomes: list[Outcome | None] = [p.failure for p in prepared]
    make_incoming = functools.partial(
        _incoming, submitter=submitter, source=source, employer_context=employer_context, upload_id=upload_id
    )
    ready = [(position, make_incoming(p), p.warnings) for position, p in enumerate(prepared) if p.failure is None]
    if ready:
        stored = _store_chunk([incoming for _, incoming, _ in ready], savepoint=savepoint)
        for (position, _, warnings), outcome in zip(ready, stored, strict=True):
            outcome.warnings = warnings + outcome.warnings
            outcomes[position] = outcome
    return [o or rejected() for o in outcomes]


def _store_chunk(records: list[Incoming], *, savepoint: bool) -> list[Outcome]:
    if not savepoint:
        return checkups_receive_many(records)
    try:
        with transaction.atomic():
            return checkups_receive_many(records)
    except DatabaseError:
        return [_store_one(record) for record in records]


def _store_one(incoming: Incoming) -> Outcome:
    try:
        with transaction.atomic():
            return checkups_receive_many([incoming])[0]
    except DatabaseError as exc:
        return rejected(storage_failed(exc))


STORAGE_FAILED = _(
    "この記録は保存できませんでした (%(error)s: 同時に送信された同じ健診と競合した可能性があります)。再送してください。"
)


def storage_failed(exc: DatabaseError) -> RecordError:
    """A record the database refused (a concurrent send of the same exam, most often): send it again."""
    return finding("record", "storage_failed", None, message(STORAGE_FAILED, error=type(exc).__name__))
