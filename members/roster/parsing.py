"""Parsing a whole roster file: every row validated, duplicates and conflicting rows of one card refused."""

import csv
import datetime as dt
import io
from collections.abc import Iterable

from .columns import ROSTER_COLUMNS, CardKey, RosterRejected, RosterRow, RowError
from .reading import RowParser, parse_row


def parse_roster(text: str, *, insurer_number: str, today: dt.date) -> list[RosterRow]:
    """Every row validated; raises RosterRejected listing every bad row."""
    reader = csv.DictReader(io.StringIO(text))
    header = tuple((name or "").strip() for name in (reader.fieldnames or ()))
    if header != ROSTER_COLUMNS:
        raise RosterRejected(
            [
                RowError(
                    1,
                    "header",
                    ",".join(header),
                    f"見出し行は {','.join(ROSTER_COLUMNS)} でなければなりません",
                    f"the header row must be {','.join(ROSTER_COLUMNS)}",
                )
            ]
        )
    errors: list[RowError] = []
    rows: list[RosterRow] = []
    seen: dict[tuple[CardKey, dt.date], tuple[int, RosterRow]] = {}
    for line, raw in enumerate(reader, start=2):
        if not any((value or "").strip() for value in raw.values()):
            continue  # blank line
        before = len(errors)
        row = parse_row(RowParser(line, raw, errors), insurer_number=insurer_number, today=today)
        if row is None or len(errors) > before:
            continue
        key = (row.card, row.acquired_on)
        if key in seen:
            first_line, first = seen[key]
            same = first == RosterRow(**{**row.__dict__, "line": first.line})
            errors.append(
                RowError(
                    line,
                    "card_number",
                    raw.get("card_number") or "",
                    f"{first_line}行目と"
                    + ("同じ行が重複しています" if same else "記号・番号・枝番・資格取得日が同じで内容が異なります"),
                    f"{'duplicate of' if same else 'conflicts with'} line {first_line} (same card and acquired_on)",
                )
            )
            continue
        seen[key] = (line, row)
        rows.append(row)
    errors.extend(_person_conflicts(rows))
    if errors:
        raise RosterRejected(sorted(errors, key=lambda e: (e.line, e.column)))
    return rows


def _person_conflicts(rows: Iterable[RosterRow]) -> list[RowError]:
    """Two enrollment rows of one card must describe the same person."""
    first_by_card: dict[CardKey, RosterRow] = {}
    errors = []
    for row in rows:
        first = first_by_card.setdefault(row.card, row)
        if first is not row and (first.name_kana, first.sex, first.birth_date) != (
            row.name_kana,
            row.sex,
            row.birth_date,
        ):
            errors.append(
                RowError(
                    row.line,
                    "card_number",
                    row.card[1],
                    f"{first.line}行目と同じ記号・番号・枝番で氏名・性別・生年月日が異なります",
                    f"same card as line {first.line} but a different name, sex or birth date",
                )
            )
    return errors
