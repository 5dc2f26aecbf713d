"""Reading a roster file: its encoding, and each row's fields normalised and checked (problems noted, not raised)."""

import datetime as dt
import re

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from infra.i18n import Message, message

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
        raise RosterRejected([RowError.of(0, "file", "", _("文字コードがUTF-8でもShift_JISでもありません"))]) from exc


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

    def error(self, column: str, text: Message) -> None:
        """Note a problem on `column`; `text` is one gettext message (rendered in Japanese and English)."""
        self.errors.append(RowError.of(self.line, column, self.raw.get(column) or "", text))

    def date(self, column: str, *, required: bool) -> dt.date | None:
        raw = (self.raw.get(column) or "").strip()
        if not raw:
            if required:
                self.error(column, _("必須項目です"))
            return None
        parsed = _parse_date(raw)
        if parsed is None:
            self.error(
                column,
                _("日付は YYYY-MM-DD または YYYYMMDD で指定してください"),
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
            message(_("保険者番号が %(insurer_number)s ではありません"), insurer_number=insurer_number),
        )
    number = normalize_card_part(raw.get("card_number"))
    if not number:
        p.error("card_number", _("番号は必須です"))
    branch = normalize_branch(raw.get("card_branch"))
    if not re.fullmatch(r"\d{2}", branch):
        p.error("card_branch", pgettext_lazy("roster", "枝番は2桁の数字です"))
    kana = normalize_kana(raw.get("name_kana"))
    if not _KATAKANA.match(kana):
        p.error("name_kana", _("氏名はカタカナで指定してください"))
    sex = normalize_card_part(raw.get("sex"))
    if sex not in {str(s.value) for s in Sex}:
        p.error("sex", _("性別は 1(男) または 2(女) です"))
    relationship = (raw.get("relationship") or "").strip()
    if relationship not in Relationship.values:
        p.error("relationship", _("続柄は self または family です"))
    return number, branch, kana, sex, relationship


def _parse_dates(p: RowParser, today: dt.date) -> tuple[dt.date | None, dt.date | None, dt.date | None]:
    """(birth date, acquired on, lost on) with their order checked; each problem noted on `p`."""
    birth = p.date("birth_date", required=True)
    if birth and not (EARLIEST_BIRTH_DATE <= birth <= today):
        p.error("birth_date", _("生年月日が範囲外です"))
    acquired = p.date("acquired_on", required=True)
    lost = p.date("lost_on", required=False)
    if acquired and lost and lost <= acquired:
        p.error("lost_on", _("資格喪失日は資格取得日より後でなければなりません"))
    if birth and acquired and acquired < birth:
        p.error("acquired_on", _("資格取得日が生年月日より前です"))
    return birth, acquired, lost
