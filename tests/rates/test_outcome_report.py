"""Outcome visibility (見える化, SPEC §6.7) on a hand-built population: every figure written out by hand.

Programmes go through the real guidance services, so the outcome categories are the point lines the rules stored.
"""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from guidance.codes import ContactForm
from rates.outcome_figures import OUTCOME_KEYS, mean_half_up
from rates.outcome_format import as_json
from rates.outcome_report import outcome_report
from tests.factories import GuidanceProviderFactory, InsurerFactory

from . import guidance_story as story
from . import population as pop
from .population import FY

D = dt.date
JULY = D(2025, 7, 1)
F2F, REMOTE, EMAIL, PHONE = (ContactForm.INDIVIDUAL_IN_PERSON, ContactForm.INDIVIDUAL_REMOTE, ContactForm.EMAIL_CHAT,
                             ContactForm.TELEPHONE)  # fmt: skip


def _outcomes(**counts: int) -> dict[str, int]:
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


EXPECTED = {
    "insurer": "06999999",
    "fiscal_year": FY,
    "final_evaluated": 7,
    "completed": 6,
    "outcomes": _outcomes(two=2, one=2, diet=2, exercise=1, smoking=1, rest=1, other=1),
    "by_level": {
        "intensive": _outcomes(two=2, one=1, diet=2, exercise=1, smoking=1),
        "motivational": _outcomes(one=1, rest=1, other=1),
    },
    "by_provider": [
        {"provider": "2700000001", "name": "P保健指導センター", "final_evaluated": 3, "completed": 2,
         "outcomes": _outcomes(two=2, one=1, diet=1, exercise=1, smoking=1)},
        {"provider": "2700000002", "name": "Q保健指導センター", "final_evaluated": 2, "completed": 2,
         "outcomes": _outcomes(one=1, rest=1, other=1)},
        {"provider": None, "name": "保険者直営", "final_evaluated": 2, "completed": 2, "outcomes": _outcomes(diet=1)},
    ],
    "by_mode": {
        "remote": _outcomes(one=2, smoking=1),
        "face_to_face": _outcomes(two=1, diet=2, exercise=1, rest=1, other=1),
        "mixed": _outcomes(two=1),
    },
    "next_year": {
        # completers 1, 4, 5, 6: waist −3.0, +0.5, −1.0 → −1.17; weight −2.5, +0.3, −1.2 → −1.13
        "completed": {"people": 4, "mean_waist_change_cm": -1.2, "mean_weight_change_kg": -1.1,
                      "level_improved": 2, "left_targets": 3},
        # never started 11, 12, 13: waist +1.0, −0.5, 0 → 0.17; weight +0.5, −0.4, 0 → 0.03
        "not_started": {"people": 3, "mean_waist_change_cm": 0.2, "mean_weight_change_kg": 0.0,
                        "level_improved": 1, "left_targets": 1},
    },
}  # fmt: skip


def test_hand_built_outcomes(outcomes):
    assert as_json(outcome_report(insurer=outcomes, fiscal_year=FY)) == EXPECTED


def test_command_prints_the_issue_structure(outcomes, capsys):
    call_command("outcome_report", insurer="06999999", fiscal_year=FY, json=True)
    payload = json.loads(capsys.readouterr().out)
    assert payload == EXPECTED
    assert list(payload) == ["insurer", "fiscal_year", "final_evaluated", "completed", "outcomes", "by_level",
                             "by_provider", "by_mode", "next_year"]  # fmt: skip


def test_two_grouped_queries(outcomes, django_assert_num_queries):
    """Outcomes (one grouped query), provider names, the year after (one grouped query); savepoints around both
    grouped queries, and their SET LOCALs on PostgreSQL."""
    expected = 7 if connection.vendor == "sqlite" else 11
    with django_assert_num_queries(expected) as captured:
        outcome_report(insurer=outcomes, fiscal_year=FY)
    assert sum("GROUP BY" in query["sql"] for query in captured.captured_queries) == 2


def test_empty_year(db):
    payload = as_json(outcome_report(insurer=InsurerFactory(number="06999999"), fiscal_year=2030))
    assert payload["final_evaluated"] == 0 and payload["by_provider"] == []
    assert payload["next_year"]["completed"] == {"people": 0, "mean_waist_change_cm": None,
                                                 "mean_weight_change_kg": None, "level_improved": 0,
                                                 "left_targets": 0}  # fmt: skip
    assert set(payload["by_mode"]) == {"remote", "face_to_face", "mixed"}


@pytest.mark.parametrize(
    ("total", "count", "expected"),
    [("-3.5", 3, "-1.2"), ("0.5", 3, "0.2"), ("-0.5", 2, "-0.3"), ("0.25", 1, "0.3"), ("1", 0, None)],
)
def test_mean_half_up(total, count, expected):
    assert mean_half_up(Decimal(total), count) == (None if expected is None else Decimal(expected))
