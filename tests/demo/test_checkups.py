"""The demo checkups cover every branch of the rules in FY2024 and FY2025, and both rule periods."""

import datetime as dt

import pytest

from checkups.codes import GuidanceLevel, MetabolicJudgment, Program
from checkups.models import Checkup
from demo.checkups import seed
from demo.population import AGE_EDGE_CARD_PREFIX, AGE_EDGE_FISCAL_YEAR, seed_population
from guidance.models import Programme

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def seeded(db):
    population = seed_population(persons=900, today=TODAY)
    return population, seed(population, today=TODAY)


def _every_level_and_metabolic_code(fiscal_year: int) -> None:
    counted = Checkup.objects.filter(fiscal_year=fiscal_year, counts_for_fiscal_year=True)
    assert set(counted.values_list("guidance_level", flat=True)) == set(GuidanceLevel.values)
    assert set(counted.values_list("metabolic_judgment", flat=True)) == set(MetabolicJudgment.values)


def _branches_of_the_rules(fiscal_year: int) -> None:
    rows = list(Checkup.objects.filter(fiscal_year=fiscal_year, counts_for_fiscal_year=True).values("judgment"))
    records = [r["judgment"] for r in rows]
    assert {"A", "B", None} <= {r["group"] for r in records}
    risk_counts = {sum(bool(v) for k, v in r["risks"].items() if k != "smoking") for r in records if r["group"]}
    assert {0, 1, 2, 3} <= risk_counts
    assert any(r["smoking_counted"] for r in records)
    assert any(r["risks"].get("smoking") and not r["smoking_counted"] for r in records)
    assert {"medication", "age_65_74"} <= {r["exception"] for r in records}
    assert any(r["undetermined"] for r in records)
    checkups = Checkup.objects.filter(fiscal_year=fiscal_year)
    for field in ("med_blood_pressure", "med_glucose", "med_lipids"):  # each of Q1–Q3 alone excludes someone
        others = {"med_blood_pressure", "med_glucose", "med_lipids"} - {field}
        alone = checkups.filter(medication_excluded=True, **{field: 1}).exclude(**{f"{o}": 1 for o in others})
        assert alone.exists(), field
    assert checkups.filter(meal_timing=3, triglycerides_random__gte=175).exists()
    assert checkups.filter(meal_timing=4, triglycerides_random__isnull=False).exists()


def test_scenario_years_cover_every_branch(seeded) -> None:
    for fiscal_year in (2024, 2025):
        _every_level_and_metabolic_code(fiscal_year)
        _branches_of_the_rules(fiscal_year)


def test_periods_rates_flags_and_double_checkups(seeded) -> None:
    assert set(Checkup.objects.filter(fiscal_year=2023).values_list("rules_version", flat=True)) == {"3rd"}
    assert set(Checkup.objects.filter(fiscal_year__gte=2024).values_list("rules_version", flat=True)) == {"4th"}
    assert set(Checkup.objects.values_list("fiscal_year", flat=True)) == {2023, 2024, 2025, 2026}
    assert not Checkup.objects.filter(exam_date__gt=TODAY).exists()
    _, summary = seeded
    assert "FY2026" in summary
    assert Checkup.objects.filter(clinic_mismatch=True).exists()
    assert Checkup.objects.filter(fiscal_year=2025, consecutive_intensive_eligible=True).exists()
    employer = Checkup.objects.filter(program=Program.EMPLOYER_CHECKUP, is_complete=False)
    assert employer.exists()
    assert not employer.filter(counts_for_fiscal_year=True).exists()  # the complete clinic record counts
    assert Checkup.objects.filter(programme__isnull=False).exists()  # guidance programmes made by checkups_judge
    # checkup rates per year: several years with realistic rates, FY2026 about 40 % done by today
    for line in summary.split("; "):
        rate = int(line.split("(")[1].split(" %")[0])
        assert (30 <= rate <= 50) if line.startswith("FY2026") else (55 <= rate <= 85), line


def test_age_edge_members_show_the_age_basis(seeded) -> None:
    """Issue #14: the demo's members born March 31 / April 1 / April 2 at 40, 65 and 75 of FY2025."""
    rows = {
        (c.person.birth_date.month, c.person.birth_date.day, AGE_EDGE_FISCAL_YEAR + 1 - c.person.birth_date.year): c
        for c in Checkup.objects.filter(
            fiscal_year=AGE_EDGE_FISCAL_YEAR, person__card_number__startswith=AGE_EDGE_CARD_PREFIX
        ).select_related("person")
    }
    seen = {key: (c.age_at_fy_end, c.guidance_level) for key, c in rows.items()}
    assert seen == {
        (3, 31, 40): (40, GuidanceLevel.INTENSIVE),
        (4, 1, 40): (40, GuidanceLevel.INTENSIVE),  # reaches 40 on March 31: a target
        (3, 31, 65): (65, GuidanceLevel.MOTIVATIONAL),
        (4, 1, 65): (65, GuidanceLevel.MOTIVATIONAL),  # 65 within the year: SPEC §2.5b
        (4, 2, 65): (64, GuidanceLevel.INTENSIVE),
        (4, 1, 75): (75, GuidanceLevel.MOTIVATIONAL),  # 75th birthday on April 1, 2026: still a target
        (4, 2, 75): (74, GuidanceLevel.MOTIVATIONAL),
    }  # born April 2 at 40 (39) and March 31 at 75 (75th birthday inside FY2025) are no targets: no checkup
    assert Programme.objects.filter(checkup=rows[4, 1, 75]).exists()
