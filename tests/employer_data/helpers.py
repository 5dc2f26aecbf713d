"""Shared builders: an employer of insurer A, the saved demo CSV layout, people of each age, a CSV file."""

import csv
import datetime as dt
import io
import random
from collections.abc import Mapping

from demo.employer_data import DEMO_LAYOUT, layout_json, sample_row
from employer_data.models import CsvMapping
from members.models import Employer, InsuredPerson
from tests.factories import EmployerFactory, PersonFactory

TODAY = dt.date(2026, 11, 26)
EXAM = dt.date(2025, 6, 10)  # FY2025 (SPEC §1.1)
HEADER = [column for column, *_ in DEMO_LAYOUT]


def employer_of(insurer, code: str = "E100") -> Employer:
    return EmployerFactory(insurer=insurer, code=code, name=f"事業所{code}")


def mapping_for(employer: Employer) -> CsvMapping:
    return CsvMapping.objects.create(
        insurer=employer.insurer, employer=employer, name=f"{employer.code} CSV", columns=layout_json()
    )


def employee(employer: Employer, card_number: str, birth_date: dt.date, **kwargs) -> InsuredPerson:
    return PersonFactory(
        insurer=employer.insurer, employer=employer, card_number=card_number, birth_date=birth_date, **kwargs
    )


def row_for(
    person: InsuredPerson,
    columns: Mapping[str, str] | None = None,
    *,
    exam: dt.date = EXAM,
    seed: int = 1,
    questionnaire: bool = True,
    **overrides: str,
) -> dict[str, str]:
    """A sample CSV row of `person`; `columns` (CSV headers, often Japanese) and `overrides` replace cells."""
    row = sample_row(person, exam, random.Random(seed), questionnaire=questionnaire)
    row.update(columns or {})
    row.update(overrides)
    return row


def csv_bytes(rows: list[dict[str, str]], encoding: str = "cp932") -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)
