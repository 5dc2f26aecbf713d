"""The three look-ahead work lists: their queries, columns and CSV rows (one definition for page and CSV)."""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from members.age_basis import age_basis

from . import lookahead
from .periods import reporting_deadline


@dataclass(frozen=True)
class WorkList:
    title: Any
    description: Any
    header: list[str]
    queryset: Callable[..., QuerySet]
    row: Callable[..., list[object]]
    person_field: str  # for the access log of a CSV export

    def person_id(self, item: Any) -> int:
        return item.pk if self.person_field == "pk" else getattr(item, self.person_field)


def _no_checkup_queryset(*, insurer_id: int, fiscal_year: int, today: dt.date) -> QuerySet:
    return lookahead.no_checkup_targets(insurer_id=insurer_id, fiscal_year=fiscal_year)


def _person_columns(person: Any, fiscal_year: int) -> list[object]:
    return [
        person.card_symbol,
        person.card_number,
        person.card_branch,
        person.name_kana,
        person.get_sex_display(),
        age_basis(person.birth_date, fiscal_year),  # SPEC §1.2
        person.get_relationship_display(),
    ]


def _employer_columns(employer: Any) -> list[object]:
    if employer is None:
        return ["", "", "", "", ""]
    return [employer.code, employer.name, employer.contact_person, employer.phone, employer.email]


def _no_checkup_row(person: Any, *, today: dt.date, fiscal_year: int) -> list[object]:
    note = "健診結果受領済・項目不足" if getattr(person, "has_incomplete_checkup", False) else ""
    return [*_employer_columns(person.employer), *_person_columns(person, fiscal_year), note]


def _programme_queryset(builder: Callable[..., QuerySet]) -> Callable[..., QuerySet]:
    def queryset(*, insurer_id: int, fiscal_year: int, today: dt.date) -> QuerySet:
        return builder(insurer_id=insurer_id, today=today).filter(fiscal_year=fiscal_year)

    return queryset


# Labels of the stored next-action codes of guidance.completion (SPEC §5.6)
NEXT_ACTION_LABELS = {
    "none": "対応不要",
    "initial_interview_not_held": "初回面接未実施",
    "contact_overdue": "支援の間隔超過",
    "initial_interview_part2_pending": "初回面接②未実施",
    "points_below_180": "ポイント不足",
    "final_evaluation_due": "実績評価待ち",
    "final_evaluation_overdue": "実績評価が未実施",
}


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _programme_row(programme: Any, *, today: dt.date, fiscal_year: int) -> list[object]:
    person = programme.person
    staff = programme.assigned_staff
    return [
        programme.fiscal_year,
        *_person_columns(person, programme.fiscal_year),
        *_employer_columns(person.employer)[:2],
        programme.get_level_display(),
        programme.get_status_display(),
        _day(programme.initial_on),
        _day(lookahead.earliest_final(programme, today=today)),
        _day(reporting_deadline(programme.fiscal_year)),
        programme.total_points,
        NEXT_ACTION_LABELS.get(programme.next_action, programme.next_action),
        _day(programme.next_action_due),
        staff.get_full_name() or staff.get_username() if staff else "",
        "・".join(lookahead.risk_reasons(programme, today=today)),
    ]


PERSON_HEADER = ["記号", "番号", "枝番", "氏名(カナ)", "性別", "年度末年齢", "本人/家族"]
EMPLOYER_HEADER = ["事業所コード", "事業所名", "担当者", "電話番号", "メール"]
PROGRAMME_HEADER = [
    "年度",
    *PERSON_HEADER,
    "事業所コード",
    "事業所名",
    "保健指導区分",
    "状態",
    "初回面接日",
    "実績評価可能日",
    "報告期限",
    "合計ポイント",
    "次の対応",
    "対応期限",
    "担当職員",
    "注意",
]


KINDS: dict[str, WorkList] = {
    "no-checkup": WorkList(
        title=_("未受診の健診対象者(事業所別)"),
        description=_("今年度の特定健診対象者のうち、計上できる健診結果がまだない人。"),  # SPEC §1.3, §6.1
        header=[*EMPLOYER_HEADER, *PERSON_HEADER, "備考"],
        queryset=_no_checkup_queryset,
        row=_no_checkup_row,
        person_field="pk",
    ),
    "finishable": WorkList(
        title=_("報告期限までに終了できる保健指導"),
        description=_("初回面接から3か月後の実績評価が法定報告の期限までに間に合う未終了のプログラム。"),  # SPEC §5.3
        header=PROGRAMME_HEADER,
        queryset=_programme_queryset(lookahead.finishable_programmes),
        row=_programme_row,
        person_field="person_id",
    ),
    "at-risk": WorkList(
        title=_("終了が危ぶまれる保健指導"),
        description=_("期限超過・ポイント不足・期限内に実績評価ができないプログラム。"),  # SPEC §5.5, §5.6
        header=PROGRAMME_HEADER,
        queryset=_programme_queryset(lookahead.at_risk_programmes),
        row=_programme_row,
        person_field="person_id",
    ),
}


def no_checkup_employers(*, insurer_id: int, fiscal_year: int) -> list[Mapping[str, Any]]:
    return lookahead.no_checkup_by_employer(insurer_id=insurer_id, fiscal_year=fiscal_year)
