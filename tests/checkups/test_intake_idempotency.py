"""Idempotency-Key (issue #13): scoped to the sender, the same key with another body answers 422 and stores nothing."""

import io

import pytest
from rest_framework.test import APIClient

from checkups.models import Checkup, Upload
from tests.checkups.test_api_checkups import _body, _items
from tests.checkups.test_uploads_support import archive_of, cda
from tests.conftest import key_client
from tests.factories import PersonFactory

CHECKUPS = "/api/v1/checkups/"
UPLOADS = "/api/v1/uploads/"


@pytest.fixture
def clinic_api(clinic_x_key) -> APIClient:
    return key_client(clinic_x_key)


def _assert_reused(response, key: str) -> None:
    assert response.status_code == 422, response.json()
    (error,) = response.json()["errors"]
    assert (error["field"], error["code"], error["value"]) == ("Idempotency-Key", "idempotency_key_reused", key)
    assert "別の内容" in error["message_ja"] and "different body" in error["message_en"]


@pytest.mark.parametrize("change", ["value", "person"])
def test_json_key_reused_with_another_body_is_422_and_stores_nothing(world, clinic_api, change) -> None:
    first = clinic_api.post(CHECKUPS, _body(world.person_a), format="json", HTTP_IDEMPOTENCY_KEY="abc")
    assert first.status_code == 201
    other = PersonFactory(insurer=world.insurer_a, card_number="777")
    changed = _body(world.person_a, items=_items(**{"9N016160100000001": 80.0})) if change == "value" else _body(other)
    second = clinic_api.post(CHECKUPS, changed, format="json", HTTP_IDEMPOTENCY_KEY="abc")
    _assert_reused(second, "abc")
    (checkup,) = Checkup.objects.all()
    assert (checkup.person_id, str(checkup.waist_cm)) == (world.person_a.pk, "88.0")
    assert Upload.objects.count() == 1


def test_json_keys_are_scoped_to_the_sender(world, clinic_api, clinic_y_key) -> None:
    other = PersonFactory(insurer=world.insurer_a, card_number="778")
    first = clinic_api.post(CHECKUPS, _body(world.person_a), format="json", HTTP_IDEMPOTENCY_KEY="same")
    second = key_client(clinic_y_key).post(CHECKUPS, _body(other), format="json", HTTP_IDEMPOTENCY_KEY="same")
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]
    assert "Idempotent-Replayed" not in second.headers
    assert set(Checkup.objects.values_list("person_id", flat=True)) == {world.person_a.pk, other.pk}


def _upload(client: APIClient, data: bytes, key: str):
    upload = io.BytesIO(data)
    upload.name = "a.zip"
    return client.post(UPLOADS, {"file": upload}, format="multipart", HTTP_IDEMPOTENCY_KEY=key)


def test_upload_key_reused_with_another_file_is_422_and_stores_nothing(world, clinic_api) -> None:
    other = PersonFactory(insurer=world.insurer_a, card_number="779")
    data = archive_of([cda(world.person_a)])
    first = _upload(clinic_api, data, "u-1")
    assert first.status_code == 201
    again = _upload(clinic_api, data, "u-1")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]  # the same file: replayed
    _assert_reused(_upload(clinic_api, archive_of([cda(other)]), "u-1"), "u-1")
    assert Upload.objects.count() == 1
    assert list(Checkup.objects.values_list("person_id", flat=True)) == [world.person_a.pk]
