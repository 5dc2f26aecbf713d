"""Property: the SQL cells equal the plain-Python reference on random populations (SPEC §1.3, §6.1, §6.2)."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from rates.computation import fiscal_year_cells
from rates.figures import totals
from rates.reference import CheckupFacts, PersonFacts, reference_cells
from tests.factories import EmployerFactory, InsurerFactory

from . import population as pop

D = dt.date
# Dates bunched around the FY2024/FY2025 boundaries, where off-by-one errors live
EDGE_DATES = [D(2024, 3, 31), D(2024, 4, 1), D(2024, 4, 2), D(2025, 3, 31), D(2025, 4, 1), D(2025, 4, 2)]
EDGE_DATES += [D(2025, 10, 1), D(2026, 3, 31), D(2026, 4, 1), D(2026, 4, 2), D(2020, 1, 1)]
BIRTHS = [D(1949, 3, 31), D(1950, 3, 31), D(1950, 4, 1), D(1951, 3, 31), D(1951, 4, 1), D(1960, 2, 29)]
BIRTHS += [D(1970, 6, 15), D(1984, 3, 31), D(1985, 3, 31), D(1985, 4, 1), D(1986, 3, 31), D(1986, 4, 1)]
STATUSES = [None, "not_started", "in_progress", "completed", "dropped_out", "initial_incomplete", "excluded"]

periods = st.tuples(st.sampled_from(EDGE_DATES), st.one_of(st.none(), st.sampled_from(EDGE_DATES))).map(
    lambda pair: (pair[0], pair[1] if pair[1] is None or pair[1] > pair[0] else None)
)
checkups = st.fixed_dictionaries(
    {
        "counts": st.booleans(),
        "complete": st.booleans(),
        "level": st.one_of(st.none(), st.integers(1, 4)),
        "medication_excluded": st.booleans(),
        "status": st.sampled_from(STATUSES),
    }
)
persons = st.fixed_dictionaries(
    {
        "born": st.sampled_from(BIRTHS),
        "sex": st.sampled_from([1, 2]),
        "relationship": st.sampled_from(["self", "family"]),
        "employer": st.sampled_from([None, 0, 1]),
        "other_insurer": st.booleans(),
        "enrollments": st.lists(periods, max_size=2),
        "exclusions": st.lists(periods, max_size=2),
        "checkups": st.dictionaries(st.sampled_from([2024, 2025]), checkups, max_size=2),
    }
)


class SqlEqualsReference(TestCase):
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(persons, max_size=12), st.sampled_from([2024, 2025]))
    def test_cells_equal_reference(self, people, fiscal_year):
        insurer, other = InsurerFactory(number="06999999"), InsurerFactory(number="06888888")
        employers = [EmployerFactory(insurer=insurer, code=f"E{n}") for n in range(2)]
        facts = []
        for spec in people:
            owner = other if spec["other_insurer"] else insurer
            employer = employers[spec["employer"]] if spec["employer"] is not None and owner == insurer else None
            person = pop.person(
                owner,
                born=spec["born"],
                sex=spec["sex"],
                relationship=spec["relationship"],
                employer=employer,
                acquired=None,
            )
            enrollments = _non_overlapping(spec["enrollments"])
            for acquired, lost in enrollments:
                person.enrollments.create(acquired_on=acquired, lost_on=lost)
            for starts, ends in spec["exclusions"]:
                pop.exclusion(person, "overseas", starts, ends)
            checkup_facts = []
            for year, c in spec["checkups"].items():
                checkup = pop.checkup(
                    person,
                    fiscal_year=year,
                    counts=c["counts"],
                    complete=c["complete"],
                    level=c["level"],
                    medication_excluded=c["medication_excluded"],
                )
                if c["status"]:
                    pop.programme(checkup, c["status"])
                checkup_facts.append(
                    CheckupFacts(
                        year, owner.pk, c["counts"], c["complete"], c["level"], c["medication_excluded"], c["status"]
                    )
                )
            facts.append(
                PersonFacts(
                    owner.pk,
                    spec["sex"],
                    spec["born"],
                    spec["relationship"],
                    employer.pk if employer else None,
                    tuple(enrollments),
                    tuple(spec["exclusions"]),
                    tuple(checkup_facts),
                )
            )
        expected = reference_cells(facts, insurer_id=insurer.pk, fiscal_year=fiscal_year)
        cells = fiscal_year_cells(insurer_id=insurer.pk, fiscal_year=fiscal_year)
        assert cells == expected
        for fraction in (totals(cells).checkup, totals(cells).guidance):
            assert fraction.numerator <= fraction.denominator
            assert fraction.rate is None or 0 <= fraction.rate <= 1


def _non_overlapping(periods: list[tuple[dt.date, dt.date | None]]) -> list[tuple[dt.date, dt.date | None]]:
    """Enrollments of one person never overlap and start on distinct days (roster rule)."""
    kept: list[tuple[dt.date, dt.date | None]] = []
    for start, end in sorted(periods, key=lambda period: period[0]):
        if kept and (kept[-1][1] is None or kept[-1][1] > start):
            continue
        kept.append((start, end))
    return kept
