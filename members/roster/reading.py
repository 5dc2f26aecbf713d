"""Reading a roster file: its encoding, and each row's fields normalised and checked (problems noted, not raised)."""

import datetime as dt
import re

from ..codes import Relationship, Sex
from ..normalize import normalize_branch, normalize_card_part, normalize_kana
from .columns import RosterRejected, RosterRow, RowError

_KATAKANA = re.compile(r"^[\u30A0-\u30FF]+$")  # full-width katakana incl. ー and ・ (after NFKC)
_DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d")
EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)


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


class RowParser:
    """One row of the file read field by field; each problem is appended to `errors` (the file is judged whole)."""

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


def parse_row(p: RowParser, *, insurer_number: str, today: dt.date) -> RosterRow | None:
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


def _parse_identity(p: RowParser, insurer_number: str) -> tuple[str, str, str, str, str]:
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


def _parse_dates(p: RowParser, today: dt.date) -> tuple[dt.date | None, dt.date | None, dt.date | None]:
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
