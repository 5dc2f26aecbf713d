"""What a chunk of records needs to know of its persons' stored checkups, read once (SPEC §2.8, §6.1, issue #13).

Storing a chunk asks four questions of the checkups already stored: is this exam stored already (a re-send), has
the person another exam in that fiscal year (then the counted one is chosen again), what was last year's counted
checkup (2 consecutive years of 積極的支援, SPEC §2.8), and which checkups of next year read this one's level. One
query over the persons' checkups of the years around the chunk's answers all four; the items of a stored exam
(what a re-send is compared with) are read only for the chunk's exam dates.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, F, When

from checkups.judgments import PREVIOUS_FIELDS
from checkups.models import Checkup
from infra.bulk import where_in
from members.fiscal import fiscal_year_of

ExamKey = tuple[int, dt.date, str]  # person, exam date, programme: one stored checkup
Existing = tuple[int, dict[str, Any], bool, list[Any]]  # a stored exam's pk, items, counted flag, missing items
PersonYear = tuple[int, int]  # person, fiscal year
HISTORY_COLUMNS = ("pk", "person_id", "fiscal_year", "exam_date", "program", "counts_for_fiscal_year", "missing_items")


@dataclass
class ChunkHistory:
    exams: dict[ExamKey, Existing] = field(default_factory=dict)  # the stored exams among the chunk's
    person_years: set[PersonYear] = field(default_factory=set)  # with a stored checkup
    counted: dict[PersonYear, dict[str, Any]] = field(default_factory=dict)  # the counted checkup's PREVIOUS_FIELDS
    checkups: dict[PersonYear, list[int]] = field(default_factory=dict)  # stored checkup ids


def chunk_history(keys: Iterable[ExamKey]) -> ChunkHistory:
    """The stored checkups of the chunk's persons in the fiscal years before, of and after its exams (one query)."""
    keys = set(keys)
    history = ChunkHistory()
    if not keys:
        return history
    years = {fiscal_year_of(date) + shift for _, date, _ in keys for shift in (-1, 0, 1)}
    dates = {date for _, date, _ in keys}
    rows = (
        where_in(Checkup.objects.order_by(), "person_id", {person for person, _, _ in keys})
        .filter(fiscal_year__in=years)
        .annotate(stored_items=Case(When(exam_date__in=dates, then=F("items"))))  # only what a re-send compares
        .values(*HISTORY_COLUMNS, *PREVIOUS_FIELDS, "stored_items")
    )
    for row in rows:
        person_year = (row["person_id"], row["fiscal_year"])
        history.person_years.add(person_year)
        history.checkups.setdefault(person_year, []).append(row["pk"])
        if row["counts_for_fiscal_year"]:
            history.counted[person_year] = {name: row[name] for name in PREVIOUS_FIELDS}
        exam = (row["person_id"], row["exam_date"], row["program"])
        if exam in keys:
            history.exams[exam] = (row["pk"], row["stored_items"], row["counts_for_fiscal_year"], row["missing_items"])
    return history
