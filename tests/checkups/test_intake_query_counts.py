"""Queries of one JSON record (POST /api/v1/checkups/), pinned (issue #13: at most 9 for a new record).

A new record on PostgreSQL: BEGIN; the API key with its clinic; the upload; the insurer with its clinic contracts;
the person with their enrollment periods; the person's checkups of the years around the exam (re-send? other exams of
the year? last year's counted one? next year's?); the checkup id (then one COPY, which Django does not count); the
upload's result; COMMIT. The judgment, the counted flag, the warnings and the answer's levels come from the
instance judged in memory (intake.judge_new)."""

import pytest
from django.db import connection

from tests.checkups.test_api_checkups import URL, _body, _items
from tests.conftest import key_client

# (PostgreSQL, SQLite): PostgreSQL writes the checkup and its programme by COPY (one nextval counted, the COPYs not);
# SQLite inserts both (the programme INSERT counted)
FIRST = {"postgresql": 9, "sqlite": 10}
SECOND = {"postgresql": 18, "sqlite": 17}  # re-chooses the counted exam and re-judges through the service path


# Counted as in production: each request its own transaction (BEGIN/COMMIT are not queries), not a savepoint inside
# the test's transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_new_record_makes_a_fixed_number_of_queries(world, clinic_x_key, django_assert_num_queries) -> None:
    api = key_client(clinic_x_key)
    with django_assert_num_queries(FIRST[connection.vendor]):
        assert api.post(URL, _body(world.person_a), format="json").status_code == 201


def test_a_second_exam_of_the_year_makes_a_fixed_number_of_queries(
    world, clinic_x_key, django_assert_num_queries
) -> None:
    api = key_client(clinic_x_key)
    assert api.post(URL, _body(world.person_a, exam_date="2025-05-01"), format="json").status_code == 201
    with django_assert_num_queries(SECOND[connection.vendor]):
        assert api.post(URL, _body(world.person_a), format="json").status_code == 201


# a re-send of the same exam (issue #13): compared with the stored items read with the person's checkups; a changed
# one writes the history and re-judges through the service path (the programme may need staff, SPEC §5.6)
UPDATED = {"postgresql": 26, "sqlite": 25}
UNCHANGED = {"postgresql": 9, "sqlite": 9}  # writes nothing but the upload that records the request


def test_a_changed_resend_makes_a_fixed_number_of_queries(world, clinic_x_key, django_assert_num_queries) -> None:
    api = key_client(clinic_x_key)
    assert api.post(URL, _body(world.person_a), format="json").status_code == 201
    changed = _body(world.person_a, items=_items(**{"9N016160100000001": 87.0}))
    with django_assert_num_queries(UPDATED[connection.vendor]):
        assert api.post(URL, changed, format="json").status_code == 200


def test_an_identical_resend_makes_a_fixed_number_of_queries(world, clinic_x_key, django_assert_num_queries) -> None:
    api = key_client(clinic_x_key)
    assert api.post(URL, _body(world.person_a), format="json").status_code == 201
    with django_assert_num_queries(UNCHANGED[connection.vendor]):
        assert api.post(URL, _body(world.person_a), format="json").status_code == 200
