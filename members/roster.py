"""Roster import (資格データ, SPEC §1.5): parse → plan → apply, all-or-nothing.

A file with any bad row is rejected whole and every bad row is reported with line, column, value and
reason. Re-importing the same file changes nothing; a changed row updates the person and leaves a
PersonChange row as history.
"""

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .codes import Relationship, Sex
from .models import Employer, Enrollment, InsuredPerson, Insurer, PersonChange, RosterImport
from .normalize import normalize_branch, normalize_card_part, normalize_kana

ROSTER_COLUMNS = (
    "insurer_number",
    "card_symbol",
    "card_number",
    "card_branch",
    "name_kana",
    "sex",
    "birth_date",
    "relationship",
    "employer_code",
    "acquired_on",
    "lost_on",
)
# What each column holds, for the upload page (the header names themselves are the file's interface)
ROSTER_COLUMN_LABELS = {
    "insurer_number": _("保険者番号(8桁)"),
    "card_symbol": _("被保険者証の記号"),
    "card_number": _("被保険者証の番号"),
    "card_branch": _("枝番(2桁)"),
    "name_kana": _("氏名(カナ)"),
    "sex": _("性別(1 男・2 女)"),
    "birth_date": _("生年月日(例 1980-05-05 または 19800505)"),
    "relationship": _("本人・家族(本人は self、家族は family)"),
    "employer_code": _("事業所コード(任意)"),
    "acquired_on": _("資格取得日(例 2001-04-01)"),
    "lost_on": _("資格喪失日(在籍中は空欄)"),
}
assert tuple(ROSTER_COLUMN_LABELS) == ROSTER_COLUMNS
PERSON_FIELDS = ("name_kana", "sex", "birth_date", "relationship", "employer_id")
_KATAKANA = re.compile(r"^[\u30A0-\u30FF]+$")  # full-width katakana incl. ー and ・ (after NFKC)
_DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d")
EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)

CardKey = tuple[str, str, str]


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    value: str
    message_ja: str
    message_en: str

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "message_ja": self.message_ja,
            "message_en": self.message_en,
        }

    def __str__(self) -> str:
        return f"line {self.line}, {self.column}={self.value!r}: {self.message_ja} / {self.message_en}"


@dataclass(frozen=True)
class RosterRow:
    line: int
    card: CardKey
    name_kana: str
    sex: int
    birth_date: dt.date
    relationship: str
    employer_code: str
    acquired_on: dt.date
    lost_on: dt.date | None


@dataclass
class RosterPlan:
    """What applying the file would do; computed without writing (the admin preview shows it)."""

    rows: list[RosterRow]
    new_persons: list[RosterRow] = field(default_factory=list)
    changed_persons: list[tuple[int, dict[str, list[object]]]] = field(default_factory=list)
    unchanged_count: int = 0
    new_enrollments: list[tuple[CardKey, dt.date, dt.date | None]] = field(default_factory=list)
    changed_enrollments: list[tuple[int, int, dt.date | None, dt.date | None]] = field(default_factory=list)
    new_employer_codes: list[str] = field(default_factory=list)

    @property
    def is_noop(self) -> bool:
        return not (self.new_persons or self.changed_persons or self.new_enrollments or self.changed_enrollments)


class RosterRejected(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} bad row(s)")
        self.errors = errors


def decode_roster(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) when it decodes strictly, else Shift_JIS (CP932)."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932"), "cp932"
    except UnicodeDecodeError as exc:
        raise RosterRejected(
            [RowError(0, "file", "", "文字コードがUTF-8でもShift_JISでもありません", "Not UTF-8 or Shift_JIS")]
        ) from exc


def _parse_date(raw: str) -> dt.date | None:
    value = normalize_card_part(raw)
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a calendar date, no time zone
        except ValueError:
            continue
    return None


class _RowParser:
    def __init__(self, line: int, raw: dict[str, str], errors: list[RowError]) -> None:
        self.line, self.raw, self.errors = line, raw, errors

    def error(self, column: str, message_ja: str, message_en: str) -> None:
        self.errors.append(RowError(self.line, column, self.raw.get(column) or "", message_ja, message_en))

    def date(self, column: str, *, required: bool) -> dt.date | None:
        raw = (self.raw.get(column) or "").strip()
        if not raw:
            if required:
                self.error(column, "必須項目です", "required")
            return None
        parsed = _parse_date(raw)
        if parsed is None:
            self.error(
                column,
                "日付は YYYY-MM-DD または YYYYMMDD で指定してください",
                "date must be YYYY-MM-DD or YYYYMMDD",
            )
        return parsed


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
        row = _parse_row(_RowParser(line, raw, errors), insurer_number=insurer_number, today=today)
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


def _parse_row(p: _RowParser, *, insurer_number: str, today: dt.date) -> RosterRow | None:
    raw = p.raw
    number, branch, kana, sex, relationship = _parse_identity(p, insurer_number)
    birth, acquired, lost = _parse_dates(p, today)
    if not (number and birth and acquired and sex.isdigit()):
        return None
    return RosterRow(
        line=p.line,
        card=(normalize_card_part(raw.get("card_symbol")), number, branch),
        name_kana=kana,
        sex=int(sex),
        birth_date=birth,
        relationship=relationship,
        employer_code=normalize_card_part(raw.get("employer_code")),
        acquired_on=acquired,
        lost_on=lost,
    )


def _parse_identity(p: _RowParser, insurer_number: str) -> tuple[str, str, str, str, str]:
    """(card number, branch, kana name, sex, relationship) as normalised text; each problem noted on `p`."""
    raw = p.raw
    if normalize_card_part(raw.get("insurer_number")) != insurer_number:
        p.error(
            "insurer_number",
            f"保険者番号が {insurer_number} ではありません",
            f"insurer number is not {insurer_number}",
        )
    number = normalize_card_part(raw.get("card_number"))
    if not number:
        p.error("card_number", "番号は必須です", "card number is required")
    branch = normalize_branch(raw.get("card_branch"))
    if not re.fullmatch(r"\d{2}", branch):
        p.error("card_branch", "枝番は2桁の数字です", "branch must be 2 digits")
    kana = normalize_kana(raw.get("name_kana"))
    if not _KATAKANA.match(kana):
        p.error("name_kana", "氏名はカタカナで指定してください", "name_kana must be katakana")
    sex = normalize_card_part(raw.get("sex"))
    if sex not in {str(s.value) for s in Sex}:
        p.error("sex", "性別は 1(男) または 2(女) です", "sex must be 1 (male) or 2 (female)")
    relationship = (raw.get("relationship") or "").strip()
    if relationship not in Relationship.values:
        p.error("relationship", "続柄は self または family です", "relationship must be self or family")
    return number, branch, kana, sex, relationship


def _parse_dates(p: _RowParser, today: dt.date) -> tuple[dt.date | None, dt.date | None, dt.date | None]:
    """(birth date, acquired on, lost on) with their order checked; each problem noted on `p`."""
    birth = p.date("birth_date", required=True)
    if birth and not (EARLIEST_BIRTH_DATE <= birth <= today):
        p.error("birth_date", "生年月日が範囲外です", "birth date out of range")
    acquired = p.date("acquired_on", required=True)
    lost = p.date("lost_on", required=False)
    if acquired and lost and lost <= acquired:
        p.error("lost_on", "資格喪失日は資格取得日より後でなければなりません", "lost_on must be after acquired_on")
    if birth and acquired and acquired < birth:
        p.error("acquired_on", "資格取得日が生年月日より前です", "acquired_on is before the birth date")
    return birth, acquired, lost


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


def plan_roster(rows: list[RosterRow], *, insurer: Insurer) -> RosterPlan:
    """Compare the file with the database in a few set-based queries (no query per person)."""
    plan = RosterPlan(rows=rows)
    employers = dict(Employer.objects.filter(insurer=insurer).values_list("code", "pk"))
    plan.new_employer_codes = sorted({r.employer_code for r in rows if r.employer_code} - employers.keys())
    existing = {
        (p.card_symbol, p.card_number, p.card_branch): p
        for p in InsuredPerson.objects.filter(insurer=insurer, card_number__in={r.card[1] for r in rows})
    }
    enrollments: dict[tuple[int, dt.date], Enrollment] = {
        (e.person_id, e.acquired_on): e for e in Enrollment.objects.filter(person__in=[p.pk for p in existing.values()])
    }
    planned_cards: set[CardKey] = set()
    for row in rows:
        person = existing.get(row.card)
        if person is None:
            if row.card not in planned_cards:
                plan.new_persons.append(row)
                planned_cards.add(row.card)
            plan.new_enrollments.append((row.card, row.acquired_on, row.lost_on))
            continue
        if row.card not in planned_cards:
            planned_cards.add(row.card)
            desired = _desired(row, employers)
            changes = {
                name: [_jsonable(getattr(person, name)), _jsonable(desired[name])]
                for name in PERSON_FIELDS
                if desired[name] != getattr(person, name) and not (name == "employer_id" and desired[name] is None)
            }
            if changes:
                plan.changed_persons.append((person.pk, changes))
            else:
                plan.unchanged_count += 1
        enrollment = enrollments.get((person.pk, row.acquired_on))
        if enrollment is None:
            plan.new_enrollments.append((row.card, row.acquired_on, row.lost_on))
        elif enrollment.lost_on != row.lost_on:
            plan.changed_enrollments.append((enrollment.pk, person.pk, enrollment.lost_on, row.lost_on))
    return plan


def _desired(row: RosterRow, employers: dict[str, int]) -> dict[str, object]:
    return {
        "name_kana": row.name_kana,
        "sex": row.sex,
        "birth_date": row.birth_date,
        "relationship": row.relationship,
        "employer_id": employers.get(row.employer_code) if row.employer_code else None,
    }


def _jsonable(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


@transaction.atomic
def roster_apply(*, plan: RosterPlan, insurer: Insurer, roster_import: RosterImport) -> RosterImport:
    """Write the plan in bulk; history rows for every changed person and enrollment."""
    Employer.objects.bulk_create([Employer(insurer=insurer, code=code, name=code) for code in plan.new_employer_codes])
    employers = dict(Employer.objects.filter(insurer=insurer).values_list("code", "pk"))
    InsuredPerson.objects.bulk_create(
        [
            InsuredPerson(
                insurer=insurer,
                card_symbol=r.card[0],
                card_number=r.card[1],
                card_branch=r.card[2],
                **_desired(r, employers),
            )
            for r in plan.new_persons
        ],
        batch_size=2000,
    )
    if plan.changed_persons:
        people = InsuredPerson.objects.in_bulk([pk for pk, _ in plan.changed_persons])
        for pk, changes in plan.changed_persons:
            for name, (_, new) in changes.items():
                setattr(people[pk], name, dt.date.fromisoformat(str(new)) if name == "birth_date" else new)
        InsuredPerson.objects.bulk_update(people.values(), list(PERSON_FIELDS), batch_size=2000)
    person_ids = {
        (p.card_symbol, p.card_number, p.card_branch): p.pk
        for p in InsuredPerson.objects.filter(
            insurer=insurer, card_number__in={card[1] for card, _, _ in plan.new_enrollments}
        )
    }
    Enrollment.objects.bulk_create(
        [Enrollment(person_id=person_ids[card], acquired_on=a, lost_on=lost) for card, a, lost in plan.new_enrollments],
        batch_size=2000,
    )
    if plan.changed_enrollments:
        by_pk = Enrollment.objects.in_bulk([pk for pk, *_ in plan.changed_enrollments])
        for pk, _, _, new_lost in plan.changed_enrollments:
            by_pk[pk].lost_on = new_lost
        Enrollment.objects.bulk_update(by_pk.values(), ["lost_on"])
    history = [PersonChange(person_id=pk, roster_import=roster_import, changes=c) for pk, c in plan.changed_persons]
    history += [
        PersonChange(
            person_id=person_pk,
            roster_import=roster_import,
            changes={"lost_on": [_jsonable(old), _jsonable(new)]},
        )
        for _, person_pk, old, new in plan.changed_enrollments
    ]
    PersonChange.objects.bulk_create(history)
    roster_import.status = RosterImport.Status.APPLIED
    roster_import.applied_at = timezone.now()
    roster_import.row_count = len(plan.rows)
    roster_import.created_count = len(plan.new_persons)
    roster_import.updated_count = len(plan.changed_persons)
    roster_import.unchanged_count = plan.unchanged_count
    roster_import.save()
    return roster_import


def roster_prepare(
    *,
    data: bytes,
    file_name: str,
    insurer: Insurer,
    uploaded_by_id: int | None = None,
    today: dt.date | None = None,
) -> tuple[RosterImport, RosterPlan | None]:
    """Decode, validate and plan a file; a valid one is stored as a previewed RosterImport."""
    today = today or timezone.localdate()
    record = RosterImport(
        insurer=insurer,
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        uploaded_by_id=uploaded_by_id,
    )
    try:
        text, record.encoding = decode_roster(data)
        rows = parse_roster(text, insurer_number=insurer.number, today=today)
    except RosterRejected as rejected:
        record.status = RosterImport.Status.REJECTED
        record.errors = [e.as_dict() for e in rejected.errors]
        record.encoding = record.encoding or "unknown"
        return record, None  # a rejected file writes nothing, not even its import record
    plan = plan_roster(rows, insurer=insurer)
    record.row_count = len(rows)
    record.created_count = len(plan.new_persons)
    record.updated_count = len(plan.changed_persons)
    record.unchanged_count = plan.unchanged_count
    record.save()
    return record, plan


def roster_confirm(*, roster_import: RosterImport, today: dt.date | None = None) -> RosterImport:
    """Apply a previewed file (re-planned against the database as it is now)."""
    if roster_import.status != RosterImport.Status.PREVIEWED:
        raise ValueError("only a previewed roster import can be applied")
    text, _ = decode_roster(bytes(roster_import.content))
    rows = parse_roster(text, insurer_number=roster_import.insurer.number, today=today or timezone.localdate())
    plan = plan_roster(rows, insurer=roster_import.insurer)
    return roster_apply(plan=plan, insurer=roster_import.insurer, roster_import=roster_import)
