"""Snapshots: computed by the service, the task, the nightly schedule and the command (SPEC §6)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask

from rates.models import RateSnapshot, RateTarget, ReductionBase, StandardPopulation
from rates.services import rate_snapshot_compute_now, rate_snapshots_prune, rates_nightly_fiscal_years
from rates.tasks import rate_snapshot_compute_task, rate_snapshot_request, rates_nightly_task
from tests.factories import InsurerFactory

from . import population as pop

D = dt.date


@pytest.fixture
def insurer(db):
    insurer = InsurerFactory(number="06999999")
    born = D(1967, 6, 15)  # age basis 57 in FY2024 and 58 in FY2025: one stratum (1, 55) both years
    receivers = [pop.person(insurer, born=born) for _ in range(10)]
    for year, level_one in ((2024, 4), (2025, 2)):  # guidance targets among 10 receivers: 4, then 2
        for n, person in enumerate(receivers):
            checkup = pop.checkup(person, fiscal_year=year, level=1 if n < level_one else 3)
            if n == 0:
                pop.programme(checkup, "completed")
    for _ in range(10):
        pop.person(insurer, born=born)
    return insurer


def test_targets_seeded_by_migration(db):
    national = RateTarget.objects.get(scope="national", target_fiscal_year=2029)
    assert (national.checkup_percent, national.guidance_percent, national.metabolic_reduction_percent) == (70, 45, 25)
    assert RateTarget.objects.get(scope="single_kenpo").checkup_percent == 90
    assert RateTarget.objects.count() == 7


def test_nightly_schedule_created_by_migration(db):
    task = PeriodicTask.objects.get(task="rates.tasks.rates_nightly_task")
    assert task.enabled and (task.crontab.hour, task.crontab.minute) == ("2", "30")


def test_compute_fills_the_snapshot(insurer):
    snapshot = rate_snapshot_compute_now(insurer=insurer, fiscal_year=2025, today=D(2026, 11, 26))
    assert snapshot.status == RateSnapshot.Status.DONE and snapshot.progress == 100
    assert (snapshot.checkup_numerator, snapshot.checkup_denominator) == (10, 20)
    assert snapshot.checkup_rate == 0.5
    assert (snapshot.guidance_numerator, snapshot.guidance_denominator, snapshot.guidance_rate) == (1, 2, 0.5)
    # SPEC §6.3 revised: no base entered, no reduction rate (and no silent default base year)
    assert snapshot.metabolic_base_year is None and snapshot.metabolic_reduction is None
    assert {row["dimension"] for row in snapshot.breakdown} == {"sex", "age_band", "relationship", "employer"}
    assert snapshot.lookahead == {}  # FY2025's report is past on 2026-11-26


def test_chosen_base_year_and_standard_population(insurer):
    ReductionBase.objects.create(insurer=insurer, base_fiscal_year=2024, standard_table="test")
    StandardPopulation.objects.create(table="test", sex=1, age_from=55, population=1000)
    snapshot = rate_snapshot_compute_now(insurer=insurer, fiscal_year=2025)
    assert snapshot.metabolic_base_estimate == pytest.approx(400.0)
    assert snapshot.metabolic_estimate == pytest.approx(200.0)


def test_no_base_data_gives_no_reduction(db):
    insurer = InsurerFactory()
    pop.person(insurer)
    snapshot = rate_snapshot_compute_now(insurer=insurer, fiscal_year=2025)
    assert snapshot.metabolic_reduction is None and snapshot.checkup_rate == 0.0


def test_lookahead_for_the_open_year(insurer):
    snapshot = rate_snapshot_compute_now(insurer=insurer, fiscal_year=2025, today=D(2026, 5, 1))
    look = snapshot.lookahead
    assert look["reporting_deadline"] == "2026-11-01"
    assert look["checkup"]["needed"] == 8  # single_kenpo target 90 % of 20 = 18
    assert look["guidance"]["needed"] == 1  # 60 % of 2 = 1.2 → 2


def test_request_enqueues_and_task_computes(insurer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = rate_snapshot_request(insurer=insurer, fiscal_year=2025)
    snapshot.refresh_from_db()
    assert snapshot.status == RateSnapshot.Status.DONE
    assert rate_snapshot_compute_task(snapshot.pk) == "done"  # a second run leaves it alone


def test_failure_is_recorded(insurer, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("rates.services.fiscal_year_cells", boom)
    snapshot = rate_snapshot_compute_now(insurer=insurer, fiscal_year=2025)
    assert snapshot.status == RateSnapshot.Status.FAILED and "database went away" in snapshot.error


@pytest.mark.parametrize(
    ("today", "years"), [(D(2026, 11, 26), [2026]), (D(2026, 6, 1), [2025, 2026]), (D(2026, 3, 31), [2025])]
)
def test_nightly_years(today, years):
    assert rates_nightly_fiscal_years(today=today) == years


def test_nightly_task(insurer, django_capture_on_commit_callbacks):
    InsurerFactory(number="06888888")
    with django_capture_on_commit_callbacks(execute=True):
        count = rates_nightly_task()
    assert count >= 2
    assert RateSnapshot.objects.finished().count() == count


def test_command_one_insurer(insurer):
    out = StringIO()
    call_command("compute_rates", "--fiscal-year", "2025", "--insurer", "06999999", stdout=out)
    assert "06999999 FY2025: checkup 10/20 (50.0%), guidance 1/2 (50.0%)" in out.getvalue()
    assert RateSnapshot.objects.finished().filter(insurer=insurer, fiscal_year=2025).count() == 1


def test_command_unknown_insurer(insurer):
    with pytest.raises(CommandError):
        call_command("compute_rates", "--fiscal-year", "2025", "--insurer", "01234567")


def test_prune_keeps_the_latest_of_each_year(insurer):
    old = [rate_snapshot_compute_now(insurer=insurer, fiscal_year=2025) for _ in range(3)]
    RateSnapshot.objects.filter(pk__in=[s.pk for s in old]).update(requested_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    assert rate_snapshots_prune(today=D(2026, 11, 26)) == 2
    assert list(RateSnapshot.objects.values_list("pk", flat=True)) == [old[-1].pk]
