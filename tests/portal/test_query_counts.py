"""Query counts of every member page are pinned and do not grow with the person's history (no query per row)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import SelfMeasurement

from .conftest import make_checkup
from .test_japanese_text import MEMBER_PAGES, rich  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

PAGES = [*MEMBER_PAGES, ("portal:download_csv", [])]
# session; user with person and insurer (members.auth_backend); the person as the page's selector scopes it; …
# me: + latest checkup, programme, years, the year's target facts (enrollment, exclusions; issue #14). The session
# write of the idle logout happens once a minute, not per page (tests/portal/test_idle_session.py).
QUERIES = {
    "portal:me": 8,
    "portal:checkups": 4,
    "portal:checkup_year": 5,
    "portal:document": 5,
    "portal:guidance": 9,
    "portal:employer": 3,
    "portal:access_log": 4,
    "portal:download": 3,
    "portal:download_print": 11,
    "portal:download_csv": 5,
}


def _counts(client) -> dict[tuple[str, str], int]:
    counts = {}
    for name, args in PAGES:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name, args=args)).status_code == 200
        counts[(name, str(args))] = len(queries.captured_queries)
    return counts


def test_pages_have_a_fixed_number_of_queries(rich, world) -> None:  # noqa: F811
    before = _counts(rich)
    assert {name: count for (name, _), count in before.items()} == QUERIES
    for year in (2021, 2022, 2023):  # three more years and twenty more own entries
        make_checkup(world.person_a, dt.date(year, 6, 1), ldl=Decimal("150"))
    for day in range(20):
        SelfMeasurement.objects.create(person=world.person_a, measured_on=dt.date(2025, 8, 2) + dt.timedelta(days=day),
                                       weight_kg=Decimal("74.0"))  # fmt: skip
    assert _counts(rich) == before
