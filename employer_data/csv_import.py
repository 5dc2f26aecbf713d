"""Reading an employer's CSV with a saved mapping (SPEC §7.2): decode, map, validate. Pure (no database).

Each row is checked on its own: a bad row is reported with line, column, value and rule in Japanese and English
and the other rows go on (unlike the roster, where one bad row rejects the file: a checkup row stands alone).
"""

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from checkups.mhlw.document import CheckupDocument
from checkups.mhlw.itemtable import PROGRAM_EMPLOYER_CHECKUP, PROGRAM_SPECIFIC_CHECKUP, item, required_groups
from checkups.mhlw.validation import validate_document
from infra.i18n import Message, bilingual, message
from members.age_basis import TARGET_AGE_MIN, age_basis
from members.fiscal import fiscal_year_of

from .mapping import CellError, ColumnSpec, map_row

PREVIEW_ROWS = 5
ENCODINGS = ("utf-8-sig", "cp932")  # UTF-8 (with or without BOM), else Shift_JIS (Windows CP932)


class CsvUnreadable(Exception):
    def __init__(self, message_ja: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_ja, self.message_en = message_ja, message_en

    @classmethod
    def of(cls, text: Message) -> "CsvUnreadable":
        """The error of one gettext message (English in locale/en)."""
        return cls(*bilingual(text))


@dataclass
class RowOutcome:
    line: int
    document: CheckupDocument | None
    errors: list[CellError] = field(default_factory=list)
    warnings: list[CellError] = field(default_factory=list)
    missing: list[dict[str, Any]] = field(default_factory=list)  # 特定健診 (CASE01) gaps, SPEC §7.1
    age_at_fy_end: int | None = None

    @property
    def ok(self) -> bool:
        return self.document is not None and not self.errors

    @property
    def under_40(self) -> bool:
        return self.age_at_fy_end is not None and self.age_at_fy_end < TARGET_AGE_MIN  # SPEC §7.1

    def report(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "errors": [asdict(e) for e in self.errors],
            "warnings": [asdict(w) for w in self.warnings],
            "missing": self.missing,
            "age_at_fy_end": self.age_at_fy_end,
        }


def decode(data: bytes) -> tuple[str, str]:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), "shift_jis" if encoding == "cp932" else "utf-8"
        except UnicodeDecodeError:
            continue
    raise CsvUnreadable.of(_("文字コードがUTF-8でもShift_JISでもありません。"))


def read_rows(text: str, specs: Sequence[ColumnSpec]) -> list[tuple[int, dict[str, str | None]]]:
    """(line number, row) pairs; the header must hold every mapped column (extra columns are ignored)."""
    reader = csv.DictReader(io.StringIO(text))
    header = [(name or "").strip() for name in reader.fieldnames or ()]
    reader.fieldnames = header
    missing = [s.column for s in specs if s.role != "ignore" and s.column not in header]
    if missing:
        raise CsvUnreadable.of(
            message(_("見出し行に対応付けた列がありません: %(columns)s"), columns=", ".join(missing))
        )
    return [
        (line, row)
        for line, row in enumerate(reader, start=2)
        if any((value or "").strip() for value in row.values() if isinstance(value, str))
    ]


def _column_for(field_name: str, column_of: dict[str, str]) -> str:
    """The CSV column a finding belongs to; a missing group points at the mapped column of one of its items."""
    if field_name in column_of:
        return column_of[field_name]
    if field_name.startswith("groups["):
        letter = field_name[7:-1]
        for program in (PROGRAM_EMPLOYER_CHECKUP, PROGRAM_SPECIFIC_CHECKUP):
            for code in sorted(required_groups(program).get(letter, ())):
                if f"items[{code}]" in column_of:
                    return column_of[f"items[{code}]"]
    if field_name.startswith("items["):
        definition = item(field_name[6:-1])
        return f"({definition.name if definition else field_name} — 列なし / no column)"
    return f"({field_name} — 列なし / no column)"


def evaluate_row(
    line: int,
    raw: Mapping[str, str | None],
    specs: Sequence[ColumnSpec],
    *,
    insurer_number: str,
    today: dt.date,
    clinic: tuple[str, str] = ("", ""),
) -> RowOutcome:
    """Map one row and run the common validation (SPEC §9.4): 事業者健診 requirements are errors, 特定健診 gaps
    are listed as missing (SPEC §7.1)."""
    mapped = map_row(raw, specs, insurer_number=insurer_number, clinic_number=clinic[0], clinic_name=clinic[1])
    outcome = RowOutcome(line, mapped.document, errors=list(mapped.errors))
    report = validate_document(mapped.document, today=today)
    mapped_columns = {e.column for e in mapped.errors}
    for kind, findings in (("errors", report.errors), ("warnings", report.warnings)):
        for finding in findings:
            column = _column_for(finding.field, mapped.column_of)
            if kind == "errors" and column in mapped_columns:
                continue  # already reported from the raw cell, with the raw value
            target = outcome.errors if kind == "errors" else outcome.warnings
            target.append(
                CellError(
                    column,
                    (raw.get(column) or "") if column in raw else (finding.value or ""),
                    finding.code,
                    finding.message_ja,
                    finding.message_en,
                )
            )
    outcome.missing = [asdict(m) for m in report.missing_for_specific_checkup]
    document = mapped.document
    if document.birth_date and document.exam_date:
        outcome.age_at_fy_end = age_basis(document.birth_date, fiscal_year_of(document.exam_date))  # SPEC §1.2
    return outcome


def evaluate_file(
    data: bytes,
    specs: Sequence[ColumnSpec],
    *,
    insurer_number: str,
    today: dt.date,
    clinic: tuple[str, str] = ("", ""),
) -> tuple[str, list[tuple[dict[str, str | None], RowOutcome]]]:
    """(encoding, [(raw row, outcome)]) for every data row of the file."""
    text, encoding = decode(data)
    rows = read_rows(text, specs)
    return encoding, [
        (raw, evaluate_row(line, raw, specs, insurer_number=insurer_number, today=today, clinic=clinic))
        for line, raw in rows
    ]


def preview(
    rows: list[tuple[dict[str, str | None], RowOutcome]], specs: Sequence[ColumnSpec], limit: int = PREVIEW_ROWS
) -> list[dict[str, Any]]:
    """The first rows with the mapping applied: each mapped cell's raw value next to the stored value."""
    shown = []
    for raw, outcome in rows[:limit]:
        items = outcome.document.items_dict() if outcome.document else {}
        cells = []
        for spec in specs:
            if spec.role == "ignore":
                continue
            stored: Any = ""
            name = spec.role
            if spec.role == "item":
                definition = item(spec.item_code)
                name = f"{spec.item_code} {definition.name if definition else ''}"
                entry = items.get(spec.item_code)
                stored = f"{entry.get('value') or ''} {entry.get('unit', '')}".strip() if entry else ""
            elif outcome.document is not None:
                stored = getattr(outcome.document, spec.role, "") or ""
            cells.append({"column": spec.column, "target": name, "raw": raw.get(spec.column) or "", "stored": stored})
        shown.append({"line": outcome.line, "cells": cells, "errors": outcome.errors, "missing": outcome.missing})
    return shown
