"""The demo's FY2025 shows real shapes on the report pages (issue #17): final evaluations in every outcome
category, two providers, remote-only and mixed programmes, and FY2026 checkups for part of FY2025's completers
and non-starters, where completers come out better. One seeding (it takes a while), several checks."""

import datetime as dt

from demo import checkups, guidance, outcomes
from demo.population import seed_population
from rates.outcome_format import as_json
from rates.outcome_report import outcome_report
from rates.statutory_report import statutory_report

TODAY = dt.date(2026, 11, 26)


def test_fy2025_has_real_shapes(db):
    population = seed_population(persons=1200, today=TODAY)
    for step in (checkups, guidance, outcomes):
        step.seed(population, today=TODAY)
    report = as_json(outcome_report(insurer=population.insurer, fiscal_year=2025))

    assert report["final_evaluated"] > 0 and report["completed"] > 0
    assert all(count > 0 for count in report["outcomes"].values()), report["outcomes"]
    names = {row["name"] for row in report["by_provider"]}
    assert {"架空保健指導センター", "架空オンライン保健指導室", "保険者直営"} <= names
    assert all(sum(counts.values()) > 0 for counts in report["by_mode"].values()), report["by_mode"]
    completed, never = report["next_year"]["completed"], report["next_year"]["not_started"]
    assert completed["people"] > 0 and never["people"] > 0, report["next_year"]
    assert completed["mean_waist_change_cm"] < 0 < never["mean_waist_change_cm"], report["next_year"]
    assert completed["mean_weight_change_kg"] < never["mean_weight_change_kg"]

    totals = statutory_report(insurer=population.insurer, fiscal_year=2025).totals
    assert totals.checkup_examined > 0 and totals.guidance_completed_intensive > 0
    assert totals.guidance_completed_motivational > 0 and totals.metabolic_syndrome > 0
    assert totals.medication_bp > 0 and totals.guidance_started_intensive > totals.guidance_completed_intensive
