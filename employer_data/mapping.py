"""A saved CSV layout applied to one row: column → item code, answer recoding, unit conversion (SPEC §7.2). Pure.

The result is a CheckupDocument (プログラム種別 030, SPEC §7.2) and the row's own errors (unreadable dates, numbers,
answers). The same validation as every other route (checkups.mhlw.validation) runs on the document afterwards.
"""

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from checkups.mhlw.document import CheckupDocument, Observation
from checkups.mhlw.itemtable import PROGRAM_EMPLOYER_CHECKUP, author_parents, format_digits, item
from infra.i18n import Message, bilingual, message

from .units import CONVERSIONS, convert

ROLE_ITEM = "item"
HEADER_ROLES = (
    "card_symbol",
    "card_number",
    "card_branch",
    "birth_date",
    "sex",
    "exam_date",
    "name_kana",
    "clinic_number",
    "clinic_name",
)
ROLES = (ROLE_ITEM, *HEADER_ROLES, "ignore")
REQUIRED_ROLES = ("card_number", "birth_date", "sex", "exam_date")  # SPEC §1.5: matching needs these
DATE_ROLES = ("birth_date", "exam_date")
# 性別 (OID .1104, SPEC §1.5): 1 男 2 女
DEFAULT_SEX = {"1": 1, "2": 2, "男": 1, "女": 2, "男性": 1, "女性": 2, "M": 1, "F": 2}
# 和暦 era first years (元年 = year 1)
ERAS = {"M": 1868, "明治": 1868, "T": 1912, "大正": 1912, "S": 1926, "昭和": 1926, "H": 1989, "平成": 1989}
ERAS |= {"R": 2019, "令和": 2019}
_ERA_DATE = re.compile(r"^(明治|大正|昭和|平成|令和|[MTSHR])\s*(\d{1,2}|元)[.\-/年](\d{1,2})[.\-/月](\d{1,2})日?$")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日")


@dataclass(frozen=True)
class ColumnSpec:
    column: str
    role: str
    item_code: str = ""
    recode: Mapping[str, str] = field(default_factory=dict)
    conversion: str = ""

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "ColumnSpec":
        return cls(
            column=str(data.get("column", "")),
            role=str(data.get("role", "")),
            item_code=str(data.get("item_code", "") or ""),
            recode={fold(str(k)): str(v) for k, v in (data.get("recode") or {}).items()},
            conversion=str(data.get("conversion", "") or ""),
        )


@dataclass(frozen=True)
class CellError:
    column: str
    value: str
    code: str  # stable rule code
    message_ja: str
    message_en: str


def fold(value: str | None) -> str:
    """NFKC (full-width digits and letters → half-width) and trimmed."""
    return unicodedata.normalize("NFKC", value or "").strip()


def mapping_problems(specs: Sequence[ColumnSpec]) -> list[str]:
    """What is wrong with a mapping itself (checked when staff save it)."""
    problems: list[str] = []
    roles = [s.role for s in specs]
    for role in REQUIRED_ROLES:
        if role not in roles:
            problems.append(f"役割 {role} の列がありません / no column has the role {role}")
    for spec in specs:
        if spec.role not in ROLES:
            problems.append(f"{spec.column}: 不明な役割 {spec.role} / unknown role")
        if spec.role != ROLE_ITEM:
            continue
        definition = item(spec.item_code)
        if definition is None:
            problems.append(f"{spec.column}: 項目コード {spec.item_code} は項目表にありません / unknown item code")
            continue
        if spec.conversion:
            conversion = CONVERSIONS.get(spec.conversion)
            if conversion is None:
                problems.append(f"{spec.column}: 不明な単位換算 {spec.conversion} / unknown conversion")
            elif spec.item_code not in conversion.items:
                problems.append(
                    f"{spec.column}: 換算 {spec.conversion} は {definition.name} に使えません / "
                    f"conversion {spec.conversion} does not apply to {spec.item_code}"
                )
        for target in spec.recode.values():
            if definition.answers and target not in definition.answers:
                problems.append(
                    f"{spec.column}: 読み替え先 {target} は {definition.name} の回答にありません / "
                    f"recode target {target} is not an answer of {spec.item_code}"
                )
    seen: set[str] = set()
    for spec in specs:
        if spec.column in seen:
            problems.append(f"{spec.column}: 列名が重複しています / duplicate column")
        seen.add(spec.column)
    return problems


def parse_date(raw: str) -> dt.date | None:
    """Western (2025-06-10, 2025/6/10, 20250610) or 和暦 (R7.6.10, 令和7年6月10日) dates."""
    value = fold(raw).replace(" ", "")
    match = _ERA_DATE.match(value)
    if match:
        era, year, month, day = match.groups()
        number = 1 if year == "元" else int(year)
        try:
            return dt.date(ERAS[era] + number - 1, int(month), int(day))
        except ValueError:
            return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    return None


def _error(spec: ColumnSpec, raw: str, code: str, text: Message) -> CellError:
    """A cell's error from one gettext message, in Japanese and English (locale/en)."""
    return CellError(spec.column, raw, code, *bilingual(text))


def _header_value(spec: ColumnSpec, raw: str, errors: list[CellError]) -> Any:
    if spec.role in DATE_ROLES:
        parsed = parse_date(raw)
        if parsed is None:
            errors.append(
                _error(
                    spec,
                    raw,
                    "bad_date",
                    message(
                        _("%(column)s の日付 '%(raw)s' を読めません (例: 2025-06-10, 令和7年6月10日)。"),
                        column=spec.column,
                        raw=raw,
                    ),
                )
            )
        return parsed
    if spec.role == "sex":
        value = fold(raw).upper()
        sex = spec.recode.get(value) or DEFAULT_SEX.get(value)
        if sex is None or str(sex) not in ("1", "2"):
            errors.append(
                _error(
                    spec,
                    raw,
                    "bad_sex",
                    message(
                        _("%(column)s の性別 '%(raw)s' は 1/2/男/女 のいずれかでなければなりません (SPEC §1.5)。"),
                        column=spec.column,
                        raw=raw,
                    ),
                )
            )
            return None
        return int(sex)
    if spec.role == "card_branch":
        value = fold(raw)
        return value.zfill(2) if value.isdigit() and len(value) == 1 else value
    return fold(raw)


def _answer(spec: ColumnSpec, raw: str, answers: Mapping[str, str]) -> str | None:
    value = fold(raw)
    if value in spec.recode:
        return spec.recode[value]
    if value in answers:
        return value
    by_label = {fold(label): code for code, label in answers.items()}
    return by_label.get(value)


def _observation(spec: ColumnSpec, raw: str, errors: list[CellError]) -> Observation | None:
    definition = item(spec.item_code)
    if definition is None:
        errors.append(_error(spec, raw, "unknown_item_code", _("項目コードが不明です。")))
        return None
    observation = Observation(
        code=definition.code,
        value_type=definition.value_type,
        method_code=definition.method_code,
        group_code=definition.group_id or None,
        relation=definition.group_relation or None,
    )
    label = f"{spec.column} ({definition.name})"
    if definition.value_type == "PQ":
        text = fold(raw)  # a comma is ambiguous (5,2 = 5.2 or 52?): rejected as not a number
        try:
            number = Decimal(text)
            if not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            errors.append(
                _error(
                    spec,
                    raw,
                    "bad_number",
                    message(_("%(label)s の値 '%(raw)s' は数値ではありません。"), label=label, raw=raw),
                )
            )
            return None
        if spec.conversion:
            digits = format_digits(definition.format)
            number = convert(number, CONVERSIONS[spec.conversion], digits[1] if digits else None)
        observation.value, observation.unit = str(number), definition.unit
    elif definition.is_coded:
        code = _answer(spec, raw, definition.answers)
        if code is None:
            allowed = "、".join(f"{k}:{v}" for k, v in definition.answers.items())
            errors.append(
                _error(
                    spec,
                    raw,
                    "answer_not_in_set",
                    message(
                        _("%(label)s の値 '%(raw)s' を回答 (%(allowed)s) に読み替えられません (SPEC §4.4)。"),
                        label=label,
                        raw=raw,
                        allowed=allowed,
                    ),
                )
            )
            return None
        observation.value, observation.code_system = code, definition.answer_oid
    else:
        observation.value = fold(raw)
    return observation


@dataclass
class MappedRow:
    document: CheckupDocument
    errors: list[CellError]
    column_of: dict[str, str]  # document field or "items[<code>]" → CSV column


def map_row(
    raw: Mapping[str, str | None],
    specs: Sequence[ColumnSpec],
    *,
    insurer_number: str,
    clinic_number: str = "",
    clinic_name: str = "",
) -> MappedRow:
    """One CSV row → a 事業者健診 (030) document and the cells that could not be read; the clinic defaults to
    the mapping's checkup institution when the file has no clinic column."""
    document = CheckupDocument(
        insurer_number=insurer_number,
        program=PROGRAM_EMPLOYER_CHECKUP,
        clinic_number=clinic_number,
        clinic_name=clinic_name,
    )
    errors: list[CellError] = []
    column_of: dict[str, str] = {}
    authors: list[tuple[ColumnSpec, str]] = []
    author_items = author_parents()
    for spec in specs:
        value = raw.get(spec.column)
        if spec.role == "ignore" or value is None or not fold(value):
            continue
        if spec.role == ROLE_ITEM:
            column_of[f"items[{spec.item_code}]"] = spec.column
            if spec.item_code in author_items:
                authors.append((spec, value))
                continue
            observation = _observation(spec, value, errors)
            if observation is not None:
                document.observations.append(observation)
        elif spec.role in HEADER_ROLES:
            column_of[spec.role] = spec.column
            setattr(document, spec.role, _header_value(spec, value, errors))
    for spec, value in authors:  # doctors' names ride on observation/author (formats-notes §1.6)
        parents = author_items[spec.item_code]
        carrier = next((o for o in document.observations if o.code in parents), None)
        if carrier is None:
            errors.append(
                _error(
                    spec,
                    value,
                    "author_without_item",
                    message(
                        _("%(column)s (医師の氏名) を付ける項目 (%(items)s) がありません。"),
                        column=spec.column,
                        items=", ".join(parents),
                    ),
                )
            )
            continue
        carrier.author_name = fold(value)
    return MappedRow(document, errors, column_of)
