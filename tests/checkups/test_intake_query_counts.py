"""Queries of one JSON record (POST /api/v1/checkups/), pinned (issue #13 asks for ≤ 10; today's figures)."""

from django.db import connection

from tests.checkups.test_api_checkups import URL, _body
from tests.conftest import key_client

# (PostgreSQL, SQLite): SQLite has no array parameter and answers some bulk steps in more statements
FIRST = {"postgresql": 22, "sqlite": 25}
SECOND = {"postgresql": 29, "sqlite": 30}  # re-chooses the counted exam and re-judges through the service path


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
