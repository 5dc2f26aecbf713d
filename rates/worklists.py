"""The three look-ahead work lists: their queries, columns and CSV rows (one definition for page and CSV)."""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from guidance.completion import OPEN_STATUSES
from guidance.wording import missing_points, next_action_label
from members.age_basis import age_basis
from members.fiscal import month_end

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
    """A programme list of one fiscal year."""

    def queryset(*, insurer_id: int, fiscal_year: int, today: dt.date) -> QuerySet:
        return builder(insurer_id=insurer_id, today=today).filter(fiscal_year=fiscal_year).select_related("provider")

    return queryset


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
        next_action_label(programme),  # 実績評価待ち only when the final evaluation can complete it
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
        queryset=_programme_queryset(lookahead.finishable_not_at_risk_programmes),
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


# --- the page: filters, sort, rows (the CSV applies the same filters and order) ---------------------------------

DUE_CHOICES = {"overdue": _("期限超過"), "week": _("7日以内"), "month": _("今月中")}
PROGRAMME_SORTS = {  # key → (label, ordering)
    "due": (_("対応期限"), ("next_action_due", "pk")),
    "name": (_("氏名(カナ)"), ("person__name_kana", "pk")),
    "points": (_("ポイント"), ("total_points", "pk")),
    "initial": (_("初回面接日"), ("initial_on", "pk")),
    "employer": (_("事業所"), ("person__employer__code", "pk")),
    "staff": (_("担当職員"), ("assigned_staff__last_name", "assigned_staff__first_name", "pk")),
}
PERSON_SORTS = {
    "employer": (_("事業所"), lookahead.NO_CHECKUP_ORDER),
    "name": (_("氏名(カナ)"), ("name_kana", "pk")),
    "age": (_("年齢"), ("-birth_date", "pk")),
}


@dataclass(frozen=True)
class Selection:
    """What the user chose on the page: filters and the order (query parameters, kept by the CSV link)."""

    level: str = ""
    status: str = ""
    provider: str = ""
    staff: str = ""
    employer: str = ""
    due: str = ""
    sort: str = ""
    descending: bool = False

    PARAMETERS = ("level", "status", "provider", "staff", "employer", "due", "sort")

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> "Selection":
        values = {name: str(query.get(name, "")).strip() for name in cls.PARAMETERS}
        return cls(**values, descending=query.get("dir") == "desc")

    @property
    def filtered(self) -> bool:
        """Any filter chosen (the order does not change which rows are listed)."""
        return any(getattr(self, name) for name in self.PARAMETERS if name != "sort")

    def as_query(self, **changes: str) -> dict[str, str]:
        values = {name: getattr(self, name) for name in self.PARAMETERS}
        values["dir"] = "desc" if self.descending else ""
        values.update(changes)
        return {name: value for name, value in values.items() if value}


def select_programmes(queryset: QuerySet, selection: Selection, *, today: dt.date) -> QuerySet:
    """The programme list filtered and ordered as chosen (unknown values are ignored, never an error)."""
    if selection.level.isdigit():
        queryset = queryset.filter(level=int(selection.level))
    if selection.status:
        queryset = queryset.filter(status=selection.status)
    if selection.provider.isdigit():
        queryset = queryset.filter(provider_id=int(selection.provider))
    if selection.staff == "none":
        queryset = queryset.filter(assigned_staff__isnull=True)
    elif selection.staff.isdigit():
        queryset = queryset.filter(assigned_staff_id=int(selection.staff))
    if selection.employer.isdigit():
        queryset = queryset.filter(person__employer_id=int(selection.employer))
    if selection.due == "overdue":
        queryset = queryset.filter(next_action_due__lt=today)
    elif selection.due == "week":
        queryset = queryset.filter(next_action_due__lte=today + dt.timedelta(days=7))
    elif selection.due == "month":
        queryset = queryset.filter(next_action_due__lte=month_end(today))
    return _ordered(queryset, PROGRAMME_SORTS, selection)


def select_persons(queryset: QuerySet, selection: Selection) -> QuerySet:
    if selection.employer.isdigit():
        queryset = queryset.filter(employer_id=int(selection.employer))
    return _ordered(queryset, PERSON_SORTS, selection)


def _ordered(queryset: QuerySet, sorts: Mapping[str, tuple[Any, tuple[str, ...]]], selection: Selection) -> QuerySet:
    if selection.sort not in sorts:
        return queryset
    fields = sorts[selection.sort][1]
    if selection.descending:
        fields = tuple(f[1:] if f.startswith("-") else f"-{f}" for f in fields)
    return queryset.order_by(*fields)


def programme_page_row(programme: Any, *, today: dt.date) -> dict[str, Any]:
    """One row of a programme work list as the page shows it (the CSV keeps its own columns)."""
    person = programme.person
    return {
        "programme": programme,
        "person": person,
        "age": age_basis(person.birth_date, programme.fiscal_year),
        "employer": person.employer.name if person.employer else "",
        "next": next_action_label(programme),
        "overdue": bool(programme.next_action_due and programme.next_action_due < today),
        "missing": missing_points(programme) if programme.status in OPEN_STATUSES else 0,
        "reasons": lookahead.risk_reasons(programme, today=today),
        "earliest_final": lookahead.earliest_final(programme, today=today),
    }


def person_page_row(person: Any, *, fiscal_year: int) -> dict[str, Any]:
    return {
        "person": person,
        "age": age_basis(person.birth_date, fiscal_year),
        "employer": person.employer,
        "incomplete": bool(getattr(person, "has_incomplete_checkup", False)),
    }
