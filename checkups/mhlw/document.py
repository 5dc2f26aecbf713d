"""Plain, JSON-serialisable model of one 特定健診情報ファイル (SPEC §9.2; formats-notes §1.5–§1.6)."""

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

from checkups.mhlw.itemtable import ITEM_CODE_OID

SECTION_SPECIFIC = "01010"  # 特定健診検査・問診結果 (formats-notes §1.6)
SECTION_OPTIONAL = "01990"  # 任意追加項目
REPORT_CATEGORY_CHECKUP = "10"  # 報告区分 10 特定健診情報 (formats-notes §1.5 #4)


@dataclass(slots=True)
class Observation:
    code: str
    value_type: str  # PQ / CD / CO / ST
    value: str | None = None
    unit: str = ""
    method_code: str = ""
    code_system: str = ""  # answer OID of a coded value
    interpretation: str = ""  # L / N / H
    null_flavor: str = ""  # value/@nullFlavor (測定不能)
    negated: bool = False  # negationInd="true" (未実施)
    out_of_range: str | None = None  # "L" / "H": 入力範囲外 (formats-notes §1.6)
    section: str = SECTION_SPECIFIC
    group_code: str | None = None  # 一連検査グループ識別
    relation: str | None = None  # COMP / RSON inside a series group
    author_name: str = ""  # e.g. 健康診断を実施した医師の氏名 carried on 9N511…
    display_name: str = ""
    item_code_system: str = ITEM_CODE_OID
    reference_low: str | None = None
    reference_high: str | None = None

    def to_item(self) -> dict[str, Any]:
        """The stored form of one item: its type and value, plus only the attributes that carry something.

        Readers use `.get()` with these defaults, so a default (no unit, section 01010, not negated …) is left out:
        a checkup's items stay about half the size, which the import of large archives feels.
        """
        item: dict[str, Any] = {"type": self.value_type, "value": self.value}
        # one test per attribute, in this order (a table of pairs rebuilt per item costs as much as the item)
        if self.unit:
            item["unit"] = self.unit
        if self.method_code:
            item["method"] = self.method_code
        if self.code_system:
            item["code_system"] = self.code_system
        if self.group_code:
            item["group"] = self.group_code
        if self.relation:
            item["relation"] = self.relation
        if self.interpretation:
            item["interpretation"] = self.interpretation
        if self.null_flavor:
            item["null_flavor"] = self.null_flavor
        if self.out_of_range:
            item["out_of_range"] = self.out_of_range
        if self.author_name:
            item["author"] = self.author_name
        if self.section != SECTION_SPECIFIC:
            item["section"] = self.section
        if self.negated:
            item["negated"] = True
        return item

    @classmethod
    def from_item(cls, code: str, stored: dict[str, Any], *, display_name: str = "") -> "Observation":
        """The inverse of `to_item`: a stored item as an observation again (exports, staff completion)."""
        return cls(
            code=code,
            value_type=stored.get("type") or "ST",
            value=stored.get("value"),
            unit=stored.get("unit") or "",
            method_code=stored.get("method") or "",
            code_system=stored.get("code_system") or "",
            interpretation=stored.get("interpretation") or "",
            null_flavor=stored.get("null_flavor") or "",
            negated=bool(stored.get("negated")),
            out_of_range=stored.get("out_of_range"),
            section=stored.get("section") or SECTION_SPECIFIC,
            group_code=stored.get("group"),
            relation=stored.get("relation"),
            author_name=stored.get("author") or "",
            display_name=display_name,
        )


DATE_FIELDS = ("birth_date", "exam_date", "ticket_expiry", "document_date")


@dataclass(slots=True)
class CheckupDocument:
    report_category: str = REPORT_CATEGORY_CHECKUP
    insurer_number: str = ""
    card_symbol: str = ""
    card_number: str = ""
    card_branch: str = ""
    name_kana: str = ""
    sex: int | None = None  # 1 男 2 女 (OID .1104)
    birth_date: dt.date | None = None
    postal_code: str = ""
    address: str = ""
    author_org_number: str = ""  # ファイル作成機関番号
    clinic_number: str = ""  # 健診実施機関番号
    clinic_name: str = ""
    exam_date: dt.date | None = None
    program: str = "010"  # プログラム種別 010 特定健診 / 030 事業者健診
    ticket_number: str = ""  # 受診券整理番号
    ticket_expiry: dt.date | None = None
    observations: list[Observation] = field(default_factory=list)
    period: int = 4  # 3 = FY2018–2023 files, 4 = FY2024– (SPEC §9.3)
    document_date: dt.date | None = None  # 文書発行日
    author_org_name: str = ""
    clinic_phone: str = ""
    clinic_postal_code: str = ""
    clinic_address: str = ""
    ticket_type: str = "1"  # 1 受診券, 2 利用券 (OID .208)

    def items_dict(self) -> dict[str, dict[str, Any]]:
        """Items keyed by item code (the stored form of a checkup's results)."""
        return {observation.code: observation.to_item() for observation in self.observations}

    def observation(self, code: str) -> Observation | None:
        for candidate in self.observations:
            if candidate.code == code:
                return candidate
        return None

    def to_json(self) -> dict[str, Any]:
        """Every field, dates as ISO text, observations as dicts (as `dataclasses.asdict` gives them, without its
        recursive deep copy: every field is a scalar or a date, the observations a list of flat dataclasses)."""
        data = {name: getattr(self, name) for name in _DOCUMENT_FIELDS}
        for name in DATE_FIELDS:
            value = data[name]
            data[name] = value.isoformat() if value else None
        data["observations"] = [{name: getattr(o, name) for name in _OBSERVATION_FIELDS} for o in self.observations]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "CheckupDocument":
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        for name in DATE_FIELDS:
            if values.get(name):
                values[name] = dt.date.fromisoformat(values[name])
        observation_fields = {f.name for f in fields(Observation)}
        values["observations"] = [
            Observation(**{k: v for k, v in item.items() if k in observation_fields})
            for item in values.get("observations", [])
        ]
        return cls(**values)


_DOCUMENT_FIELDS = tuple(f.name for f in fields(CheckupDocument))
_OBSERVATION_FIELDS = tuple(f.name for f in fields(Observation))
