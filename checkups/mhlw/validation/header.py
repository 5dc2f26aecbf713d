"""The record's header: insurer number, card branch, sex, programme and the exam and birth dates (SPEC §1.5)."""

import datetime as dt

from checkups.mhlw.document import CheckupDocument
from checkups.mhlw.findings import RecordError
from checkups.mhlw.validation_rules import CARD_BRANCH_LENGTH, INSURER_NUMBER_LENGTH, MAX_AGE, SUPPORTED_PROGRAMS
from members.fiscal import age_on

from .report import ValidationReport


def check_header(doc: CheckupDocument, today: dt.date, report: ValidationReport) -> None:
    errors = report.errors
    if not (doc.insurer_number.isdigit() and len(doc.insurer_number) == INSURER_NUMBER_LENGTH):
        errors.append(
            RecordError(
                "insurer_number",
                "bad_insurer_number",
                doc.insurer_number,
                f"保険者番号 '{doc.insurer_number}' は8桁の数字でなければなりません (SPEC §1.5)。",
                f"Insurer number '{doc.insurer_number}' must be 8 digits (SPEC §1.5).",
            )
        )
    if doc.card_branch and not (doc.card_branch.isdigit() and len(doc.card_branch) == CARD_BRANCH_LENGTH):
        errors.append(
            RecordError(
                "card_branch",
                "bad_format",
                doc.card_branch,
                f"枝番 '{doc.card_branch}' は2桁の数字でなければなりません (SPEC §1.5)。",
                f"Card branch '{doc.card_branch}' must be 2 digits (SPEC §1.5).",
            )
        )
    if doc.sex not in (1, 2):
        errors.append(
            RecordError(
                "sex",
                "bad_sex",
                None if doc.sex is None else str(doc.sex),
                f"性別 '{doc.sex}' は 1(男) または 2(女) でなければなりません。",
                f"Sex '{doc.sex}' must be 1 (male) or 2 (female).",
            )
        )
    if doc.program not in SUPPORTED_PROGRAMS:
        errors.append(
            RecordError(
                "program",
                "unsupported_program",
                doc.program,
                f"プログラム種別 '{doc.program}' は取り込めません (010 特定健診, 030 事業者健診のみ)。",
                f"Programme '{doc.program}' is not accepted (only 010 特定健診 and 030 事業者健診).",
            )
        )
    check_dates(doc, today, errors)


def check_dates(doc: CheckupDocument, today: dt.date, errors: list[RecordError]) -> None:
    exam, birth = doc.exam_date, doc.birth_date
    if exam is None:
        errors.append(RecordError("exam_date", "exam_date_missing", None, "健診実施日がありません。", "No exam date."))
    elif exam > today:
        errors.append(
            RecordError(
                "exam_date",
                "exam_date_in_future",
                exam.isoformat(),
                f"健診実施日 {exam.isoformat()} が未来の日付です (本日 {today.isoformat()})。",
                f"Exam date {exam.isoformat()} is in the future (today is {today.isoformat()}).",
            )
        )
    if birth is None:
        errors.append(RecordError("birth_date", "birth_date_missing", None, "生年月日がありません。", "No birth date."))
    elif exam is not None and birth >= exam:
        errors.append(
            RecordError(
                "birth_date",
                "birth_date_not_before_exam",
                birth.isoformat(),
                f"生年月日 {birth.isoformat()} が健診実施日 {exam.isoformat()} 以降です。",
                f"Birth date {birth.isoformat()} is not before the exam date {exam.isoformat()}.",
            )
        )
    elif exam is not None and not 0 <= age_on(birth, exam) <= MAX_AGE:
        age = age_on(birth, exam)
        errors.append(
            RecordError(
                "birth_date",
                "age_out_of_range",
                birth.isoformat(),
                f"健診実施日時点の年齢 {age} 歳が 0〜{MAX_AGE} 歳の範囲外です (生年月日 {birth.isoformat()})。",
                f"Age {age} on the exam date is outside 0–{MAX_AGE} (birth date {birth.isoformat()}).",
            )
        )
