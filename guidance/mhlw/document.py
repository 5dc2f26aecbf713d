"""The content of one 特定保健指導情報ファイル (g…xml, hg08, SPEC §9.6) as plain values: what the writer writes and
the reader gives back, so a file round-trips without the database."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from checkups.mhlw.archive import GUIDANCE_REPORT_CATEGORIES
from guidance.behaviour import BehaviourChange
from guidance.codes import ContactForm, ContactKind, ProgrammeStatus

# 報告区分 (OID .1001, SPEC §9.6; formats-notes §1.5 #4) by the programme's state
REPORT_CATEGORY_BY_STATUS: dict[ProgrammeStatus, str] = {
    ProgrammeStatus.IN_PROGRESS: "21",  # 開始時
    ProgrammeStatus.COMPLETED: "22",  # 実績評価時
    ProgrammeStatus.DROPPED_OUT: "23",  # 途中終了時
    ProgrammeStatus.EXCLUDED: "24",  # その他 ◆ (対象外: 服薬の再確認)
    ProgrammeStatus.INITIAL_INCOMPLETE: "25",  # 初回未完了
}
# one definition of the guidance 報告区分 (the intake tells guidance files by it); the states cover every one
assert frozenset(REPORT_CATEGORY_BY_STATUS.values()) == GUIDANCE_REPORT_CATEGORIES


@dataclass(frozen=True)
class GuidanceContactRecord:
    """One contact as the file carries it (SPEC §5.2, §5.5, §5.8)."""

    kind: ContactKind
    form: ContactForm
    date: dt.date
    minutes: int | None = None
    points: int | None = None  # as evaluated when written; the importer recomputes
    weight_kg: Decimal | None = None
    waist_cm: Decimal | None = None
    systolic_mmhg: Decimal | None = None
    diastolic_mmhg: Decimal | None = None
    participants: int | None = None
    automated: bool = False
    has_guidance_content: bool = True
    measurements_self_declared: bool = False
    behaviour_changes: tuple[BehaviourChange, ...] = ()


@dataclass
class GuidanceDocument:
    """Header (the person, the file's creator, the guidance provider, the exam date) and the programme."""

    report_category: str
    insurer_number: str
    card_symbol: str
    card_number: str
    card_branch: str
    name_kana: str
    sex: int | None
    birth_date: dt.date | None
    exam_date: dt.date  # serviceEvent/effectiveTime ◆: the checkup the programme came from (SPEC §5.1)
    level: int
    document_date: dt.date
    author_number: str = ""
    author_name: str = ""
    provider_number: str = ""
    provider_name: str = ""
    target_weight_kg: Decimal | None = None
    target_waist_cm: Decimal | None = None
    planned_outcome: int | None = None
    goals: tuple[str, ...] = ()
    support_plan: str = ""
    plan_set_on: dt.date | None = None
    contacts: list[GuidanceContactRecord] = field(default_factory=list)
    early_interview: int | None = None
    outcome: int | None = None
    outcome_points: int | None = None
    process_points: int | None = None
    total_points: int | None = None
    dropped_out_on: dt.date | None = None
    dropout_reason: str = ""
    recheck_code: int | None = None  # 再確認コード .24020 (1 or 2)
    recheck_on: dt.date | None = None
    medication_during_on: dt.date | None = None  # 保健指導時服薬確認 .24030 code 1
