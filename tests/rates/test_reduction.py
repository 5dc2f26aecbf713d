"""Metabolic reduction rate (SPEC §6.3 revised): against the FY2008 base staff enter, with the national standard
population; another base year is labelled with its year and drawn without the 25 % target; no base, no figure."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from rates.models import ReductionBase, StandardPopulation
from rates.reduction import reduction_inputs
from rates.services import rate_snapshot_compute_now
from tests.factories import staff_user

from . import population as pop

D = dt.date
TODAY = dt.date(2026, 11, 26)
DASHBOARD = "admin:rates_ratedashboard_changelist"


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def fy2025(world):
    """FY2025 of insurer A: men 55–59, 2 guidance targets of 10 receivers; women 60–64, 1 of 5."""
    for n in range(10):
        pop.checkup(pop.person(world.insurer_a, born=D(1968, 5, 5)), level=1 if n < 2 else 3)
    for n in range(5):
        pop.checkup(pop.person(world.insurer_a, born=D(1963, 5, 5), sex=2), level=2 if n < 1 else 3)
    return world.insurer_a


def _fy2008(insurer, *, table: str = "", standard: bool = True) -> ReductionBase:
    base = ReductionBase.objects.create(insurer=insurer, base_fiscal_year=2008, standard_table=table)
    # FY2008 as entered: men 55–59 4 of 10, women 60–64 2 of 5; the national standard population per stratum
    base.strata.create(
        sex=1, age_from=55, guidance_targets=4, receivers=10, standard_population=1000 if standard else None
    )
    base.strata.create(
        sex=2, age_from=60, guidance_targets=2, receivers=5, standard_population=3000 if standard else None
    )
    return base


def test_no_base_no_figure(fy2025):
    assert reduction_inputs(insurer=fy2025) is None
    snapshot = rate_snapshot_compute_now(insurer=fy2025, fiscal_year=2025, today=TODAY)
    assert snapshot.metabolic_reduction is None and snapshot.metabolic_base_year is None


def test_against_the_entered_fy2008_base_and_standard_population(fy2025):
    _fy2008(fy2025)
    snapshot = rate_snapshot_compute_now(insurer=fy2025, fiscal_year=2025, today=TODAY)
    # base: 4/10 × 1000 + 2/5 × 3000 = 400 + 1200; this year: 2/10 × 1000 + 1/5 × 3000 = 200 + 600
    assert snapshot.metabolic_base_year == 2008
    assert snapshot.metabolic_base_estimate == pytest.approx(1600)
    assert snapshot.metabolic_estimate == pytest.approx(800)
    assert snapshot.metabolic_reduction == pytest.approx(0.5)


def test_a_named_standard_table_wins_over_the_entered_population(fy2025):
    _fy2008(fy2025, table="住基2008")
    StandardPopulation.objects.create(table="住基2008", sex=1, age_from=55, population=100)
    StandardPopulation.objects.create(table="住基2008", sex=2, age_from=60, population=100)
    snapshot = rate_snapshot_compute_now(insurer=fy2025, fiscal_year=2025, today=TODAY)
    assert snapshot.metabolic_base_estimate == pytest.approx(40 + 40)
    assert snapshot.metabolic_estimate == pytest.approx(20 + 20)


def test_without_a_standard_the_base_receivers_standardise(fy2025):
    _fy2008(fy2025, standard=False)
    snapshot = rate_snapshot_compute_now(insurer=fy2025, fiscal_year=2025, today=TODAY)
    assert snapshot.metabolic_base_estimate == pytest.approx(4 + 2)  # 4/10 × 10 + 2/5 × 5
    assert snapshot.metabolic_estimate == pytest.approx(2 + 1)


def test_another_base_year_from_the_system_data(fy2025):
    ReductionBase.objects.create(insurer=fy2025, base_fiscal_year=2025)
    snapshot = rate_snapshot_compute_now(insurer=fy2025, fiscal_year=2025, today=TODAY)
    assert snapshot.metabolic_base_year == 2025 and snapshot.metabolic_reduction == 0.0


# ---------------------------------------------------------------- the dashboard card


def _card(client) -> str:
    html = client.get(reverse(DASHBOARD), {"insurer": "06999999", "fiscal_year": 2025}).content.decode()
    start = html.index("メタボ該当者・予備群の減少率")
    return html[start : html.index("</div>", start)]


def test_card_without_base_says_what_to_enter(alice_client, fy2025):
    rate_snapshot_compute_now(insurer=fy2025, fiscal_year=2025, today=TODAY)
    card = _card(alice_client)
    assert "2008年度の特定保健指導対象者数と特定健診受診者数" in card and "基準人口" in card
    assert reverse("admin:rates_reductionbase_add") in card
    assert "まだ計算できません" in card and "(性・年齢調整)" not in card


def test_card_against_fy2008_shows_the_target(alice_client, fy2025):
    _fy2008(fy2025)
    rate_snapshot_compute_now(insurer=fy2025, fiscal_year=2025, today=TODAY)
    card = _card(alice_client)
    assert "50.0%" in card and "2008年度比(性・年齢調整)" in card and "目標 25.0%" in card


def test_card_against_another_year_has_no_target(alice_client, fy2025):
    ReductionBase.objects.create(insurer=fy2025, base_fiscal_year=2024)
    for n in range(10):
        pop.checkup(pop.person(fy2025, born=D(1968, 5, 5)), fiscal_year=2024, level=1 if n < 5 else 3)
    rate_snapshot_compute_now(insurer=fy2025, fiscal_year=2025, today=TODAY)
    card = _card(alice_client)
    assert "2024年度比(性・年齢調整)" in card and "目標 25" not in card and "比べられません" in card
    html = alice_client.get(reverse(DASHBOARD), {"insurer": "06999999", "fiscal_year": 2025}).content.decode()
    assert '"reduction": null}' in html  # no target line in the chart data


# ---------------------------------------------------------------- entering the base in the admin


def test_add_page_offers_the_fourteen_strata(alice_client, fy2025):
    html = alice_client.get(reverse("admin:rates_reductionbase_add")).content.decode()
    assert html.count('name="strata-') >= 14 * 5
    assert 'name="strata-13-age_from"' in html and 'name="strata-14-age_from"' not in html
    assert 'value="2008"' in html  # the base year defaults to FY2008


def test_staff_enter_the_fy2008_base(alice_client, fy2025):
    data = {"insurer": fy2025.pk, "base_fiscal_year": 2008, "standard_table": "",
            "strata-TOTAL_FORMS": 14, "strata-INITIAL_FORMS": 0, "strata-MIN_NUM_FORMS": 0,
            "strata-MAX_NUM_FORMS": 14}  # fmt: skip
    for n, (sex, age) in enumerate((s, a) for s in (1, 2) for a in range(40, 75, 5)):
        data |= {f"strata-{n}-sex": sex, f"strata-{n}-age_from": age, f"strata-{n}-guidance_targets": 3,
                 f"strata-{n}-receivers": 20, f"strata-{n}-standard_population": 100000}  # fmt: skip
    response = alice_client.post(reverse("admin:rates_reductionbase_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    base = ReductionBase.objects.get(insurer=fy2025)
    assert base.strata.count() == 14 and reduction_inputs(insurer=fy2025).against_fy2008


def test_more_targets_than_receivers_is_refused(alice_client, fy2025):
    data = {"insurer": fy2025.pk, "base_fiscal_year": 2008, "standard_table": "", "strata-TOTAL_FORMS": 1,
            "strata-INITIAL_FORMS": 0, "strata-MIN_NUM_FORMS": 0, "strata-MAX_NUM_FORMS": 14, "strata-0-sex": 1,
            "strata-0-age_from": 40, "strata-0-guidance_targets": 30, "strata-0-receivers": 20}  # fmt: skip
    response = alice_client.post(reverse("admin:rates_reductionbase_add"), data)
    assert response.status_code == 200 and not ReductionBase.objects.exists()


def test_another_insurers_base_is_a_404(world, fy2025):
    base = _fy2008(fy2025)
    client = Client()
    client.force_login(staff_user(world.insurer_b, "bob"))
    assert client.get(reverse("admin:rates_reductionbase_change", args=[base.pk])).status_code == 404
    listing = client.get(reverse("admin:rates_reductionbase_changelist")).content.decode()
    assert "06999999" not in listing and world.insurer_a.name not in listing
