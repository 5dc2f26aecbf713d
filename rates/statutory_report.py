"""The statutory report's counts from the database (法定報告, SPEC §6.6): one grouped query, no per-person loop.

The targets are the rates' own (`rates.computation`: target selector, age bands, counted checkup, guidance
denominator and completion), so the report's checkup and guidance rates are the snapshot's rates by construction.
Targets LEFT JOIN their counted checkup of the year LEFT JOIN its programme, GROUP BY sex and band, with one
conditional COUNT per figure. Works on SQLite and PostgreSQL.
"""

from typing import Any

from django.db.models import Count, Q

from checkups.codes import GuidanceLevel, MetabolicJudgment
from guidance.codes import ProgrammeLevel
from members.models import Insurer

from .computation import (
    age_band_case,
    counted_checkup_relation,
    guidance_completed_condition,
    guidance_target_condition,
    target_persons,
)
from .db import large_query_settings
from .statutory_figures import FIGURE_NAMES, StatutoryCounts, StatutoryReport, report_rows

YES = 1  # questionnaire yes/no items: 1 はい (SPEC §4.1)
COUNTED = "counted__"  # the FilteredRelation to the counted checkup


def initial_interview_done(prefix: str = COUNTED) -> Q:
    """The programme's initial interview is complete (both parts of a split one; SPEC §6.6, §5.2).

    Read from the stored evaluation (`guidance.completion.evaluate` → `initial_completed_on`), the one
    implementation of that rule: 初回未完了 (only ① held) has a JSON null there and is not started.
    """
    key = f"{prefix}programme__evaluation__initial_completed_on"
    return Q(**{f"{key}__isnull": False}) & ~Q(**{key: None})


def _level(level: GuidanceLevel) -> Q:
    """The counted checkup's level (SPEC §6.6: by the checkup, so 動機付け支援相当 stays under intensive)."""
    return Q(**{f"{COUNTED}guidance_level": level})


def figure_conditions() -> dict[str, Q | None]:
    """Each figure of SPEC §6.6 as a condition on a target's row (None: every target counts)."""
    targets = guidance_target_condition(COUNTED)
    completed = guidance_completed_condition(COUNTED)
    started = targets & initial_interview_done()
    intensive, motivational = _level(GuidanceLevel.INTENSIVE), _level(GuidanceLevel.MOTIVATIONAL)
    conditions: dict[str, Q | None] = {
        "checkup_targets": None,
        "checkup_examined": Q(**{f"{COUNTED}pk__isnull": False}),
        "guidance_targets_intensive": targets & intensive,
        "guidance_targets_motivational": targets & motivational,
        "guidance_started_intensive": started & intensive,
        "guidance_started_motivational": started & motivational,
        "guidance_completed_intensive": completed & intensive,
        "guidance_completed_motivational": completed & motivational,
        "guidance_completed_equivalent": completed
        & intensive
        & Q(**{f"{COUNTED}programme__level": ProgrammeLevel.MOTIVATIONAL_EQUIVALENT}),
        "metabolic_syndrome": Q(**{f"{COUNTED}metabolic_judgment": MetabolicJudgment.MEETS}),
        "metabolic_reserve": Q(**{f"{COUNTED}metabolic_judgment": MetabolicJudgment.PRE}),
        "medication_bp": Q(**{f"{COUNTED}med_blood_pressure": YES}),
        "medication_glucose": Q(**{f"{COUNTED}med_glucose": YES}),
        "medication_lipids": Q(**{f"{COUNTED}med_lipids": YES}),
    }
    assert tuple(conditions) == FIGURE_NAMES
    return conditions


def statutory_strata(*, insurer_id: int, fiscal_year: int) -> dict[tuple[int, int], StatutoryCounts]:
    """The counts per (sex, band lower bound) of FY N, in one grouped query (SPEC §6.6)."""
    aggregates = {
        name: Count("pk") if condition is None else Count(f"{COUNTED}pk", filter=condition)
        for name, condition in figure_conditions().items()
    }
    query = (
        target_persons(insurer_id=insurer_id, fiscal_year=fiscal_year)
        .annotate(
            counted=counted_checkup_relation(insurer_id=insurer_id, fiscal_year=fiscal_year),
            band=age_band_case(fiscal_year, "birth_date"),
        )
        .values("sex", "band")
        .annotate(**aggregates)
        .order_by()
    )
    with large_query_settings():
        rows: list[Any] = list(query)  # .values() rows keyed by FIGURE_NAMES
    if any(row["band"] is None for row in rows):  # the target window and the bands disagree: never drop people
        raise ValueError(f"FY{fiscal_year}: targets outside every age band (rates.periods)")
    return {(row["sex"], row["band"]): StatutoryCounts(**{name: row[name] for name in FIGURE_NAMES}) for row in rows}


def statutory_report(*, insurer: Insurer, fiscal_year: int) -> StatutoryReport:
    """The statutory report of one insurer and fiscal year (SPEC §6.6): 14 rows and totals."""
    strata = statutory_strata(insurer_id=insurer.pk, fiscal_year=fiscal_year)
    return StatutoryReport(insurer_number=insurer.number, fiscal_year=fiscal_year, rows=report_rows(strata))
