"""Fixtures of the rates tests: the hand-built population of the statutory report (SPEC §6.6)."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from guidance.codes import ContactForm
from members.codes import ExclusionReason
from rates.outcome_figures import OUTCOME_KEYS
from tests.factories import GuidanceProviderFactory, InsurerFactory

from . import guidance_story as story
from . import population as pop
from .population import FY

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


# ---------------------------------------------------------------- outcome visibility (SPEC §6.7)

JULY = D(2025, 7, 1)
F2F, REMOTE, EMAIL, PHONE = (ContactForm.INDIVIDUAL_IN_PERSON, ContactForm.INDIVIDUAL_REMOTE, ContactForm.EMAIL_CHAT,
                             ContactForm.TELEPHONE)  # fmt: skip


def outcomes_of(**counts: int) -> dict[str, int]:
    return {key: counts.get(key.replace("2cm2kg", "two").replace("1cm1kg", "one"), 0) for key in OUTCOME_KEYS}


def _next(person, level, *, waist=None, weight=None, without_medication=None, medication=False):
    return pop.checkup(
        person, fiscal_year=FY + 1, exam_date=D(2026, 6, 1), level=level, waist_cm=waist, weight_kg=weight,
        guidance_level_without_medication=without_medication, medication_excluded=medication,
    )  # fmt: skip


@pytest.fixture
def outcomes(db):
    insurer = InsurerFactory(number="06999999")
    p_centre = GuidanceProviderFactory(number="2700000001", name="P保健指導センター")
    q_centre = GuidanceProviderFactory(number="2700000002", name="Q保健指導センター")
    s = story

    def guided(level, provider=None, *, weight="80.0", waist="95.0", **fields):
        person = pop.person(insurer, born=D(1970, 5, 5))
        checkup = pop.checkup(person, level=level, weight_kg=Decimal(weight), waist_cm=Decimal(waist), **fields)
        return person, s.programme_for(checkup, provider=provider)

    def final(programme, **kwargs):
        return s.final(programme, s.final_evaluation_earliest(JULY), **kwargs)

    # 1 intensive, P, face to face: 2cm·2kg with diet and exercise → completed
    one, prog = guided(1, p_centre)
    final(s.initial(prog, JULY), weight_loss="2.5", waist_loss="3.0", behaviour=("diet", "exercise"))
    _next(one, 3, waist=Decimal("92.0"), weight=Decimal("77.5"), without_medication=3)
    # 2 intensive, P, remote only: 1cm·1kg and smoking, 20 + 30 + 30 (email) points → final evaluated, not completed
    _, prog = guided(1, p_centre)
    s.support(s.initial(prog, JULY, form=REMOTE), D(2025, 8, 1), form=EMAIL)
    final(prog, weight_loss="1.2", waist_loss="1.5", behaviour=("smoking",), form=REMOTE)
    # 3 intensive, P, mixed: the 0.024 row (exam weight 60 kg: 1.44) → counted as 2cm·2kg, completed
    _, prog = guided(1, p_centre, weight="60.0")
    s.support(s.initial(prog, JULY), D(2025, 8, 1), form=REMOTE)
    final(prog, weight_loss="1.5", waist_loss="1.5")
    # 4 motivational, Q, face to face: rest and other → completed
    four, prog = guided(2, q_centre)
    final(s.initial(prog, JULY), behaviour=("rest", "other"))
    _next(four, 2, waist=Decimal("95.5"), weight=Decimal("80.3"), without_medication=2)
    # 5 motivational, Q, remote only: 1cm·1kg → completed
    five, prog = guided(2, q_centre)
    final(s.initial(prog, JULY, form=REMOTE), weight_loss="1.0", waist_loss="1.0")
    _next(five, 3, waist=Decimal("94.0"), weight=Decimal("78.8"), without_medication=3)
    # 6 motivational, no provider (the insurer's own staff), mixed (telephone support) → completed, no outcome
    six, prog = guided(2)
    final(s.support(s.initial(prog, JULY), D(2025, 8, 1), form=PHONE))
    _next(six, 3, without_medication=2, medication=True)  # started medication: left the targets, not improved
    # 7 動機付け支援相当, no provider, face to face: diet → completed, counted with the intensive ones
    _, prog = guided(1, consecutive_intensive_eligible=True)
    final(s.initial(s.as_equivalent(prog), JULY), behaviour=("diet",))
    # Not final evaluated: in progress, 対象外 after the interview, dropped out after it, never started
    eight, prog = guided(2, q_centre)
    s.initial(prog, JULY)
    _next(eight, 3, waist=Decimal("90.0"), weight=Decimal("75.0"), without_medication=3)
    _, prog = guided(2, q_centre)
    s.excluded(s.initial(prog, JULY), D(2025, 8, 1))
    ten, prog = guided(2, p_centre)
    s.dropped_out(s.initial(prog, JULY), D(2025, 8, 1))
    _next(ten, 3, waist=Decimal("90.0"), weight=Decimal("75.0"), without_medication=3)
    eleven, _ = guided(1)
    _next(eleven, 1, waist=Decimal("96.0"), weight=Decimal("80.5"), without_medication=1)
    twelve = pop.person(insurer, born=D(1970, 5, 5))  # a guidance target without any programme
    pop.checkup(twelve, level=2, weight_kg=Decimal("70.0"), waist_cm=Decimal("88.0"))
    _next(twelve, 3, waist=Decimal("87.5"), weight=Decimal("69.6"), without_medication=3)
    thirteen, prog = guided(2)
    s.dropped_out(prog, D(2025, 8, 1))  # dropped out before any interview: never started
    _next(thirteen, 2, waist=Decimal("95.0"), weight=Decimal("80.0"), without_medication=2)
    guided(2)  # never started, no checkup the year after: not in the comparison
    return insurer
