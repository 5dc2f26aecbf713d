"""GET /api/v1/employer-data/submissions/: an employer key sees only its own submissions (SPEC §7.3)."""

import datetime as dt

import pytest

from employer_data.services import submission_request
from tests.conftest import key_client
from tests.factories import api_key

from .helpers import employee, employer_of

URL = "/api/v1/employer-data/submissions/"


@pytest.fixture
def two_employers(world):
    mine, other = employer_of(world.insurer_a, "E201"), employer_of(world.insurer_a, "E202")
    employee(mine, "801", dt.date(1990, 1, 1))
    employee(mine, "802", dt.date(1960, 1, 1))
    own = submission_request(employer=mine, fiscal_year=2025, requested_on=dt.date(2025, 6, 1))
    theirs = submission_request(employer=other, fiscal_year=2025, requested_on=dt.date(2025, 6, 1))
    return mine, other, own, theirs


def test_employer_key_lists_only_its_own_submissions(two_employers) -> None:
    mine, _, own, _ = two_employers
    response = key_client(api_key("employer", employer=mine)).get(URL)
    assert response.status_code == 200
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [r["id"] for r in rows] == [own.pk]
    assert rows[0]["status"] == "requested"
    bands = {b["key"]: (b["expected"], b["received"]) for b in rows[0]["counts"]}
    assert bands == {"under_40": (1, 0), "40_74": (1, 0), "75_plus": (0, 0)}


def test_employer_key_reading_another_employers_submission_gets_404(two_employers) -> None:
    mine, _, own, theirs = two_employers
    client = key_client(api_key("employer", employer=mine))
    assert client.get(f"{URL}{own.pk}/").status_code == 200
    assert client.get(f"{URL}{theirs.pk}/").status_code == 404


def test_staff_key_sees_its_insurers_submissions_and_clinic_key_is_refused(two_employers, staff_key_a, world) -> None:
    _, _, own, theirs = two_employers
    body = key_client(staff_key_a).get(URL).json()
    rows = body["results"] if isinstance(body, dict) else body
    assert {r["id"] for r in rows} == {own.pk, theirs.pk}
    other_staff = key_client(api_key("staff", insurer=world.insurer_b))
    assert other_staff.get(f"{URL}{own.pk}/").status_code == 404
    assert key_client(api_key("clinic", clinic=__import__("tests.factories").factories.ClinicFactory())).get(
        URL
    ).status_code in (401, 403)
