"""Queries of one JSON record (POST /api/v1/checkups/), pinned (issue #13 asks for ≤ 10; today's figures): the
upload's insurer comes from the stored record (one look-up less than before)."""

from django.db import connection

from tests.checkups.test_api_checkups import URL, _body, _items
from tests.conftest import key_client

# (PostgreSQL, SQLite): SQLite has no array parameter and answers some bulk steps in more statements
# +1 over the leanest: an exam of a past fiscal year looks for next year's checkups to re-judge (SPEC §2.8)
FIRST = {"postgresql": 20, "sqlite": 21}
SECOND = {"postgresql": 27, "sqlite": 26}  # re-chooses the counted exam and re-judges through the service path


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


# a re-send of the same exam (issue #13): compared with the stored items in the query that finds the stored exam
# writes the history, re-judges through the service path (35/35 before); +1 from FIRST/SECOND's next-year check
UPDATED = {"postgresql": 34, "sqlite": 33}
UNCHANGED = {"postgresql": 16, "sqlite": 16}  # writes nothing but the upload that records the request


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
