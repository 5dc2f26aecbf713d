"""The SQL counts on a hand-built population where every count is known (SPEC §1.3, §1.4, §6.1, §6.2, §7.1)."""

import datetime as dt

import pytest

from members.codes import ExclusionReason
from rates.computation import fiscal_year_cells, target_persons
from rates.figures import totals
from tests.factories import EmployerFactory, InsurerFactory

from . import population as pop
from .population import FY

D = dt.date

# (case, person kwargs, exclusion (reason, starts, ends) or None, is a FY2025 target)
TARGET_CASES = [
    ("enrolled all year, 55", {}, None, True),
    ("joined mid-year", {"acquired": D(2025, 6, 1)}, None, False),
    ("joined on April 1", {"acquired": D(2025, 4, 1)}, None, True),
    ("joined on April 2", {"acquired": D(2025, 4, 2)}, None, False),
    ("lost mid-year", {"lost": D(2025, 10, 1)}, None, False),
    ("lost on March 31 (not enrolled that day)", {"lost": D(2026, 3, 31)}, None, False),
    ("lost on April 1 of next year", {"lost": D(2026, 4, 1)}, None, True),
    ("no enrollment at all", {"acquired": None}, None, False),
    ("turns 40 on March 31", {"born": D(1986, 3, 31)}, None, True),
    ("born on April 1: reaches 40 on March 31 (SPEC §1.2 revised)", {"born": D(1986, 4, 1)}, None, True),
    ("born on April 2: 39", {"born": D(1986, 4, 2)}, None, False),
    ("turns 75 on March 31: leaves on the birthday", {"born": D(1951, 3, 31)}, None, False),
    ("turns 75 in the summer", {"born": D(1950, 8, 1)}, None, False),
    ("age basis 75, 75th birthday on April 1 of next year", {"born": D(1951, 4, 1)}, None, True),
    ("75th birthday on April 1, the year's first day", {"born": D(1950, 4, 1)}, None, False),
    ("born on April 2: 74 all year", {"born": D(1951, 4, 2)}, None, True),
    ("born on Feb 28, 40 on Feb 28", {"born": D(1986, 2, 28)}, None, True),
    ("born on Feb 29, 1952: 74, 75th birthday 2027-02-28", {"born": D(1952, 2, 29)}, None, True),
    *[(f"excluded: {reason.value}", {}, (reason, D(2025, 9, 1), None), False) for reason in ExclusionReason],
    ("exclusion ended before the year", {}, ("overseas", D(2024, 1, 1), D(2025, 3, 31)), True),
    ("exclusion ending on April 1 touches", {}, ("overseas", D(2024, 1, 1), D(2025, 4, 1)), False),
    ("exclusion starting on March 31 touches", {}, ("detention", D(2026, 3, 31), None), False),
    ("exclusion starting after the year", {}, ("detention", D(2026, 4, 1), None), True),
]


@pytest.mark.parametrize(("case", "kwargs", "excluded", "expected"), TARGET_CASES, ids=[c[0] for c in TARGET_CASES])
def test_checkup_target(db, case, kwargs, excluded, expected):
    insurer = InsurerFactory()
    someone = pop.person(insurer, **kwargs)
    if excluded:
        pop.exclusion(someone, *excluded)
    assert target_persons(insurer_id=insurer.pk, fiscal_year=FY).filter(pk=someone.pk).exists() is expected


@pytest.fixture
def known(db):
    """Insurer A's FY2025: 16 targets, 11 receivers, 6 guidance targets, 2 completed."""
    insurer = InsurerFactory(number="06999999")
    other = InsurerFactory(number="06888888")
    employer = EmployerFactory(insurer=insurer, code="E001")
    p = pop
    # Not targets, with checkups that must not count anywhere
    joined = p.person(insurer, acquired=D(2025, 6, 1))
    p.programme(p.checkup(joined, level=1), "completed")
    p.checkup(p.person(insurer, lost=D(2025, 10, 1)))
    p.checkup(p.person(insurer, born=D(1950, 8, 1)))  # turned 75
    under_40 = p.person(insurer, born=D(1990, 5, 5))
    p.checkup(under_40, program="030", source="employer")  # 事業主健診 of an under-40: stored, never counted
    p.checkup(p.exclusion(p.person(insurer), "pregnancy", D(2025, 5, 1), D(2026, 2, 1)).person)
    p.checkup(p.person(other))  # another insurer
    # Targets without a counted checkup (5)
    p.person(insurer)
    p.person(insurer, employer=employer)
    p.checkup(p.person(insurer), complete=False, program="030", source="employer")  # items missing
    p.checkup(p.person(insurer), counts=False)  # not the record counted for the year
    p.checkup(p.person(insurer), fiscal_year=FY - 1, exam_date=D(2024, 6, 1))  # last year's
    # Receivers outside the guidance denominator (5)
    p.checkup(p.person(insurer, sex=2, relationship="family"))
    p.checkup(p.person(insurer, employer=employer), program="030", source="employer")  # employer checkup counts
    p.checkup(p.person(insurer), level=4)
    p.checkup(p.person(insurer), level=2, medication_excluded=True)  # medication: out of the denominator
    p.programme(p.checkup(p.person(insurer), level=2), "excluded")  # 対象外 programme: removed
    # Guidance targets (6): 2 completed
    p.programme(p.checkup(p.person(insurer), level=1), "completed", completed_on=D(2026, 9, 30))  # next FY
    p.programme(p.checkup(p.person(insurer, sex=2), level=2), "completed", completed_on=D(2025, 12, 1))
    p.programme(p.checkup(p.person(insurer), level=1), "dropped_out")  # dropout: stays in the denominator
    p.checkup(p.person(insurer), level=1)  # no programme yet
    p.programme(p.checkup(p.person(insurer), level=2), "in_progress")
    p.programme(p.checkup(p.person(insurer, born=D(1986, 3, 31)), level=2), "initial_incomplete")
    return insurer


def test_known_population_totals(known):
    figures = totals(fiscal_year_cells(insurer_id=known.pk, fiscal_year=FY))
    assert (figures.checkup.numerator, figures.checkup.denominator) == (11, 16)
    assert (figures.guidance.numerator, figures.guidance.denominator) == (2, 6)


def test_known_population_cells(known):
    cells = {cell.key: cell for cell in fiscal_year_cells(insurer_id=known.pk, fiscal_year=FY)}
    women = [cell for key, cell in cells.items() if key[0] == 2]
    assert sum(c.targets for c in women) == 2 and sum(c.guidance_completed for c in women) == 1
    forty = [cell for key, cell in cells.items() if key[1] == 40]
    assert [(c.targets, c.receivers, c.guidance_targets) for c in forty] == [(1, 1, 1)]
    family = [cell for key, cell in cells.items() if key[2] == "family"]
    assert [(c.targets, c.receivers) for c in family] == [(1, 1)]


def test_other_fiscal_year_is_separate(known):
    figures = totals(fiscal_year_cells(insurer_id=known.pk, fiscal_year=FY - 1))
    assert figures.checkup.numerator == 1  # only last year's checkup
