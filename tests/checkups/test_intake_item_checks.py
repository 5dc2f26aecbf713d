"""SPEC §9.5 item checks through the API: a unit or a method code, when sent, is what the item table lists.

JSON records (POST /api/v1/checkups/) and CDA files (POST /api/v1/uploads/) go through the same check; a refused
record names the item, the value sent and what is allowed in both languages, and nothing is stored.
"""

import io

import pytest
from rest_framework.test import APIClient

from checkups.mhlw.cda import write_cda
from checkups.models import Checkup
from tests.checkups.documents import document
from tests.checkups.test_api_checkups import _body, _items
from tests.checkups.test_uploads_support import archive_of, cda
from tests.conftest import key_client
from tests.factories import PersonFactory

CHECKUPS = "/api/v1/checkups/"
UPLOADS = "/api/v1/uploads/"
WEIGHT = "9N006000000000001"  # 体重 kg
WAIST = "9N016160100000001"  # 腹囲(実測) cm, method 9N01610000
HEIGHT = "9N001000000000001"  # 身長 cm, no method code in the table


@pytest.fixture
def clinic_api(clinic_x_key) -> APIClient:
    return key_client(clinic_x_key)


def _with(items: list[dict], code: str, **fields) -> list[dict]:
    return [{**entry, **fields} if entry["code"] == code else entry for entry in items]


def _error(response, code: str) -> dict:
    return next(e for e in response.json()["errors"] if e["code"] == code)


def test_json_unit_that_is_not_the_tables_is_refused_and_nothing_stored(world, clinic_api) -> None:
    items = _with(_items(), WEIGHT, value=160.0, unit="lb")
    response = clinic_api.post(CHECKUPS, _body(world.person_a, items=items), format="json")
    assert response.status_code == 400, response.json()
    error = _error(response, "unit_mismatch")
    assert (error["field"], error["value"]) == (f"items[{WEIGHT}]", "lb")
    assert "体重" in error["message_ja"] and "'lb'" in error["message_ja"] and "'kg'" in error["message_ja"]
    assert "unit 'lb'" in error["message_en"] and "'kg'" in error["message_en"] and "160" in error["message_en"]
    assert "単位" not in error["message_en"]
    assert not Checkup.objects.exists()


@pytest.mark.parametrize("unit", ["kg", "KG", ""])
def test_json_table_unit_or_none_is_accepted_and_the_table_unit_stored(world, clinic_api, unit) -> None:
    items = _with(_items(), WEIGHT, unit=unit)
    response = clinic_api.post(CHECKUPS, _body(world.person_a, items=items), format="json")
    assert response.status_code == 201, response.json()
    stored = Checkup.objects.get(pk=response.json()["id"]).items[WEIGHT]
    assert stored["unit"] == (unit or "kg")


def test_json_unit_on_an_item_without_one_is_refused(world, clinic_api) -> None:
    items = _with(_items(), "9N736000000000011", unit="cm")  # 喫煙: an answer code, no unit in the table
    response = clinic_api.post(CHECKUPS, _body(world.person_a, items=items), format="json")
    assert response.status_code == 400
    error = _error(response, "unit_mismatch")
    assert "'なし'" in error["message_ja"] and "'None'" in error["message_en"]
    assert not Checkup.objects.exists()


@pytest.mark.parametrize(("code", "allowed_ja"), [(WAIST, "9N01610000"), (HEIGHT, "なし")])
def test_json_unknown_method_code_is_refused_naming_what_is_allowed(world, clinic_api, code, allowed_ja) -> None:
    items = _with(_items(), code, method="9999999999")
    response = clinic_api.post(CHECKUPS, _body(world.person_a, items=items), format="json")
    assert response.status_code == 400, response.json()
    error = _error(response, "unknown_method_code")
    assert (error["field"], error["value"]) == (f"items[{code}]", "9999999999")
    assert "9999999999" in error["message_ja"] and allowed_ja in error["message_ja"]
    assert "method code '9999999999'" in error["message_en"]
    assert not Checkup.objects.exists()


def test_json_listed_method_code_is_stored(world, clinic_api) -> None:
    items = _with(_items(), WAIST, method="9N01610000")
    response = clinic_api.post(CHECKUPS, _body(world.person_a, items=items), format="json")
    assert response.status_code == 201, response.json()
    assert Checkup.objects.get(pk=response.json()["id"]).items[WAIST]["method"] == "9N01610000"


def _upload(client: APIClient, data: bytes, name: str = "a.zip"):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(UPLOADS, {"file": upload}, format="multipart")


def _cda_with(person, code: str, **fields) -> bytes:
    doc = document(person)
    for observation in doc.observations:
        if observation.code == code:
            for name, value in fields.items():
                setattr(observation, name, value)
    return write_cda(doc)


@pytest.mark.parametrize(
    ("code", "fields", "error_code", "value"),
    [
        (WEIGHT, {"unit": "[lb_av]"}, "unit_mismatch", "[lb_av]"),
        (WAIST, {"method_code": "9999999999"}, "unknown_method_code", "9999999999"),
    ],
)
def test_cda_file_gets_the_same_checks(world, clinic_api, code, fields, error_code, value) -> None:
    other = PersonFactory(insurer=world.insurer_a, card_number="444")
    data = archive_of([cda(world.person_a), _cda_with(other, code, **fields)])
    response = _upload(clinic_api, data)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["summary"] == {"accepted": 1, "rejected": 1, "held": 0}
    error = next(e for e in body["records"][1]["errors"] if e["code"] == error_code)
    assert (error["field"], error["value"]) == (f"items[{code}]", value)
    assert error["message_ja"] and error["message_en"]
    assert list(Checkup.objects.values_list("person_id", flat=True)) == [world.person_a.pk]
