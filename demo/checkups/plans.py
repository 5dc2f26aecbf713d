"""Who gets a demo checkup in a fiscal year and with which values: the scenarios first, then a realistic share."""

import random
from collections.abc import Mapping
from dataclasses import dataclass

from checkups.codes import Program, Source
from members.age_basis import age_basis, is_senior
from members.codes import Relationship
from members.models import InsuredPerson

from ..population import AGE_EDGE_CARD_PREFIX
from .scenarios import SCENARIOS, bp_risk, consecutive_improver, group_a, healthy, lipid_risk
from .values import random_answers, random_values

SCENARIO_YEARS = (2024, 2025)
SCENARIO_COPIES = 3
# share of targets with a checkup, by employer index (事業所ごとの差), and the year's factor
EMPLOYER_RATES = (0.86, 0.80, 0.74, 0.66, 0.58)
FAMILY_RATE = 0.55  # dependents (被扶養者) take checkups less often
YEAR_FACTOR: Mapping[int, float] = {2023: 0.93, 2024: 0.97, 2025: 1.0, 2026: 0.58}  # FY2026 ≈ 40 % by today


@dataclass
class Plan:
    """One checkup to build: whose, with which values and answers, from which programme and source."""

    person: InsuredPerson
    values: dict[str, object]
    answers: dict[int, int]
    program: str = Program.SPECIFIC_CHECKUP
    source: str = Source.CLINIC_API
    missing: tuple[str, ...] = ()


def scenario_plans(
    rng: random.Random, targets: list[InsuredPerson], fiscal_year: int, consecutive_people: list[InsuredPerson]
) -> dict[int, Plan]:
    """The scenario people of a scenario year by person id. `consecutive_people` is chosen in the first scenario
    year and kept (in place) for the second, so the same people improve over two years (SPEC §2.8)."""
    scenario_people: dict[int, Plan] = {}
    # Issue #14: the age-edge members (demo.population.AGE_EDGES) all get group A with two risks, so their
    # levels show the age basis: 積極的支援 below 65, 動機付け支援 from 65 (SPEC §2.5b), born April 1 included
    for person in targets:
        if person.card_number.startswith(AGE_EDGE_CARD_PREFIX):
            values, answers = healthy(person.sex)
            group_a(values, person.sex)
            bp_risk(values)
            lipid_risk(values)
            scenario_people[person.pk] = Plan(person, values, answers)
    if not consecutive_people:
        consecutive_people.extend(
            [p for p in targets if age_basis(p.birth_date, 2025) <= 63 and p.pk not in scenario_people][:5]
        )
    for person in consecutive_people:
        values, answers = healthy(person.sex)
        consecutive_improver(values, fiscal_year - SCENARIO_YEARS[0], person.sex)
        scenario_people[person.pk] = Plan(person, values, answers)
    pool = [p for p in targets if p.pk not in scenario_people]
    rng.shuffle(pool)
    for scenario in SCENARIOS:
        wanted = [p for p in pool if is_senior(age_basis(p.birth_date, fiscal_year)) == scenario.senior]
        for person in wanted[:SCENARIO_COPIES]:
            pool.remove(person)
            values, answers = healthy(person.sex)
            scenario.apply(values, answers, person.sex)
            scenario_people[person.pk] = Plan(person, values, answers)
    return scenario_people


def year_plans(
    rng: random.Random,
    targets: list[InsuredPerson],
    fiscal_year: int,
    *,
    scenario_people: Mapping[int, Plan],
    employer_rank: Mapping[int, int],
) -> list[Plan]:
    """In target order: each scenario person, and each other target at the rate of their employer and the year."""
    plans: list[Plan] = []
    for person in targets:
        if person.pk in scenario_people:
            plans.append(scenario_people[person.pk])
            continue
        rate = (
            EMPLOYER_RATES[employer_rank.get(person.employer_id or 0, 0) % len(EMPLOYER_RATES)]
            if person.relationship == Relationship.SELF
            else FAMILY_RATE
        )
        if rng.random() >= min(0.95, rate * YEAR_FACTOR[fiscal_year]):
            continue
        age = age_basis(person.birth_date, fiscal_year)
        plans.append(
            Plan(
                person,
                random_values(rng, person.sex, age, fiscal_year),
                random_answers(rng, person.sex, age, fiscal_year),
            )
        )
    return plans
