"""GET /api/v1/items/?program=010 (issue #13): the item catalogue, generated from the item table; and every
documented request example of the API posts and is stored (201)."""

import datetime as dt

import pytest
from django.core.cache import cache

from checkups.item_catalogue import requirement_of
from checkups.mhlw.itemtable import item, required_groups, required_items
from checkups.mhlw.validation_rules import PLAUSIBLE_RANGES
from tests.conftest import key_client
from tests.factories import PersonFactory

URL = "/api/v1/items/"


@pytest.mark.parametrize("program", ["010", "030"])
def test_catalogue_lists_the_programmes_items_with_their_requirement(world, clinic_x_key, program) -> None:
    body = key_client(clinic_x_key).get(URL, {"program": program}).json()
    assert body["program"] == program
    rows = {row["code"]: row for row in body["items"]}
    required = {row_code for row_code, row in rows.items() if row["requirement"]["kind"] == "required"}
    assert required == {d.code for d in required_items(program)}
    groups: dict[str, set[str]] = {}
    for code, row in rows.items():
        if row["requirement"]["kind"] == "group":
            groups.setdefault(row["requirement"]["group"], set()).add(code)
    assert groups == {letter: set(codes) for letter, codes in required_groups(program).items()}


def test_catalogue_row_carries_type_unit_format_range_answers_and_method(world, clinic_x_key) -> None:
    rows = {row["code"]: row for row in key_client(clinic_x_key).get(URL, {"program": "010"}).json()["items"]}
    waist = rows["9N016160100000001"]
    assert (waist["type"], waist["unit"], waist["format"]) == ("PQ", "cm", "NNN.N")
    low, high = PLAUSIBLE_RANGES["9N016160100000001"]
    assert waist["plausible_range"] == {"min": str(low), "max": str(high)}
    assert waist["method_codes"] == ["9N01610000"]
    smoking = rows["9N736000000000011"]
    assert smoking["type"] == "CD"
    assert {a["code"]: a["label"] for a in smoking["answers"]} == item("9N736000000000011").answers
    assert smoking["answer_oid"]


def test_items_outside_the_programme_are_not_listed(world, clinic_x_key) -> None:
    codes = {row["code"] for row in key_client(clinic_x_key).get(URL, {"program": "030"}).json()["items"]}
    outside = [d for d in required_items("010") if requirement_of(d, "030") is None]
    assert outside, "the test needs an item that 010 requires and 030 does not use"
    assert not {d.code for d in outside} & codes


def test_unknown_program_is_refused_in_the_envelope(world, clinic_x_key) -> None:
    response = key_client(clinic_x_key).get(URL, {"program": "999"})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["field"], error["code"], error["value"]) == ("program", "unknown_program", "999")
    assert error["message_ja"] == "program は 010, 030 のどれかにしてください"
    assert error["message_en"] == "program must be one of 010, 030"


def test_catalogue_needs_a_key_and_few_queries(world, clinic_x_key, django_assert_max_num_queries) -> None:
    from rest_framework.test import APIClient

    assert APIClient().get(URL).status_code == 401
    client = key_client(clinic_x_key)
    with django_assert_max_num_queries(2):  # the key lookup (and its last-used stamp); the table is in memory
        assert client.get(URL, {"program": "010"}).status_code == 200


def _request_examples(schema: dict, path: str) -> list[dict]:
    content = schema["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    return [example["value"] for example in content.get("examples", {}).values()]


def test_every_documented_checkup_example_is_stored(world, clinic_x_key) -> None:
    """The docs show complete valid records: each one posted as a clinic would gets 201."""
    client = key_client(clinic_x_key)
    schema = client.get("/api/v1/schema/?format=json").json()
    examples = _request_examples(schema, "/api/v1/checkups/")
    assert examples
    for example in examples:
        PersonFactory(
            insurer=world.insurer_a if example["insurer_number"] == world.insurer_a.number else world.insurer_b,
            card_symbol=example["card_symbol"],
            card_number=example["card_number"],
            card_branch=example["card_branch"],
            name_kana=example["name_kana"],
            sex=example["sex"],
            birth_date=dt.date.fromisoformat(example["birth_date"]),
        )
        cache.clear()
        response = client.post("/api/v1/checkups/", example, format="json")
        assert response.status_code == 201, response.json()
