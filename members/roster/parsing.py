"""Parsing a whole roster file: every row validated, duplicates and conflicting rows of one card refused."""

import csv
import datetime as dt
import io
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from infra.i18n import message

from .columns import ROSTER_COLUMNS, CardKey, RosterRejected, RosterRow, RowError
from .reading import RowParser, parse_row

_DUPLICATE_ROW = _("%(line)s行目と同じ行が重複しています")
_CONFLICTING_ROW = _("%(line)s行目と記号・番号・枝番・資格取得日が同じで内容が異なります")


def parse_roster(text: str, *, insurer_number: str, today: dt.date) -> list[RosterRow]:
    """Every row validated; raises RosterRejected listing every bad row."""
    reader = csv.DictReader(io.StringIO(text))
    header = tuple((name or "").strip() for name in (reader.fieldnames or ()))
    if header != ROSTER_COLUMNS:
        raise RosterRejected(
            [
                RowError.of(
                    1,
                    "header",
                    ",".join(header),
                    message(
                        _("見出し行は %(roster_columns)s でなければなりません"), roster_columns=",".join(ROSTER_COLUMNS)
                    ),
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
                RowError.of(
                    line,
                    "card_number",
                    raw.get("card_number") or "",
                    message(_DUPLICATE_ROW if same else _CONFLICTING_ROW, line=first_line),
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
                RowError.of(
                    row.line,
                    "card_number",
                    row.card[1],
                    message(_("%(line)s行目と同じ記号・番号・枝番で氏名・性別・生年月日が異なります"), line=first.line),
                )
            )
    return errors
