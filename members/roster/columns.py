"""The roster file's interface (資格データ, SPEC §1.5): its columns, a parsed row, and a row's error."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from infra.i18n import Message, bilingual

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

CardKey = tuple[str, str, str]


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    value: str
    message_ja: str
    message_en: str

    @classmethod
    def of(cls, line: int, column: str, value: str, text: Message) -> "RowError":
        """A row error whose message is one gettext message, rendered in Japanese and English (infra.i18n)."""
        message_ja, message_en = bilingual(text)
        return cls(line, column, value, message_ja, message_en)

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


class RosterRejected(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} bad row(s)")
        self.errors = errors
