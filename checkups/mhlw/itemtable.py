"""特定健診 item table (XMLhc24tab, 4th period) loaded once into `ItemDef`s (SPEC §9.2, §9.4).

The CSV is MHLW's 「XML用特定健診項目情報」: row 1 holds column numbers, row 2 column names, row 3 Japanese
descriptions, data from row 4 (formats-notes §2).
"""

import csv
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ITEM_TABLE_PATH = Path(__file__).parent / "data" / "XMLhc24tab.csv"
ITEM_CODE_OID = "1.2.392.200119.6.1005"  # SPEC §9.2: default observation code system
HEADER_ROWS = 3

REQUIRED = "1"  # XMLITEM_CASE01/03 "1 必須" (SPEC §9.4)
DETAILED = "2"  # "2 詳細健診" (SPEC §9.4)

PROGRAM_SPECIFIC_CHECKUP = "010"  # プログラム種別 (formats-notes §1.5 #21)
PROGRAM_EMPLOYER_CHECKUP = "030"

# ◆ SPEC §9.4 says "a letter = at least one of the group". The table uses lower-case b/c/d for 空腹時血糖 /
# 随時血糖 / HbA1c, which MHLW treats as one requirement (血糖検査: any of them). All lower-case letters of a
# column are therefore merged into one group keyed by LOWERCASE_GROUP_KEY.
LOWERCASE_GROUP_KEY = "bcd"

# 3rd-period answer sets that differ from the 4th-period table (formats-notes §1.8, §2.3; XMLhc18tab [S2]).
# ◆ 採血時間 in the 3rd period: 1 = 10時間未満, 2 = 10時間以上 (legacy value 1, formats-notes §1.8, UNCONFIRMED).
PERIOD3_ANSWERS: dict[str, tuple[str, dict[str, str]]] = {
    "9N736000000000011": ("1.2.392.200119.6.2003", {"1": "はい", "2": "いいえ"}),
    "9N786000000000011": ("1.2.392.200119.6.2005", {"1": "毎日", "2": "時々", "3": "ほとんど飲まない(飲めない)"}),
    "9N791000000000011": (
        "1.2.392.200119.6.2006",
        {"1": "1合未満", "2": "1~2合未満", "3": "2~3合未満", "4": "3合以上"},
    ),
    "9N141000000000011": ("1.2.392.200119.6.2202", {"1": "食後10時間未満", "2": "食後10時間以上"}),
}

_ANSWER_SPLIT = re.compile(r"[、。,]\s*(?=\d+\s*[:：]?)")
_ANSWER_ITEM = re.compile(r"^\s*(\d+)\s*[:：]?\s*(.*?)\s*$", re.S)


@dataclass(frozen=True, slots=True)
class ItemDef:
    code: str
    name: str
    requirement_checkup: str  # XMLITEM_CASE01 (特定健診)
    requirement_employer: str  # XMLITEM_CASE03 (事業者健診)
    format: str
    value_type: str  # PQ / CD / CO / ST
    unit: str
    method_code: str
    answer_oid: str
    answers: dict[str, str] = field(default_factory=dict)
    group_id: str = ""  # XMLITEM_BAT 一連検査グループ識別
    group_relation: str = ""  # XMLITEM_BATREL: COMP / RSON (RSON1 normalised to RSON)
    author_item: str = ""  # item carried as observation/author (e.g. 9N516… on 9N511…)
    depends_on: str = ""  # XMLITEM_DEPEND
    abnormal_value: str = ""  # XMLITEM_ABNORMAL: parent value that makes dependants required

    @property
    def is_coded(self) -> bool:
        return self.value_type in ("CD", "CO")


def parse_answers(note: str) -> dict[str, str]:
    """Answer labels from XMLITEM_NOTE, e.g. "1:特記すべきことあり、2:特記すべきことなし" (full width allowed)."""
    text = unicodedata.normalize("NFKC", note)
    answers: dict[str, str] = {}
    for part in _ANSWER_SPLIT.split(text):
        match = _ANSWER_ITEM.match(part)
        if match:
            answers[match.group(1)] = match.group(2)
    return answers


def _row_to_item(row: dict[str, str]) -> ItemDef:
    value_type = row["XMLITEM_TYPE"].strip()
    answer_oid = row["XMLITEM_CODEOID"].strip()
    coded = value_type in ("CD", "CO") and bool(answer_oid)
    relation = row["XMLITEM_BATREL"].strip()
    return ItemDef(
        code=row["XMLITEM_17CODE"].strip(),
        name=row["XMLITEM_NAME"].strip(),
        requirement_checkup=row["XMLITEM_CASE01"].strip(),
        requirement_employer=row["XMLITEM_CASE03"].strip(),
        format=row["XMLITEM_FORMAT"].strip(),
        value_type=value_type,
        unit=row["XMLITEM_UNIT"].strip(),
        method_code=row["XMLITEM_METHOD"].strip(),
        answer_oid=answer_oid,
        answers=parse_answers(row["XMLITEM_NOTE"]) if coded else {},
        group_id=row["XMLITEM_BAT"].strip(),
        group_relation="RSON" if relation.startswith("RSON") else relation,
        author_item=row["XMLITEM_AUTHORITEM"].strip(),
        depends_on=row["XMLITEM_DEPEND"].strip(),
        abnormal_value=row["XMLITEM_ABNORMAL"].strip(),
    )


# 3rd-period item absent from the 4th-period table (formats-notes §2.3: 9N806 replaced by 9N808).
_PERIOD3_ONLY = (
    ItemDef(
        code="9N806000000000011",
        name="保健指導の希望",
        requirement_checkup="7",
        requirement_employer="0",
        format="N",
        value_type="CD",
        unit="",
        method_code="",
        answer_oid="1.2.392.200119.6.2003",
        answers={"1": "はい", "2": "いいえ"},
    ),
)


@functools.cache
def _table() -> dict[str, ItemDef]:
    with ITEM_TABLE_PATH.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    names = rows[1]
    items = (_row_to_item(dict(zip(names, row, strict=False))) for row in rows[HEADER_ROWS:] if row)
    return {item.code: item for item in items if item.code}


@functools.cache
def _period3_table() -> dict[str, ItemDef]:
    from dataclasses import replace

    table = dict(_table())
    for code, (oid, answers) in PERIOD3_ANSWERS.items():
        table[code] = replace(table[code], answer_oid=oid, answers=answers)
    for extra in _PERIOD3_ONLY:
        table[extra.code] = extra
    return table


def item(code: str, period: int = 4) -> ItemDef | None:
    """The item definition valid in a period (3 = FY2018–2023, 4 = FY2024–2029)."""
    return (_period3_table() if period == 3 else _table()).get(code)


def all_items(period: int = 4) -> list[ItemDef]:
    return list((_period3_table() if period == 3 else _table()).values())


def _requirement(definition: ItemDef, program: str) -> str:
    if program == PROGRAM_EMPLOYER_CHECKUP:
        return definition.requirement_employer
    return definition.requirement_checkup


@functools.cache
def required_items(program: str) -> tuple[ItemDef, ...]:
    """Items marked 1 (必須) for a programme: CASE01 for 010, CASE03 for 030 (SPEC §9.4, §7.1)."""
    return tuple(d for d in _table().values() if _requirement(d, program) == REQUIRED)


@functools.cache
def required_groups(program: str) -> dict[str, frozenset[str]]:
    """Letter groups (at least one member required) → item codes (SPEC §9.4); lower-case letters merged ◆."""
    groups: dict[str, set[str]] = {}
    for definition in _table().values():
        letter = _requirement(definition, program)
        if len(letter) == 1 and letter.isalpha():
            key = LOWERCASE_GROUP_KEY if letter.islower() else letter
            groups.setdefault(key, set()).add(definition.code)
    return {key: frozenset(codes) for key, codes in sorted(groups.items())}


@functools.cache
def author_parents() -> dict[str, tuple[str, ...]]:
    """Author items (doctor's names) → the items that carry them as observation/author (formats-notes §1.6)."""
    parents: dict[str, list[str]] = {}
    for definition in _table().values():
        if definition.author_item:
            parents.setdefault(definition.author_item, []).append(definition.code)
    return {code: tuple(codes) for code, codes in parents.items()}


def allowed_method_codes(definition: ItemDef) -> frozenset[str]:
    """The 検査方法コード an item may carry: the one XMLITEM_METHOD lists, or none (SPEC §9.5)."""
    return frozenset({definition.method_code}) if definition.method_code else frozenset()


@functools.cache
def max_value_for_format(fmt: str) -> Decimal | None:
    """Largest value a numeric format allows: "NNN.N" → 999.9; None for text lengths such as "256"."""
    if not fmt or not set(fmt) <= {"N", "."}:
        return None
    integer, _, fraction = fmt.partition(".")
    return Decimal("9" * len(integer) + ("." + "9" * len(fraction) if fraction else ""))


@functools.cache  # a handful of formats, asked once per value on import
def format_digits(fmt: str) -> tuple[int, int] | None:
    """(integer digits, fraction digits) of a numeric format, None for non-numeric formats."""
    if not fmt or not set(fmt) <= {"N", "."}:
        return None
    integer, _, fraction = fmt.partition(".")
    return len(integer), len(fraction)
