"""Look-ahead work lists: who still needs a checkup, which programmes can finish in time, which are at risk."""

import datetime as dt

import pytest

from rates.lookahead import (
    at_risk_programmes,
    finishable_programmes,
    no_checkup_by_employer,
    no_checkup_targets,
    open_guidance_years,
    risk_reasons,
)
from tests.factories import EmployerFactory, InsurerFactory

from . import population as pop

D = dt.date
TODAY = D(2026, 11, 26)  # FY2026; FY2025's report deadline (2026-11-01) has passed


@pytest.mark.parametrize(
    ("today", "years"),
    [
        (D(2026, 11, 26), [2026]),
        (D(2026, 11, 1), [2025, 2026]),
        (D(2026, 4, 1), [2025, 2026]),
        (D(2027, 3, 31), [2026]),
    ],
)
def test_open_guidance_years(today, years):
    assert open_guidance_years(today=today) == years


@pytest.fixture
def insurer(db):
    return InsurerFactory(number="06999999")


def test_targets_without_checkup_by_employer(insurer):
    employer = EmployerFactory(insurer=insurer, code="E001", name="架空製作所", phone="03-0000-0001")
    waiting = pop.person(insurer, employer=employer)
    incomplete = pop.person(insurer, employer=employer)
    pop.checkup(incomplete, fiscal_year=2026, complete=False, program="030", source="employer")
    pop.checkup(pop.person(insurer, employer=employer), fiscal_year=2026)
    pop.person(insurer, born=D(1995, 1, 1), employer=employer)  # under 40: not a target
    listed = list(no_checkup_targets(insurer_id=insurer.pk, fiscal_year=2026))
    assert [p.pk for p in listed] == [waiting.pk, incomplete.pk]
    assert [p.has_incomplete_checkup for p in listed] == [False, True]  # type: ignore[attr-defined]  # annotated by the query
    (row,) = no_checkup_by_employer(insurer_id=insurer.pk, fiscal_year=2026)
    assert (row["employer__code"], row["employer__phone"], row["count"]) == ("E001", "03-0000-0001", 2)


def _programme(insurer, status, *, fiscal_year=2026, level=2, medication_excluded=False, target=True, **kwargs):
    person = pop.person(insurer) if target else pop.person(insurer, acquired=D(2026, 6, 1))
    checkup = pop.checkup(person, fiscal_year=fiscal_year, level=level, medication_excluded=medication_excluded)
    return pop.programme(checkup, status, level=level, **kwargs)


def test_finishable_and_at_risk(insurer):
    late_start = _programme(insurer, "in_progress", initial_on=D(2027, 8, 1))  # final on 2027-11-01: in time
    too_late = _programme(insurer, "in_progress", initial_on=D(2027, 8, 2))  # final on 2027-11-02: too late
    short = _programme(insurer, "in_progress", level=1, initial_on=D(2026, 6, 1), total_points=100)
    not_started = _programme(insurer, "not_started")
    overdue = _programme(insurer, "in_progress", initial_on=D(2026, 9, 1), next_action_due=D(2026, 11, 1))
    _programme(insurer, "completed")
    _programme(insurer, "dropped_out")
    _programme(insurer, "in_progress", medication_excluded=True, initial_on=D(2026, 9, 1))  # not in denominator
    _programme(insurer, "in_progress", target=False, initial_on=D(2026, 9, 1))  # joined mid-year
    _programme(insurer, "in_progress", fiscal_year=2025, initial_on=D(2026, 3, 1))  # FY2025 closed
    finishable = {p.pk for p in finishable_programmes(insurer_id=insurer.pk, today=TODAY)}
    assert finishable == {late_start.pk, short.pk, not_started.pk, overdue.pk}
    at_risk = list(at_risk_programmes(insurer_id=insurer.pk, today=TODAY))
    assert {p.pk for p in at_risk} == {too_late.pk, short.pk, overdue.pk}
    reasons = {p.pk: risk_reasons(p, today=TODAY) for p in at_risk}
    assert reasons[too_late.pk] == ["報告期限までに実績評価不可"]
    assert reasons[short.pk] == ["ポイント不足(100/180)"]
    assert reasons[overdue.pk] == ["期限超過"]


def test_not_started_too_late_near_the_deadline(insurer):
    waiting = _programme(insurer, "not_started")
    today = D(2027, 8, 2)  # an interview today ends no earlier than 2027-11-02
    assert not finishable_programmes(insurer_id=insurer.pk, today=today).exists()
    assert [p.pk for p in at_risk_programmes(insurer_id=insurer.pk, today=today)] == [waiting.pk]


def test_previous_year_programmes_listed_until_its_report(insurer):
    previous = _programme(insurer, "in_progress", fiscal_year=2025, initial_on=D(2026, 3, 1))
    assert [p.pk for p in finishable_programmes(insurer_id=insurer.pk, today=D(2026, 5, 1))] == [previous.pk]
