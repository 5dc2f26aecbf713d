"""Outcome visibility (見える化, SPEC §6.7) on a hand-built population: every figure written out by hand.

Programmes go through the real guidance services, so the outcome categories are the point lines the rules stored.
"""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from rates.outcome_figures import mean_half_up
from rates.outcome_format import as_json
from rates.outcome_report import outcome_report
from tests.factories import InsurerFactory

from .conftest import outcomes_of
from .population import FY

D = dt.date
EXPECTED = {
    "insurer": "06999999",
    "fiscal_year": FY,
    "final_evaluated": 7,
    "completed": 6,
    "outcomes": outcomes_of(two=2, one=2, diet=2, exercise=1, smoking=1, rest=1, other=1),
    "by_level": {
        "intensive": outcomes_of(two=2, one=1, diet=2, exercise=1, smoking=1),
        "motivational": outcomes_of(one=1, rest=1, other=1),
    },
    "by_provider": [
        {"provider": "2700000001", "name": "P保健指導センター", "final_evaluated": 3, "completed": 2,
         "outcomes": outcomes_of(two=2, one=1, diet=1, exercise=1, smoking=1)},
        {"provider": "2700000002", "name": "Q保健指導センター", "final_evaluated": 2, "completed": 2,
         "outcomes": outcomes_of(one=1, rest=1, other=1)},
        {"provider": None, "name": "保険者直営", "final_evaluated": 2, "completed": 2, "outcomes": outcomes_of(diet=1)},
    ],
    "by_mode": {
        "remote": outcomes_of(one=2, smoking=1),
        "face_to_face": outcomes_of(two=1, diet=2, exercise=1, rest=1, other=1),
        "mixed": outcomes_of(two=1),
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


def test_hand_builtoutcomes_of(outcomes):
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
