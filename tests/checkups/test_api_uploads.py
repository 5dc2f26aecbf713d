"""POST /api/v1/uploads/ (archive or CDA; multipart or raw body) and GET /api/v1/uploads/{id}/."""

import io

import pytest
from rest_framework.test import APIClient

from checkups.models import Checkup, Upload
from intake import uploads
from members.models import AccessLog
from tests.checkups.mhlw_samples import ROOT, SAMPLE_INDEX
from tests.checkups.test_uploads_support import (
    archive_of,
    cda,
    employer_cda,
    sample_archive_fixed,
    sample_person,
    zip_fixed,
)
from tests.conftest import key_client
from tests.factories import EmployerFactory, PersonFactory, api_key

URL = "/api/v1/uploads/"


@pytest.fixture
def clinic_api(clinic_x_key) -> APIClient:
    return key_client(clinic_x_key)


def _multipart(client: APIClient, data: bytes, name: str = "a.zip", **headers):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(URL, {"file": upload}, format="multipart", **headers)


def test_multipart_archive_is_processed_at_once(world, clinic_api) -> None:
    person = sample_person(world.insurer_a)
    response = _multipart(clinic_api, sample_archive_fixed(), "9999999999_06999999_202604010_1.zip")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["status"], data["kind"], data["progress"]) == ("done", "archive", {"done": 1, "total": 1})
    assert data["summary"] == {"accepted": 1, "rejected": 0, "held": 0}
    (record,) = data["records"]
    assert Checkup.objects.get(pk=record["checkup"]).person == person
    assert response.headers["Location"] == f"/api/v1/uploads/{data['id']}/"


@pytest.mark.parametrize("content_type", ["application/zip", "application/xml", "text/xml"])
def test_raw_body_is_accepted(world, clinic_api, content_type) -> None:
    data = archive_of([cda(world.person_a)]) if content_type == "application/zip" else cda(world.person_a)
    response = clinic_api.post(
        URL, data=data, content_type=content_type, HTTP_CONTENT_DISPOSITION='attachment; filename="h1.xml"'
    )
    assert response.status_code == 201, response.json()
    assert response.json()["summary"]["accepted"] == 1
    assert response.json()["file_name"] == "h1.xml"


def test_report_lists_accepted_rejected_and_held(world, clinic_api) -> None:
    other = PersonFactory(insurer=world.insurer_a, card_number="333")
    data = archive_of([cda(world.person_a), cda(other, items={"9N736000000000011": "9"}), cda(None, card_number="0")])
    upload_id = _multipart(clinic_api, data).json()["id"]
    report = clinic_api.get(f"{URL}{upload_id}/").json()
    assert [r["status"] for r in report["records"]] == ["accepted", "rejected", "held"]
    rejected = report["records"][1]["errors"][0]
    assert (rejected["field"], rejected["code"], rejected["value"]) == (
        "items[9N736000000000011]",
        "answer_not_in_set",
        "9",
    )
    assert report["records"][2]["held"]


def test_duplicate_file_answers_the_first_result_with_200(world, clinic_api) -> None:
    sample_person(world.insurer_a)
    first = _multipart(clinic_api, sample_archive_fixed())
    second = _multipart(clinic_api, sample_archive_fixed(), "renamed.zip")
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert Checkup.objects.count() == 1


def test_idempotency_key_header(world, clinic_api) -> None:
    data = cda(world.person_a)
    first = _multipart(clinic_api, data, "a.xml", HTTP_IDEMPOTENCY_KEY="batch-1")
    second = _multipart(clinic_api, data, "b.xml", HTTP_IDEMPOTENCY_KEY="batch-1")
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    other = _multipart(clinic_api, b"<other/>", "b.xml", HTTP_IDEMPOTENCY_KEY="batch-1")
    assert other.status_code == 422 and other.json()["errors"][0]["code"] == "idempotency_key_reused"


def test_large_upload_answers_202_and_is_processed_by_the_task(
    world, clinic_api, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setattr(uploads, "SMALL_UPLOAD_RECORDS", 1)
    people = [PersonFactory(insurer=world.insurer_a, card_number=f"9{i}") for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        response = _multipart(clinic_api, archive_of([cda(p) for p in people]))
    assert response.status_code == 202
    assert response.json()["progress"] == {"done": 0, "total": 3}
    polled = clinic_api.get(f"{URL}{response.json()['id']}/").json()
    assert (polled["status"], polled["progress"]) == ("done", {"done": 3, "total": 3})


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (zip_fixed({f"{ROOT}/ix08_V08.xml": SAMPLE_INDEX, f"{ROOT}/DATA/h1.xml": b"\0" * (8 << 20)}), "ratio"),
        (zip_fixed({f"{ROOT}/ix08_V08.xml": SAMPLE_INDEX, "../../evil.xml": b"<a/>"}), "unsafe path"),
        (b"PK\x03\x04 not really a zip", "ZIP"),
        (b"\x89PNG\r\n", "neither"),
    ],
)
def test_unsafe_or_unreadable_file_is_a_400_with_the_reason(world, clinic_api, data, needle) -> None:
    response = _multipart(clinic_api, data)
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "failed"
    assert needle in body["errors"][0]["message_en"]
    assert not Checkup.objects.exists()


def test_external_entity_is_refused_and_leaks_nothing(world, clinic_api, tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    xxe = f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]><x>&e;</x>'.encode()
    response = _multipart(clinic_api, xxe, "h1.xml")
    assert response.status_code == 422  # not 201 "done" with the refusal inside (issue #13)
    assert response.json()["records"][0]["status"] == "rejected"
    assert "TOP-SECRET" not in response.content.decode()
    assert "TOP-SECRET" not in str(Upload.objects.values_list("report", flat=True)[0])


def test_billion_laughs_answers_422_and_stores_nothing(world, clinic_api) -> None:
    entities = "".join(f'<!ENTITY l{n} "&l{n - 1};&l{n - 1};&l{n - 1};&l{n - 1};">' for n in range(1, 10))
    bomb = f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY l0 "lol">{entities}]><x>&l9;</x>'.encode()
    response = _multipart(clinic_api, bomb, "h1.xml")
    assert response.status_code == 422
    (error,) = response.json()["records"][0]["errors"]
    assert error["code"] == "unreadable_file" and "DOCTYPE" in error["message_en"]
    assert not Checkup.objects.exists()


@pytest.mark.parametrize("use_multipart", [True, False])
def test_request_larger_than_the_limit_is_413(world, clinic_api, settings, use_multipart) -> None:
    settings.UPLOAD_MAX_BYTES = 1000
    data = cda(world.person_a)
    if use_multipart:
        response = _multipart(clinic_api, data, "h1.xml")
    else:
        response = clinic_api.post(URL, data=data, content_type="application/xml")
    assert response.status_code == 413
    assert not Upload.objects.exists()


def test_missing_file_is_a_400(world, clinic_api) -> None:
    response = clinic_api.post(URL, {"other": "x"}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "file"


def test_another_clinics_upload_is_404(world, clinic_api, clinic_y_key) -> None:
    upload_id = _multipart(clinic_api, cda(world.person_a), "h1.xml").json()["id"]
    assert clinic_api.get(f"{URL}{upload_id}/").status_code == 200
    assert key_client(clinic_y_key).get(f"{URL}{upload_id}/").status_code == 404


def test_staff_see_uploads_for_their_insurer_only(world, clinic_api, staff_key_a) -> None:
    upload_id = _multipart(clinic_api, cda(world.person_a), "h1.xml").json()["id"]
    assert key_client(staff_key_a).get(f"{URL}{upload_id}/").status_code == 200
    assert key_client(api_key("staff", insurer=world.insurer_b)).get(f"{URL}{upload_id}/").status_code == 404
    assert key_client(staff_key_a).post(URL, {}, format="multipart").status_code == 403
    assert not AccessLog.objects.exists()  # the report carries no person data


def test_employer_key_uploads_employer_checkups(world) -> None:
    employer = EmployerFactory(insurer=world.insurer_a)
    client = key_client(api_key("employer", employer=employer))
    response = _multipart(client, employer_cda(world.person_a, items={"9N701000000000011": None}), "h1.xml")
    assert response.status_code == 201, response.json()
    checkup = Checkup.objects.get(pk=response.json()["records"][0]["checkup"])
    assert (checkup.source, checkup.submitted_by_employer) == ("employer", employer)
    assert not checkup.is_complete
    assert client.get(f"/api/v1/checkups/{checkup.pk}/").status_code == 200


def test_revoked_key_cannot_upload(world, clinic_x, clinic_x_key) -> None:
    clinic_x.api_keys.update(revoked=True)
    response = _multipart(key_client(clinic_x_key), cda(world.person_a), "h1.xml")
    assert response.status_code in (401, 403)
    assert not Upload.objects.exists()


def test_upload_views_throttle_per_key(world, clinic_api, settings) -> None:
    from django.core.cache import cache

    from checkups.api import UploadViewSet
    from members.api_auth import ApiKeyRateThrottle

    assert UploadViewSet.throttle_classes == [ApiKeyRateThrottle]
    cache.clear()
    rates = {**ApiKeyRateThrottle.THROTTLE_RATES, "api_key": "2/min"}
    original = ApiKeyRateThrottle.THROTTLE_RATES
    ApiKeyRateThrottle.THROTTLE_RATES = rates
    try:
        codes = [clinic_api.get(f"{URL}0/").status_code for _ in range(3)]
    finally:
        ApiKeyRateThrottle.THROTTLE_RATES = original
        cache.clear()
    assert codes == [404, 404, 429]
