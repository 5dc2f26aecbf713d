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
# session, user, person, …; me and checkup_year +1: the year's target facts (enrollment, exclusions; issue #14)
MAX_QUERIES = {"portal:guidance": 16, "portal:download_print": 17, "portal:me": 13}
DEFAULT_MAX = 10


def _counts(client) -> dict[tuple[str, str], int]:
    counts = {}
    for name, args in PAGES:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name, args=args)).status_code == 200
        counts[(name, str(args))] = len(queries.captured_queries)
    return counts


def test_pages_have_a_fixed_number_of_queries(rich, world) -> None:  # noqa: F811
    before = _counts(rich)
    for (name, _), count in before.items():
        assert count <= MAX_QUERIES.get(name, DEFAULT_MAX), (name, count)
    for year in (2021, 2022, 2023):  # three more years and twenty more own entries
        make_checkup(world.person_a, dt.date(year, 6, 1), ldl=Decimal("150"))
    for day in range(20):
        SelfMeasurement.objects.create(person=world.person_a, measured_on=dt.date(2025, 8, 2) + dt.timedelta(days=day),
                                       weight_kg=Decimal("74.0"))  # fmt: skip
    assert _counts(rich) == before
