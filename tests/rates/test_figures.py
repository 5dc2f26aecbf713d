"""Sums over cells, breakdowns and the standardised metabolic reduction (SPEC §6.1–§6.3, §6.5). Pure."""

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rates.figures import (
    Cell,
    breakdown,
    own_receivers_standard,
    reduction_rate,
    standardised_estimate,
    strata,
    totals,
)
from rates.lookahead import additional_needed


@st.composite
def cells(draw):
    targets = draw(st.integers(0, 50))
    receivers = draw(st.integers(0, targets))
    guidance_targets = draw(st.integers(0, receivers))
    return Cell(
        sex=draw(st.sampled_from([1, 2])),
        band=draw(st.sampled_from([40, 45, 50, 55, 60, 65, 70])),
        relationship=draw(st.sampled_from(["self", "family"])),
        employer_id=draw(st.sampled_from([None, 1, 2])),
        targets=targets,
        receivers=receivers,
        guidance_targets=guidance_targets,
        guidance_completed=draw(st.integers(0, guidance_targets)),
    )


LABELS: dict[str, Any] = {
    "sex_labels": {1: "男", 2: "女"},
    "relationship_labels": {},
    "employer_labels": {None: "なし"},
}


@given(st.lists(cells(), max_size=30))
def test_rates_within_0_and_1_and_numerator_within_denominator(cell_list):
    figures = totals(cell_list)
    for fraction in (figures.checkup, figures.guidance):
        assert fraction.numerator <= fraction.denominator
        assert fraction.rate is None or 0 <= fraction.rate <= 1
    for row in breakdown(cell_list, **LABELS):
        for part in (row["checkup"], row["guidance"]):
            assert part["numerator"] <= part["denominator"]
            assert part["rate"] is None or 0 <= part["rate"] <= 1


@given(st.lists(cells(), max_size=30))
def test_each_breakdown_dimension_adds_up_to_the_total(cell_list):
    figures = totals(cell_list)
    rows = breakdown(cell_list, **LABELS)
    for dimension in ("sex", "age_band", "relationship", "employer"):
        mine = [row for row in rows if row["dimension"] == dimension]
        assert sum(row["checkup"]["denominator"] for row in mine) == figures.checkup.denominator
        assert sum(row["guidance"]["numerator"] for row in mine) == figures.guidance.numerator


def test_rate_is_none_without_denominator():
    assert totals([]).checkup.rate is None


def test_standardised_estimate_by_hand():
    base = {(1, 40): (100, 20), (2, 40): (50, 5)}
    this = {(1, 40): (200, 30), (2, 40): (10, 2)}
    standard = own_receivers_standard(base)
    assert standard == {(1, 40): 100, (2, 40): 50}
    assert standardised_estimate(base, standard) == pytest.approx(25)  # the base year's own guidance targets
    assert standardised_estimate(this, standard) == pytest.approx(0.15 * 100 + 0.2 * 50)
    assert reduction_rate(25, 25.0) == pytest.approx(0.0)
    assert reduction_rate(25, 20.0) == pytest.approx(0.2)


def test_stratum_without_receivers_adds_nothing():
    assert standardised_estimate({(1, 45): (0, 0)}, {(1, 45): 1000}) == 0


def test_no_base_means_no_reduction():
    assert reduction_rate(0.0, 10.0) is None


def test_strata_sum_over_relationship_and_employer():
    cell_list = [
        Cell(1, 40, "self", 1, targets=5, receivers=4, guidance_targets=2),
        Cell(1, 40, "family", None, targets=3, receivers=1, guidance_targets=1),
    ]
    assert strata(cell_list) == {(1, 40): (5, 3)}


@pytest.mark.parametrize(
    ("numerator", "denominator", "target", "needed"),
    [
        (0, 100, Decimal("0.9"), 90),
        (89, 100, Decimal("0.9"), 1),
        (90, 100, Decimal("0.9"), 0),
        (95, 100, Decimal("0.9"), 0),
        (0, 7, Decimal("0.45"), 4),  # 3.15 rounds up: 3 would stay below 45 %
        (10, 0, Decimal("0.7"), 0),
        (1, 10, None, None),
    ],
)
def test_additional_needed(numerator, denominator, target, needed):
    assert additional_needed(numerator=numerator, denominator=denominator, target=target) == needed
