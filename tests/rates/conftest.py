"""Fixtures of the rates tests: the hand-built population of the statutory report (SPEC §6.6)."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from members.codes import ExclusionReason
from tests.factories import InsurerFactory

from . import guidance_story as story
from . import population as pop

D = dt.date
MEASURED: dict[str, Any] = {"weight_kg": Decimal("80.0"), "waist_cm": Decimal("95.0")}


def _guided(insurer, *, born, sex=1, level, **fields):
    checkup = pop.checkup(pop.person(insurer, born=born, sex=sex), level=level, **MEASURED, **fields)
    return story.programme_for(checkup)


@pytest.fixture
def hand_built(db):
    """Insurer A's FY2025 as listed in EXPECTED; people who must count nowhere are added alongside."""
    insurer = InsurerFactory(number="06999999")
    other = InsurerFactory(number="06888888")
    p, s = pop, story
    july = D(2025, 7, 1)
    # ---- men
    s.completed_motivational(_guided(insurer, born=D(1986, 3, 31), level=2, metabolic_judgment=2), july)
    p.checkup(p.person(insurer, born=D(1986, 4, 2)), level=2)  # 39: not a target
    s.initial_part1(_guided(insurer, born=D(1978, 5, 5), level=1, metabolic_judgment=1))
    p.person(insurer, born=D(1979, 1, 1))
    # 再確認 code 1 (SPEC §5.6): the answer corrected to 服薬中, re-judged 情報提供 — out of the guidance targets
    p.checkup(
        p.person(insurer, born=D(1977, 2, 2)), level=3, medication_excluded=True, med_glucose=1, med_reconfirmed=1
    )
    s.completed_intensive(_guided(insurer, born=D(1973, 7, 7), level=1, metabolic_judgment=1), july)
    equivalent = _guided(insurer, born=D(1972, 9, 9), level=1, consecutive_intensive_eligible=True)
    s.completed_motivational(s.as_equivalent(equivalent), july)
    p.checkup(
        p.person(insurer, born=D(1968, 8, 8)),
        level=3,
        medication_excluded=True,
        metabolic_judgment=1,
        med_blood_pressure=1,
        med_glucose=2,
        med_lipids=1,
    )
    overseas = p.person(insurer, born=D(1967, 1, 1))
    p.exclusion(overseas, ExclusionReason.OVERSEAS, D(2025, 9, 1))
    p.checkup(overseas, level=2)
    s.excluded(_guided(insurer, born=D(1961, 4, 2), level=2, med_reconfirmed=2), D(2025, 8, 1))
    p.checkup(p.person(insurer, born=D(1963, 3, 3)), counts=False)
    p.checkup(p.person(insurer, born=D(1963, 3, 4)), complete=False, program="030", source="employer")
    s.initial(_guided(insurer, born=D(1961, 3, 31), level=2), july)
    s.dropped_out(s.initial(_guided(insurer, born=D(1951, 4, 2), level=2), july), D(2025, 9, 1))
    p.checkup(p.person(insurer, born=D(1951, 4, 1)), level=3)  # age basis 75, still a target, in 70-74 (SPEC §1.3)
    p.checkup(p.person(insurer, born=D(1951, 3, 31)), level=2)  # 75 on March 31: left for 後期高齢者医療
    # ---- women
    _guided(insurer, born=D(1985, 4, 2), sex=2, level=1)
    p.checkup(p.person(insurer, born=D(1978, 6, 6), sex=2), level=3, medication_excluded=True, med_glucose=1)
    p.person(insurer, born=D(1978, 6, 7), sex=2)
    s.completed_motivational(_guided(insurer, born=D(1972, 1, 1), sex=2, level=2, metabolic_judgment=2), july)
    p.checkup(p.person(insurer, born=D(1968, 1, 1), sex=2), level=3, program="030", source="employer")
    p.checkup(p.person(insurer, born=D(1963, 1, 1), sex=2), level=4)
    s.dropped_out(_guided(insurer, born=D(1960, 10, 10), sex=2, level=2), D(2025, 9, 1))
    p.person(insurer, born=D(1952, 1, 1), sex=2)
    s.completed_motivational(_guided(insurer, born=D(1953, 5, 5), sex=2, level=2), july)
    # ---- nowhere: joined mid-year, another insurer, under 40, last year's checkup only
    p.checkup(p.person(insurer, born=D(1975, 1, 1), sex=2, acquired=D(2025, 6, 1)), level=2)
    p.checkup(p.person(other, born=D(1970, 1, 1)), level=2)
    p.checkup(p.person(insurer, born=D(1990, 1, 1)), level=3, program="030", source="employer")
    return insurer
