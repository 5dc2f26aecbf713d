"""Write paths for employer checkup data (SPEC §7): requests, CSV import, paper entry, completing items.

Every record goes through `intake.services.checkup_receive` (match → store or hold, judge, choose the counted
checkup of the person-year), so employer data follows the same path as a clinic's upload.
"""

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from checkups.codes import Source
from checkups.mhlw.document import CheckupDocument, Observation
from checkups.mhlw.validation import RecordError, validate_document
from checkups.models import Checkup, HeldRecord
from intake.services import StoreResult, checkup_correct_item, checkup_receive, checkups_choose_counted, checkups_judge
from members.fiscal import fiscal_year_of
from members.models import Employer, Insurer

from .csv_import import RowOutcome, evaluate_file, preview
from .mapping import ColumnSpec
from .models import CsvImport, CsvMapping, Submission
from .selectors import submission_counts
from .status import submission_status


class EntryRefused(Exception):
    """A paper entry or a completion that fails validation; errors carry ja/en messages."""

    def __init__(self, errors: list[RecordError]) -> None:
        super().__init__("; ".join(e.message_en for e in errors))
        self.errors = errors


# ------------------------------------------------------------------ submissions (SPEC §7.3)


@transaction.atomic
def submission_request(
    *, employer: Employer, fiscal_year: int, requested_on: dt.date, due_on: dt.date | None = None, notes: str = ""
) -> Submission:
    """Record that the insurer asked the employer for the year's results (the letter was sent)."""
    submission, _ = Submission.objects.get_or_create(
        employer=employer, fiscal_year=fiscal_year, defaults={"insurer_id": employer.insurer_id}
    )
    submission.requested_on, submission.due_on = requested_on, due_on
    if notes:
        submission.notes = notes
    submission.save()
    submissions_refresh(insurer_id=employer.insurer_id, fiscal_year=fiscal_year, employer_ids=[employer.pk])
    submission.refresh_from_db()
    return submission


def submissions_refresh(
    *, insurer_id: int, fiscal_year: int, employer_ids: Iterable[int] | None = None, received_on: dt.date | None = None
) -> int:
    """Recompute the status from the counts (a few queries for the whole insurer-year); returns rows changed.

    Employers that sent data without a request get a submission row so the status page shows them.
    """
    counts = submission_counts(insurer_id=insurer_id, fiscal_year=fiscal_year)
    wanted = set(employer_ids) if employer_ids is not None else None
    existing = {s.employer_id: s for s in Submission.objects.filter(insurer_id=insurer_id, fiscal_year=fiscal_year)}
    for employer_id, employer_counts in counts.items():
        if employer_counts.received_total and employer_id not in existing and (wanted is None or employer_id in wanted):
            existing[employer_id] = Submission.objects.create(
                insurer_id=insurer_id, employer_id=employer_id, fiscal_year=fiscal_year
            )
    changed = []
    for employer_id, submission in existing.items():
        if wanted is not None and employer_id not in wanted:
            continue
        of_employer = counts.get(employer_id)
        status = submission_status(
            requested=submission.requested_on is not None,
            expected=of_employer.expected_total if of_employer else 0,
            received=of_employer.received_total if of_employer else 0,
            confirmed_complete=submission.confirmed_complete,
        )
        touched = received_on is not None and employer_counts is not None and employer_counts.received_total > 0
        if status != submission.status or touched:
            submission.status = status
            if touched:
                submission.last_received_on = received_on
            changed.append(submission)
    Submission.objects.bulk_update(changed, ["status", "last_received_on"])
    return len(changed)


# ------------------------------------------------------------------ CSV (SPEC §7.2)


def _specs(mapping: CsvMapping) -> list[ColumnSpec]:
    return [ColumnSpec.from_json(c) for c in mapping.columns]


def _clinic(mapping: CsvMapping) -> tuple[str, str]:
    return (mapping.clinic.number, mapping.clinic.name) if mapping.clinic else ("", "")


@transaction.atomic
def csv_import_prepare(
    *,
    insurer: Insurer,
    employer: Employer,
    mapping: CsvMapping,
    data: bytes,
    file_name: str,
    uploaded_by_id: int | None,
    today: dt.date,
) -> tuple[CsvImport, list[dict[str, Any]]]:
    """Keep the file and show what the mapping makes of it (nothing is stored as checkups before confirm).

    Raises csv_import.CsvUnreadable for a file that cannot be decoded or lacks mapped columns.
    """
    sha256 = hashlib.sha256(data).hexdigest()
    specs = _specs(mapping)
    encoding, rows = evaluate_file(data, specs, insurer_number=insurer.number, today=today, clinic=_clinic(mapping))
    duplicate = CsvImport.objects.filter(insurer=insurer, sha256=sha256, status=CsvImport.Status.IMPORTED).first()
    record = CsvImport.objects.create(
        insurer=insurer,
        employer=employer,
        mapping=mapping,
        file_name=file_name[:255],
        sha256=sha256,
        content=data,
        encoding=encoding,
        status=CsvImport.Status.DUPLICATE if duplicate else CsvImport.Status.PREVIEWED,
        row_count=len(rows),
        rejected_count=sum(1 for _, o in rows if not o.ok),
        incomplete_count=sum(1 for _, o in rows if o.ok and o.missing and not o.under_40),
        report=[o.report() for _, o in rows if o.errors],
        uploaded_by_id=uploaded_by_id,
    )
    return record, preview(rows, specs)


ROW_REJECTED, ROW_HELD, ROW_STORED = "rejected", "held", "stored"  # a CSV row's result in CsvImport.report
ROW_RESULT_LABELS = {ROW_REJECTED: _("取り込めません"), ROW_HELD: _("保留(照合待ち)"), ROW_STORED: _("登録しました")}


def _row_report(outcome: RowOutcome, result: StoreResult | None) -> dict[str, Any]:
    entry = outcome.report()
    if result is None:
        entry["result"] = ROW_REJECTED
    elif result.held is not None:
        entry.update(result=ROW_HELD, held_id=result.held.pk, reason_ja=result.held.reason_ja)
        entry["reason_en"] = result.held.reason_en
    else:
        assert result.checkup is not None
        entry.update(result=ROW_STORED, checkup_id=result.checkup.pk, created=result.created)
        entry["complete"] = result.checkup.is_complete
    return entry


def _already_held(insurer_id: int, employer: Employer, document: CheckupDocument) -> StoreResult | None:
    """The same unmatched row sent again (another file) joins the held record instead of adding a second one."""
    if document.exam_date is None:  # not a valid row: nothing was held for it
        return None
    held = HeldRecord.objects.filter(
        insurer_id=insurer_id,
        submitted_by_employer=employer,
        status=HeldRecord.Status.HELD,
        exam_date=document.exam_date,
        document__card_number=document.card_number,
        document__birth_date=document.birth_date.isoformat() if document.birth_date else None,
    ).first()
    return StoreResult(checkup=None, held=held, created=False) if held else None


@transaction.atomic
def csv_import_confirm(*, csv_import: CsvImport, today: dt.date) -> CsvImport:
    """Store every valid row (matched → checkup, unmatched → held); bad rows are reported, the others imported.

    The same bytes are imported once per insurer (re-import → status duplicate, nothing stored); a row already
    stored (same person, exam date, programme) is a correction kept in its history, never a duplicate (the one
    store path, `intake.store`).
    """
    record = CsvImport.objects.select_for_update().get(pk=csv_import.pk)
    already = CsvImport.objects.filter(
        insurer_id=record.insurer_id, sha256=record.sha256, status=CsvImport.Status.IMPORTED
    ).exclude(pk=record.pk)
    if record.status != CsvImport.Status.PREVIEWED or already.exists():
        if record.status == CsvImport.Status.PREVIEWED:
            record.status = CsvImport.Status.DUPLICATE
            record.save(update_fields=["status"])
        return record
    employer = record.employer
    specs = _specs(record.mapping)
    _, rows = evaluate_file(
        bytes(record.content), specs, insurer_number=record.insurer.number, today=today, clinic=_clinic(record.mapping)
    )
    report, years = [], set()
    stored = held = rejected = incomplete = 0
    for _, outcome in rows:
        result = None
        if outcome.ok:
            assert outcome.document is not None
            result = _already_held(record.insurer_id, employer, outcome.document) or checkup_receive(
                insurer=record.insurer,
                document=outcome.document,
                source=Source.EMPLOYER,
                submitted_by_employer=employer,
                missing_items=outcome.missing,
            )
            years.add(fiscal_year_of(outcome.document.exam_date))  # type: ignore[arg-type]  # a valid row has one
            stored += result.checkup is not None
            held += result.held is not None
            incomplete += bool(result.checkup is not None and outcome.missing and not outcome.under_40)
        else:
            rejected += 1
        report.append(_row_report(outcome, result))
    record.status, record.imported_at = CsvImport.Status.IMPORTED, timezone.now()
    record.stored_count, record.held_count, record.rejected_count = stored, held, rejected
    record.incomplete_count, record.report = incomplete, report
    record.save()
    for year in sorted(years):
        submissions_refresh(
            insurer_id=record.insurer_id, fiscal_year=year, employer_ids=[employer.pk], received_on=today
        )
    return record


# ------------------------------------------------------------------ paper (SPEC §7.2)


@transaction.atomic
def paper_entry_store(*, employer: Employer, document: CheckupDocument, today: dt.date) -> StoreResult:
    """A paper result typed in by staff: the same validation as files (SPEC §9.4); 特定健診 gaps are kept as
    missing items (SPEC §7.1)."""
    document.program = "030"  # 事業者健診 (SPEC §7.2)
    document.insurer_number = employer.insurer.number
    report = validate_document(document, today=today)
    if not report.ok:
        raise EntryRefused(report.errors)
    result = checkup_receive(
        insurer=employer.insurer,
        document=document,
        source=Source.EMPLOYER,
        submitted_by_employer=employer,
        missing_items=[asdict(m) for m in report.missing_for_specific_checkup],
    )
    submissions_refresh(
        insurer_id=employer.insurer_id,
        fiscal_year=fiscal_year_of(document.exam_date),  # type: ignore[arg-type]  # a stored record has one
        employer_ids=[employer.pk],
        received_on=today,
    )
    return result


# ------------------------------------------------------------------ completing items (SPEC §7.1)


def document_from_checkup(checkup: Checkup) -> CheckupDocument:
    """The stored record as a document again (header from the person, items as stored)."""
    person = checkup.person
    clinic = checkup.clinic
    observations = [Observation.from_item(code, entry) for code, entry in checkup.items.items()]
    return CheckupDocument(
        insurer_number=checkup.insurer.number,
        card_symbol=person.card_symbol,
        card_number=person.card_number,
        card_branch=person.card_branch,
        name_kana=person.name_kana,
        sex=person.sex,
        birth_date=person.birth_date,
        clinic_number=clinic.number if clinic else "",
        clinic_name=clinic.name if clinic else "",
        exam_date=checkup.exam_date,
        program=checkup.program,
        observations=observations,
        period=4 if checkup.fiscal_year >= 2024 else 3,  # SPEC §9.3
    )


@transaction.atomic
def checkup_recompute_completeness(*, checkup: Checkup, today: dt.date) -> Checkup:
    """Re-run the 特定健診 requirement check over the stored items; a complete record then counts (SPEC §6.1)."""
    report = validate_document(document_from_checkup(checkup), today=today)
    missing = (
        report.missing_for_specific_checkup
        if checkup.program == "030"
        else [e for e in report.errors if e.code.startswith("required_")]
    )
    checkup.missing_items = [asdict(m) for m in missing]
    checkup.is_complete = not missing
    checkup.save(update_fields=["missing_items", "is_complete", "updated_at"])
    checkups_choose_counted(person_ids=[checkup.person_id], fiscal_years=[checkup.fiscal_year])
    same_year = list(
        Checkup.objects.filter(person_id=checkup.person_id, fiscal_year=checkup.fiscal_year).values_list(
            "pk", flat=True
        )
    )
    checkups_judge(checkup_ids=same_year)  # the counted record may have changed: re-sync its guidance
    checkup.refresh_from_db()
    return checkup


@transaction.atomic
def checkup_complete_items(
    *, checkup: Checkup, values: Mapping[str, str], reason: str, user: Any, today: dt.date
) -> Checkup:
    """Staff complete missing items (typically the questionnaire medication answers, SPEC §7.1): each value is
    validated and kept in the correction history, then completeness and the counted checkup are recomputed."""
    for code, value in values.items():
        if value in (None, ""):
            continue
        checkup = checkup_correct_item(checkup=checkup, item_code=code, value=value, reason=reason, user=user)
    return checkup_recompute_completeness(checkup=checkup, today=today)


__all__ = [
    "EntryRefused",
    "checkup_complete_items",
    "checkup_recompute_completeness",
    "csv_import_confirm",
    "csv_import_prepare",
    "document_from_checkup",
    "paper_entry_store",
    "submission_request",
    "submissions_refresh",
]
