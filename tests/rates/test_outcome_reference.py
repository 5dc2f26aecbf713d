"""Property: the outcome report's SQL equals a plain-Python reference on random populations (SPEC §6.7)."""

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from rates.outcome_report import follow_up_cells, outcome_cells
from rates.reference import PersonFacts
from tests.factories import ContactFactory, GuidanceProviderFactory, InsurerFactory

from . import population as pop
from .outcome_reference import RULE_CATEGORY, CheckupRef, PersonRef, ProgrammeRef, reference_cells, reference_follow_up
from .test_statutory_reference import DRAWN_BIRTHS

D = dt.date
FY = 2025
KINDS = ["initial", "initial_part1", "initial_part2", "continuous", "interim", "final"]
STATUSES = ["not_started", "in_progress", "completed", "dropped_out", "initial_incomplete", "excluded"]
measure = st.one_of(st.none(), st.integers(600, 1000).map(lambda n: Decimal(n) / 10))
programmes = st.fixed_dictionaries(
    {
        "status": st.sampled_from(STATUSES),
        "equivalent": st.booleans(),
        "provider": st.sampled_from([None, 0, 1]),
        "final": st.booleans(),
        "rules": st.frozensets(st.sampled_from(sorted(RULE_CATEGORY)), max_size=3),
        "contacts": st.lists(st.tuples(st.sampled_from(KINDS), st.integers(1, 6)), max_size=3),
        "started": st.booleans(),
    }
)
checkups = st.fixed_dictionaries(
    {
        "counted": st.booleans(),
        "level": st.one_of(st.none(), st.integers(1, 4)),
        "without_medication": st.one_of(st.none(), st.integers(1, 4)),
        "medication": st.booleans(),
        "waist": measure,
        "weight": measure,
        "programme": st.one_of(st.none(), programmes),
    }
)
persons = st.fixed_dictionaries(
    {
        "born": st.sampled_from(DRAWN_BIRTHS),
        "other_insurer": st.booleans(),
        "left": st.sampled_from([None, D(2026, 1, 1), D(2027, 2, 1)]),
        "checkups": st.dictionaries(st.sampled_from([FY, FY + 1]), checkups, max_size=2),
    }
)


class OutcomeSqlEqualsReference(TestCase):
    @settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(persons, max_size=10))
    def test_outcomes_equal_reference(self, people):
        insurer, other = InsurerFactory(number="06999999"), InsurerFactory(number="06888888")
        providers = [GuidanceProviderFactory(number=f"270000000{n}") for n in range(2)]
        refs = []
        for spec in people:
            owner = other if spec["other_insurer"] else insurer
            person = pop.person(owner, born=spec["born"], lost=spec["left"])
            checkup_refs = []
            for year, c in spec["checkups"].items():
                checkup = pop.checkup(
                    person, fiscal_year=year, exam_date=D(year, 6, 1), counts=c["counted"], level=c["level"],
                    medication_excluded=c["medication"], guidance_level_without_medication=c["without_medication"],
                    waist_cm=c["waist"], weight_kg=c["weight"],
                )  # fmt: skip
                programme_ref = None
                if (p := c["programme"]) is not None:
                    level = 3 if p["equivalent"] else (c["level"] if c["level"] in (1, 2) else 2)
                    provider = providers[p["provider"]] if p["provider"] is not None else None
                    initial = D(year, 7, 1) if p["started"] else None
                    lines = [{"rule": rule, "points": 0} for rule in sorted(p["rules"])]
                    programme = pop.programme(
                        checkup, p["status"], level=level, initial_on=initial, provider=provider,
                        evaluation={"lines": [{"rule": "process_individual"}, *lines],
                                    "final_evaluation_on": "2025-11-01" if p["final"] else None},
                    )  # fmt: skip
                    for kind, form in p["contacts"]:
                        ContactFactory(programme=programme, kind=kind, form=form, date=D(year, 8, 1), minutes=None)
                    programme_ref = ProgrammeRef(
                        status=p["status"], level=level, provider_id=provider.pk if provider else None,
                        final_evaluated=p["final"], rules=p["rules"], contacts=tuple(p["contacts"]),
                        initial_on=initial,
                    )  # fmt: skip
                checkup_refs.append(
                    CheckupRef(
                        fiscal_year=year,
                        counted=c["counted"],
                        level=c["level"],
                        level_without_medication=c["without_medication"],
                        medication_excluded=c["medication"],
                        waist=c["waist"],
                        weight=c["weight"],
                        programme=programme_ref,
                    )
                )
            facts = PersonFacts(owner.pk, 1, spec["born"], "self", None, ((D(2000, 4, 1), spec["left"]),))
            refs.append(PersonRef(facts, tuple(checkup_refs)))
        assert outcome_cells(insurer_id=insurer.pk, fiscal_years=[FY]) == reference_cells(
            refs, insurer_id=insurer.pk, fiscal_year=FY
        )
        assert follow_up_cells(insurer_id=insurer.pk, fiscal_year=FY) == reference_follow_up(
            refs, insurer_id=insurer.pk, fiscal_year=FY
        )
