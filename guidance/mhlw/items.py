"""THE table of 特定保健指導情報ファイル (hg08) item codes we write and read (SPEC §9.6), with the source of each.

MHLW's 4th-period guidance item table (XMLhg24tab) is not in our material, and searches of the public material
we can reach (repositories, docs, pages) did not find it. So:

- `3rd` — the code is in MHLW's 3rd-period table XMLhg18tab (`../shared/real/code-tables/XMLhg18tab.3rd-period.csv`,
  番号 column given); hg08_V08.xsd did not change between the periods (formats-notes §1.8), so the code is
  assumed to carry on. Confirmed for the 3rd period only.
- `3rd+oid4` — as `3rd`, with the 4th-period value set (OID) that SPEC §5.2 and the published OID list give
  (e.g. 支援形態 .24010 replaces the 3rd period's .18140/.3004/.1113).
- `project` — UNCONFIRMED: a 4th-period concept (アウトカム評価, 行動変容の開始日, 早期初回面接, …) whose item code we
  could not find. We use our own codes in the `99…` range (MHLW's codes start with 10), with the 4th-period OID
  of the value set where the OID itself is published (.24070, .24090, .24100, .24110, .24120, .24130, .24020,
  .24030). A receiver that validates codes against XMLhg24tab will refuse these: replace them here once the
  4th-period table is at hand; nothing else in the code names an item code.
"""

from dataclasses import dataclass

from guidance.codes import BehaviourCategory, ContactKind

CONFIRMED_SOURCES = frozenset({"3rd", "3rd+oid4"})

OID_GUIDANCE_ITEM = "1.2.392.200119.6.1006"  # 特定保健指導項目コード (hg08 default codeSystem, formats-notes §1.7)
OID_LEVEL = "1.2.392.200119.6.3001"  # 保健指導区分 as XMLhg18tab 1101 (1 積極的 2 動機付け 3 動機付け支援相当)
OID_FORM = "1.2.392.200119.6.24010"  # 支援形態 (SPEC §5.2)
OID_CONTACT_KIND = "1.2.392.200119.6.18150"  # 実施内容 (XMLhg18tab 1814): 1 初回 2 ① 3 ② 4 中間 5 継続 6 実績評価
OID_EARLY_INTERVIEW = "1.2.392.200119.6.24070"  # 健診後早期の初回面接: 0 なし 1 当日 2 1週間以内
OID_OUTCOME = "1.2.392.200119.6.24090"  # 腹囲・体重の改善: 0 未達成 1 1cm・1kg 2 2cm・2kg
OID_BEHAVIOUR = "1.2.392.200119.6.24100"  # 生活習慣の改善: 0 未達成 1 達成 9 目標なし
OID_PLANNED_OUTCOME = "1.2.392.200119.6.24110"  # 腹囲・体重の計画: 0 なし 1 1cm・1kg 2 2cm・2kg
OID_BEHAVIOUR_PLAN = "1.2.392.200119.6.24120"  # 行動変容の計画: 0 なし 1 あり
OID_SMOKING = "1.2.392.200119.6.24130"  # 喫煙習慣の改善: 0 未達成 1 達成 8 非喫煙 9 目標なし
OID_RECHECK = "1.2.392.200119.6.24020"  # 再確認コード: 1 記載違い(服薬中) 2 健診以後に服薬開始
OID_MEDICATION_DURING = "1.2.392.200119.6.24030"  # 保健指導時服薬確認: 1 保健指導以後に服薬開始


@dataclass(frozen=True)
class GuidanceItem:
    code: str
    name: str
    value_type: str  # PQ, INT, CD, ST, TS, BL
    source: str  # "3rd" / "3rd+oid4" (with the XMLhg18tab 番号) or "project" (UNCONFIRMED)
    unit: str = ""
    oid: str = ""  # value set of a CD
    mood: str = "EVN"  # observation moodCode (XMLhg18tab gives EVN / INT / GOL)

    @property
    def confirmed(self) -> bool:
        return self.source.split(" ", 1)[0] in CONFIRMED_SOURCES


def _i(code: str, name: str, value_type: str, source: str, unit: str = "", oid: str = "", mood: str = "EVN"):
    return GuidanceItem(code, name, value_type, source, unit, oid, mood)


# Contact kinds → 実施内容 code (OID .18150, XMLhg18tab 1814)
CONTACT_KIND_CODES: dict[ContactKind, str] = {
    ContactKind.INITIAL: "1",
    ContactKind.INITIAL_PART1: "2",
    ContactKind.INITIAL_PART2: "3",
    ContactKind.INTERIM: "4",
    ContactKind.CONTINUOUS: "5",
    ContactKind.FINAL: "6",
}
KIND_GROUPS: dict[ContactKind, str] = {
    ContactKind.INITIAL: "initial",
    ContactKind.INITIAL_PART1: "initial",
    ContactKind.INITIAL_PART2: "initial",
    ContactKind.INTERIM: "interim",
    ContactKind.CONTINUOUS: "continuous",
    ContactKind.FINAL: "final",
}

# The one table: key → item. Keys of contact items are "<group>.<field>" (group from KIND_GROUPS).
ITEMS: dict[str, GuidanceItem] = {
    # ---- programme (指導共通情報, 保健指導計画情報, 指導機関情報)
    "level": _i("1020000001", "保健指導区分", "CD", "3rd 1101", oid=OID_LEVEL),
    "target_waist_cm": _i("1021001031", "目標腹囲", "PQ", "3rd 1307", "cm", mood="GOL"),
    "target_weight_kg": _i("1021001032", "目標体重", "PQ", "3rd 1308", "kg", mood="GOL"),
    "provider_number": _i("1042000081", "保健指導機関番号(1)", "ST", "3rd 1811"),
    "provider_name": _i("1042000082", "保健指導機関名(1)", "ST", "3rd 1812"),
    "process_points": _i("1042800114", "継続的な支援によるポイント(合計)", "INT", "3rd 1746"),
    "planned_outcome": _i("9900000002", "腹囲・体重の計画", "CD", "project", oid=OID_PLANNED_OUTCOME, mood="INT"),
    "behaviour_plan": _i("9900000003", "行動変容の計画", "CD", "project", oid=OID_BEHAVIOUR_PLAN, mood="INT"),
    "plan_goal": _i("9900000004", "行動目標", "ST", "project", mood="INT"),
    "support_plan": _i("9900000005", "支援計画", "ST", "project", mood="INT"),
    "early_interview": _i("9900000006", "健診後早期の初回面接", "CD", "project", oid=OID_EARLY_INTERVIEW),
    "outcome": _i("9900000007", "腹囲・体重の改善", "CD", "project", oid=OID_OUTCOME),
    "outcome_points": _i("9900000008", "アウトカム評価のポイント", "INT", "project"),
    "total_points": _i("9900000009", "合計ポイント", "INT", "project"),
    "dropout_reason": _i("9900000010", "途中終了の理由", "ST", "project"),  # effectiveTime = 途中終了日
    "recheck": _i("9900000011", "保険者再確認(服薬)", "CD", "project", oid=OID_RECHECK),  # effectiveTime = date
    "medication_during": _i("9900000012", "保健指導時服薬確認", "CD", "project", oid=OID_MEDICATION_DURING),
    "plan_set_on": _i("9900000013", "行動計画の設定日", "TS", "project"),
    # ---- initial interview (初回面接実施情報); the act's effectiveTime is 1022000011 初回面接の実施日付
    "initial.form": _i("1022000012", "初回面接による支援の支援形態", "CD", "3rd+oid4 1302", oid=OID_FORM),
    "initial.minutes": _i("1022000013", "初回面接の実施時間", "PQ", "3rd 1303", "min"),
    # ---- interim evaluation (中間評価情報)
    "interim.form": _i("1032000012", "中間評価の支援形態", "CD", "3rd+oid4 1502", oid=OID_FORM),
    "interim.minutes": _i("1032000013", "中間評価の実施時間", "PQ", "3rd 1503", "min"),
    "interim.points": _i("1032000014", "中間評価の実施ポイント", "INT", "3rd 1504"),
    "interim.waist_cm": _i("1032001031", "中間評価時の腹囲", "PQ", "3rd 1506", "cm"),
    "interim.weight_kg": _i("1032001032", "中間評価時の体重", "PQ", "3rd 1507", "kg"),
    "interim.systolic_mmhg": _i("1032001033", "中間評価時の収縮期血圧", "PQ", "3rd 1508", "mm[Hg]"),
    "interim.diastolic_mmhg": _i("1032001034", "中間評価時の拡張期血圧", "PQ", "3rd 1509", "mm[Hg]"),
    # ---- continuous support (継続支援情報, the 3rd period's 支援A)
    "continuous.form": _i("1032100012", "継続的支援の支援形態", "CD", "3rd+oid4 1412", oid=OID_FORM),
    "continuous.minutes": _i("1032100013", "継続的支援の実施時間", "PQ", "3rd 1413", "min"),
    "continuous.points": _i("1032100014", "継続的支援の実施ポイント", "INT", "3rd 1414"),
    # ---- final evaluation (最終(3ヶ月)評価情報, the 4th period's 実績評価)
    "final.form": _i("1042000012", "実績評価の支援形態又は確認方法", "CD", "3rd+oid4 1602", oid=OID_FORM),
    "final.waist_cm": _i("1042001031", "実績評価時の腹囲", "PQ", "3rd 1605", "cm"),
    "final.weight_kg": _i("1042001032", "実績評価時の体重", "PQ", "3rd 1606", "kg"),
    "final.systolic_mmhg": _i("1042001033", "実績評価時の収縮期血圧", "PQ", "3rd 1607", "mm[Hg]"),
    "final.diastolic_mmhg": _i("1042001034", "実績評価時の拡張期血圧", "PQ", "3rd 1608", "mm[Hg]"),
    "final.minutes": _i("9900000101", "実績評価の実施時間", "PQ", "project", "min"),
    # ---- project items of any contact (no code in the 3rd-period table for these kinds)
    "initial.waist_cm": _i("9900000111", "初回面接時の腹囲", "PQ", "project", "cm"),
    "initial.weight_kg": _i("9900000112", "初回面接時の体重", "PQ", "project", "kg"),
    "initial.systolic_mmhg": _i("9900000113", "初回面接時の収縮期血圧", "PQ", "project", "mm[Hg]"),
    "initial.diastolic_mmhg": _i("9900000114", "初回面接時の拡張期血圧", "PQ", "project", "mm[Hg]"),
    "continuous.waist_cm": _i("9900000121", "継続的支援時の腹囲", "PQ", "project", "cm"),
    "continuous.weight_kg": _i("9900000122", "継続的支援時の体重", "PQ", "project", "kg"),
    "continuous.systolic_mmhg": _i("9900000123", "継続的支援時の収縮期血圧", "PQ", "project", "mm[Hg]"),
    "continuous.diastolic_mmhg": _i("9900000124", "継続的支援時の拡張期血圧", "PQ", "project", "mm[Hg]"),
    "initial.points": _i("9900000131", "初回面接の早期実施加算ポイント", "INT", "project"),
    "final.points": _i("9900000132", "実績評価時のアウトカム評価ポイント", "INT", "project"),
    "contact.participants": _i("9900000201", "グループ支援の参加人数", "INT", "project"),
    "contact.automated": _i("9900000202", "自動応答・AI生成による支援", "BL", "project"),
    "contact.no_guidance_content": _i("9900000203", "実践的な指導内容なし", "BL", "project"),
    "contact.self_declared": _i("9900000204", "腹囲・体重は自己申告のみ", "BL", "project"),
    # ---- behaviour changes at the final evaluation (SPEC §5.5): value 1 達成, effectiveTime = the day it began
    "behaviour.diet": _i("9900000301", "食習慣の改善", "CD", "project", oid=OID_BEHAVIOUR),
    "behaviour.exercise": _i("9900000302", "運動習慣の改善", "CD", "project", oid=OID_BEHAVIOUR),
    "behaviour.smoking": _i("9900000303", "喫煙習慣の改善(禁煙)", "CD", "project", oid=OID_SMOKING),
    "behaviour.rest": _i("9900000304", "休養習慣の改善", "CD", "project", oid=OID_BEHAVIOUR),
    "behaviour.other": _i("9900000305", "その他の生活習慣の改善", "CD", "project", oid=OID_BEHAVIOUR),
}
assert {f"behaviour.{c}" for c in BehaviourCategory.values} <= set(ITEMS)

BY_CODE: dict[str, str] = {item.code: key for key, item in ITEMS.items()}
assert len(BY_CODE) == len(ITEMS), "item codes must be unique"
KIND_BY_CODE: dict[str, ContactKind] = {code: kind for kind, code in CONTACT_KIND_CODES.items()}

SECTION_GUIDANCE = "90010"  # ◆ UNCONFIRMED: section code of the guidance body (S7b lists 90010–90080 保健指導)
SECTION_NAME = "特定保健指導情報セクション"
PROGRAM_GUIDANCE = "100"  # プログラム種別 100 特定保健指導 (formats-notes §1.5 #21)
SERVICE_EVENT_GUIDANCE = 2  # 実施区分 2 特定保健指導情報 (formats-notes §1.3)


def unconfirmed() -> list[tuple[str, GuidanceItem]]:
    """The items whose code is ours, not MHLW's (for the closing note and the docs)."""
    return [(key, item) for key, item in ITEMS.items() if not item.confirmed]
