"""GET /api/v1/rates/: staff key or staff session, own insurers only (another insurer answers 404)."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from rates.models import ReductionBase
from rates.services import rate_snapshot_compute_now
from tests.conftest import key_client

from . import population as pop

URL = "/api/v1/rates/"


@pytest.fixture
def snapshot(world):
    for n in range(4):
        checkup = pop.checkup(pop.person(world.insurer_a), level=1 if n < 2 else 3)
        if n == 0:
            pop.programme(checkup, "completed")
    return rate_snapshot_compute_now(insurer=world.insurer_a, fiscal_year=2025, today=dt.date(2026, 11, 26))


def test_staff_session_reads_own_insurer(alice_api, snapshot):
    response = alice_api.get(URL, {"insurer": "06999999", "fiscal_year": "2025"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "insurer",
        "fiscal_year",
        "computed_at",
        "checkup",
        "guidance",
        "metabolic_reduction",
        "breakdown",
    }
    assert body["insurer"] == "06999999" and body["fiscal_year"] == 2025
    # person_a of the world fixture is a target too: 4 receivers of 5 targets
    assert body["checkup"] == {"numerator": 4, "denominator": 5, "rate": 0.8, "target": 0.9}
    assert body["guidance"] == {"numerator": 1, "denominator": 2, "rate": 0.5, "target": 0.6}
    assert body["metabolic_reduction"] is None  # SPEC §6.3: no base entered, no figure


def test_reduction_target_only_against_fy2008(alice_api, snapshot, world):
    """SPEC §6.3 revised: another base year is labelled with its year and has no target."""
    ReductionBase.objects.create(insurer=world.insurer_a, base_fiscal_year=2025)
    rate_snapshot_compute_now(insurer=world.insurer_a, fiscal_year=2025, today=dt.date(2026, 11, 26))
    body = alice_api.get(URL, {"insurer": "06999999", "fiscal_year": 2025}).json()
    assert body["metabolic_reduction"]["base_fiscal_year"] == 2025 and body["metabolic_reduction"]["rate"] == 0.0
    assert body["metabolic_reduction"]["target"] is None
    base = ReductionBase.objects.get(insurer=world.insurer_a)
    base.base_fiscal_year = 2008
    base.save()
    base.strata.create(sex=1, age_from=55, guidance_targets=4, receivers=10, standard_population=1000)
    rate_snapshot_compute_now(insurer=world.insurer_a, fiscal_year=2025, today=dt.date(2026, 11, 26))
    body = alice_api.get(URL, {"insurer": "06999999", "fiscal_year": 2025}).json()
    assert body["metabolic_reduction"]["base_fiscal_year"] == 2008 and body["metabolic_reduction"]["target"] == 0.25
    sexes = [row for row in body["breakdown"] if row["dimension"] == "sex"]
    assert sexes[0]["checkup"] == {"numerator": 4, "denominator": 5, "rate": 0.8}


def test_staff_key_reads_own_insurer(world, staff_key_a, snapshot):
    response = key_client(staff_key_a).get(URL, {"insurer": "06999999", "fiscal_year": "2025"})
    assert response.status_code == 200


def test_bob_gets_404_for_another_insurer(bob, snapshot):
    client = APIClient()
    client.force_authenticate(bob)
    assert client.get(URL, {"insurer": "06999999", "fiscal_year": "2025"}).status_code == 404


def test_no_snapshot_is_404(alice_api, snapshot):
    assert alice_api.get(URL, {"insurer": "06999999", "fiscal_year": 2019}).status_code == 404


@pytest.mark.parametrize("query", [{}, {"insurer": "123", "fiscal_year": 2025}, {"insurer": "06999999"}])
def test_bad_query_is_400(alice_api, query):
    assert alice_api.get(URL, query).status_code == 400


def test_clinic_key_is_refused(clinic_x_key, snapshot):
    assert key_client(clinic_x_key).get(URL, {"insurer": "06999999", "fiscal_year": "2025"}).status_code == 403


def test_anonymous_is_refused(db):
    assert APIClient().get(URL, {"insurer": "06999999", "fiscal_year": "2025"}).status_code in (401, 403)
