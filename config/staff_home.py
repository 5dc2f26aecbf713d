"""今日の仕事 (the staff home at /admin/): what needs a person today, each a count that links to its filtered list.

Every count comes from the selector whose rule the linked list applies (the list filter or the work list calls the
same function), so the number on the home is the number of rows on the list. Counts are aggregate queries over the
insurers the staff member sees: a constant number of queries (one more pair per insurer for the per-insurer pages).
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from checkups.selectors import REFUSAL_RECENT_DAYS, intake_counts
from employer_data.selectors import outstanding_submission_count
from guidance.codes import ProgrammeLevel
from guidance.selectors import programme_counts
from members.actors import Actor, actor_from_request
from members.dates import day, fiscal_year_label
from members.fiscal import fiscal_year_of, month_end
from members.models import Insurer
from rates.selectors import insurers_for, worklist_count


@dataclass(frozen=True)
class HomeItem:
    """One count and the list it opens; `hint` says what to do there."""

    label: str
    count: int
    url: str
    hint: str = ""
    as_of: dt.datetime | None = None  # a count as of a rate snapshot (rates.worklist_counts), not live


@dataclass
class HomeSection:
    key: str
    title: str
    items: list[HomeItem] = field(default_factory=list)


def _url(name: str, query: dict[str, Any] | None = None, **kwargs: Any) -> str:
    path = reverse(f"admin:{name}", kwargs=kwargs or None)
    return f"{path}?{urlencode(query)}" if query else path


def _for(label: str, insurer: Insurer, insurers: list[Insurer]) -> str:
    """A per-insurer count names its insurer when the staff member sees more than one."""
    return f"{label}({insurer.name})" if len(insurers) > 1 else label


def _intake(actor: Actor, today: Any) -> HomeSection:
    counts = intake_counts(actor=actor, today=today)
    return HomeSection("intake", _("健診結果の受付"), [
        HomeItem(_("照合保留の健診結果"), counts.held_records,
                 _url("checkups_heldrecord_changelist", {"status__exact": "held"}),
                 _("加入者を探して紐付けるか、却下する")),
        HomeItem(_("記録が拒否されたアップロード"), counts.refused_uploads,
                 _url("checkups_upload_changelist", {"refused": "recent"}),
                 _("過去%(days)s日。健診機関に再送を依頼する") % {"days": REFUSAL_RECENT_DAYS}),
    ])  # fmt: skip


def _guidance(actor: Actor, today: Any, fiscal_year: int, insurers: list[Insurer]) -> HomeSection:
    counts = programme_counts(actor=actor, fiscal_year=fiscal_year, final_due_by=month_end(today))
    year = {"fiscal_year__exact": fiscal_year}
    changelist = "guidance_programme_changelist"
    section = HomeSection("guidance", _("特定保健指導(%(year)s)") % {"year": fiscal_year_label(fiscal_year)})
    for level in ProgrammeLevel:
        section.items.append(HomeItem(
            _("未開始の%(level)s") % {"level": level.label}, counts.not_started[level.value],
            _url(changelist, {**year, "status__exact": "not_started", "level__exact": level.value}),
            _("初回面接の予定を立てる"),
        ))  # fmt: skip
    section.items += [
        HomeItem(_("60日以上支援していない人"), counts.contact_overdue,
                 _url(changelist, {**year, "next": "contact_overdue"}), _("連絡して継続支援を行う")),
        HomeItem(_("今月末までに実績評価"), counts.final_evaluation_due,
                 _url(changelist, {**year, "final_due": "month"}),
                 _("%(day)sまでに実施できる実績評価") % {"day": day(month_end(today))}),
        HomeItem(_("区分変更の判断待ち"), counts.level_decisions,
                 _url(changelist, {**year, "next": "level_decision_required"}),
                 _("健診結果の修正で区分が変わった: 継続か切り替えかを決める")),
    ]  # fmt: skip
    for insurer in insurers:
        at_risk = worklist_count(actor=actor, kind="at-risk", insurer=insurer, fiscal_year=fiscal_year, today=today)
        section.items.append(HomeItem(
            _for(_("終了が危ぶまれる保健指導"), insurer, insurers), at_risk.count,
            _url("rates_worklist", {"insurer": insurer.number, "fiscal_year": fiscal_year}, kind="at-risk"),
            _("期限超過・ポイント不足・報告期限までに実績評価できない"), as_of=at_risk.as_of,
        ))  # fmt: skip
    return section


def _employer_data(actor: Actor, fiscal_year: int, insurers: list[Insurer]) -> HomeSection:
    section = HomeSection("employer", _("事業主健診(%(year)s)") % {"year": fiscal_year_label(fiscal_year)})
    for insurer in insurers:
        owed = outstanding_submission_count(actor=actor, insurer_id=insurer.pk, fiscal_year=fiscal_year)
        section.items.append(HomeItem(
            _for(_("事業主健診が未受領の事業所"), insurer, insurers), owed,
            _url("employer_data_submission_changelist",
                 {"insurer": insurer.pk, "fy": fiscal_year, "status": "outstanding"}),
            _("未依頼・依頼済・一部受領。依頼状を送る、受領を確認する"),
        ))  # fmt: skip
    return section


def staff_home(request: HttpRequest) -> dict[str, Any]:
    """The home's context: the sections of counts for the staff member's insurers (empty for anyone else)."""
    actor = actor_from_request(request)
    if not actor.is_staff:
        return {}
    today = timezone.localdate()
    fiscal_year = fiscal_year_of(today)
    insurers = list(insurers_for(actor=actor))
    return {
        "title": _("今日の仕事"),
        "home_today": day(today),
        "home_sections": [
            _intake(actor, today),
            _guidance(actor, today, fiscal_year, insurers),
            _employer_data(actor, fiscal_year, insurers),
        ],
    }
