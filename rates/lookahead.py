"""Year-end look-ahead: projected rates, what is still needed to reach the targets, and the work lists behind it.

Work lists are querysets (SQL), so the dashboard shows a page and the CSV streams the whole list.
"""

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When

from checkups.models import Checkup
from guidance.codes import ProgrammeLevel, ProgrammeStatus
from guidance.completion import OPEN_STATUSES
from guidance.contacts import final_evaluation_earliest
from guidance.models import Programme
from guidance.points import COMPLETION_POINTS  # SPEC §5.5: 積極的支援 needs ≥ 180 points
from members.fiscal import fiscal_year_of
from members.models import InsuredPerson

from .computation import guidance_level_condition, receiver_persons, target_condition, target_persons
from .periods import latest_initial_interview_for, reporting_deadline

# Next actions (guidance.completion) that mean the programme is late (SPEC §5.6 overdue) or short of points
OVERDUE_ACTIONS = ("contact_overdue", "final_evaluation_overdue")
SHORT_OF_POINTS_ACTIONS = ("points_below_180",)


def additional_needed(*, numerator: int, denominator: int, target: Decimal | None) -> int | None:
    """How many more people must be counted in the numerator to reach `target` (a fraction), at least 0."""
    if target is None:
        return None
    return max(0, math.ceil(target * denominator) - numerator)


def open_guidance_years(*, today: dt.date) -> list[int]:
    """Fiscal years whose programmes can still complete in time for their report (rules-notes §5.4)."""
    current = fiscal_year_of(today)
    return [year for year in (current - 1, current) if today <= reporting_deadline(year)]


def no_checkup_targets(*, insurer_id: int, fiscal_year: int) -> QuerySet[InsuredPerson]:
    """Targets without a counted, complete checkup yet, by employer (SPEC §1.3, §6.1, §7.3)."""
    incomplete = Checkup.objects.filter(
        person=OuterRef("pk"), fiscal_year=fiscal_year, counts_for_fiscal_year=True, is_complete=False
    )
    return (
        target_persons(insurer_id=insurer_id, fiscal_year=fiscal_year)
        .filter(~Q(receiver_persons(insurer_id=insurer_id, fiscal_year=fiscal_year)))
        .annotate(has_incomplete_checkup=Exists(incomplete))
        .select_related("employer")
        .order_by(*NO_CHECKUP_ORDER)
    )


# By employer, then card: the order of `members.InsuredPerson`'s person_employer_card_idx, so the first page is read
# through that index and stops after its rows (ordering by the employer's code would sort every target first)
NO_CHECKUP_ORDER = ("employer_id", "card_symbol", "card_number", "card_branch")


def no_checkup_by_employer(*, insurer_id: int, fiscal_year: int) -> list[Mapping[str, Any]]:
    return list(
        no_checkup_targets(insurer_id=insurer_id, fiscal_year=fiscal_year)
        .values(
            "employer_id",
            "employer__code",
            "employer__name",
            "employer__contact_person",
            "employer__phone",
            "employer__email",
        )
        .annotate(count=Count("pk"))
        .order_by("employer__code")
    )


def _open_programmes(*, insurer_id: int, fiscal_years: Iterable[int]) -> QuerySet[Programme]:
    """Open programmes in the guidance denominator of their fiscal year (SPEC §6.2, §5.6)."""
    within = Q(pk__in=[])
    for year in fiscal_years:
        within |= (
            Q(fiscal_year=year, checkup__fiscal_year=year)
            & target_condition(year, prefix="person__", person_ref="person_id")
            # not 対象外 needs no join: an open programme is its checkup's programme (one per checkup)
            & guidance_level_condition("checkup__")
        )
    return (
        Programme.objects.filter(
            insurer_id=insurer_id,
            status__in=OPEN_STATUSES,
            checkup__counts_for_fiscal_year=True,
            checkup__is_complete=True,
        )
        .filter(within)
        .select_related("person", "person__employer", "assigned_staff")
    )


def _finishable(year: int, today: dt.date) -> Q:
    """Final evaluation (≥ 3 months after the initial interview, SPEC §5.3) possible by the report deadline."""
    latest_initial = latest_initial_interview_for(reporting_deadline(year))
    condition = Q(initial_on__lte=latest_initial)
    if today <= latest_initial:
        condition |= Q(initial_on__isnull=True)  # an interview held today would still be in time
    return Q(fiscal_year=year) & condition


def _finishable_condition(*, today: dt.date) -> Q:
    finishable = Q(pk__in=[])
    for year in open_guidance_years(today=today):
        finishable |= _finishable(year, today)
    return finishable


def _at_risk_condition(*, today: dt.date) -> Q:
    """Overdue, short of points, or can no longer finish in time (SPEC §5.5, §5.6)."""
    evaluable_since = latest_initial_interview_for(today)  # final evaluation possible by today
    late = Q(next_action_due__lt=today) | Q(next_action__in=OVERDUE_ACTIONS)
    short = Q(next_action__in=SHORT_OF_POINTS_ACTIONS) | Q(
        level=ProgrammeLevel.INTENSIVE,
        status=ProgrammeStatus.IN_PROGRESS,
        total_points__lt=COMPLETION_POINTS,
        initial_on__lte=evaluable_since,
    )
    too_late = Q(pk__in=[])
    for year in open_guidance_years(today=today):
        too_late |= Q(fiscal_year=year) & ~_finishable(year, today)
    return late | short | too_late


def finishable_programmes(*, insurer_id: int, today: dt.date) -> QuerySet[Programme]:
    years = open_guidance_years(today=today)
    return (
        _open_programmes(insurer_id=insurer_id, fiscal_years=years)
        .filter(_finishable_condition(today=today))
        .order_by("fiscal_year", "initial_on", "pk")
    )


def at_risk_programmes(*, insurer_id: int, today: dt.date) -> QuerySet[Programme]:
    """Open programmes that are overdue, short of points, or can no longer finish in time (SPEC §5.5, §5.6)."""
    years = open_guidance_years(today=today)
    return (
        _open_programmes(insurer_id=insurer_id, fiscal_years=years)
        .filter(_at_risk_condition(today=today))
        .order_by("next_action_due", "fiscal_year", "pk")
    )


def finishable_not_at_risk_programmes(*, insurer_id: int, today: dt.date) -> QuerySet[Programme]:
    """期限内に終了できる as a work list: without the 終了が危ぶまれる ones, so that the categories are disjoint."""
    return finishable_programmes(insurer_id=insurer_id, today=today).filter(~_at_risk_condition(today=today))


def programme_list_counts(*, insurer_id: int, fiscal_year: int, today: dt.date) -> dict[str, int]:
    """The rows of both programme lists of a fiscal year in one pass over its open programmes: 終了が危ぶまれる, and
    期限内に終了できる without them (the first matching category wins, so the two are disjoint as the lists are)."""
    category = Case(
        When(_at_risk_condition(today=today), then=Value("at-risk")),
        When(_finishable_condition(today=today), then=Value("finishable")),
        default=Value(""),
    )
    rows = (
        _open_programmes(insurer_id=insurer_id, fiscal_years=open_guidance_years(today=today))
        .filter(fiscal_year=fiscal_year)
        .select_related(None)
        .annotate(category=category)
        .values("category")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {"finishable": 0, "at-risk": 0}
    counts.update({row["category"]: row["n"] for row in rows if row["category"]})
    return counts


def risk_reasons(programme: Programme, *, today: dt.date) -> list[str]:
    """Why a programme is on the at-risk list, in Japanese, for the list and its CSV."""
    reasons = []
    if programme.next_action in OVERDUE_ACTIONS or (programme.next_action_due and programme.next_action_due < today):
        reasons.append("期限超過")
    evaluable = programme.initial_on is not None and programme.initial_on <= latest_initial_interview_for(today)
    if programme.next_action in SHORT_OF_POINTS_ACTIONS or (
        programme.level == ProgrammeLevel.INTENSIVE
        and programme.status == ProgrammeStatus.IN_PROGRESS
        and programme.total_points < COMPLETION_POINTS
        and evaluable
    ):
        reasons.append(f"ポイント不足({programme.total_points}/{COMPLETION_POINTS})")
    earliest = earliest_final(programme, today=today)
    if earliest > reporting_deadline(programme.fiscal_year):
        reasons.append("報告期限までに実績評価不可")
    return reasons


def earliest_final(programme: Programme, *, today: dt.date) -> dt.date:
    """Earliest final evaluation (SPEC §5.3); a programme not yet started could begin today at the earliest."""
    return final_evaluation_earliest(programme.initial_on or today)
