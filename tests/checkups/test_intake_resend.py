"""A re-send of the same person, exam date and programme is a correction (issue #13), through the HTTP API:
201 created / 200 updated with its changes / 200 unchanged, the changes kept in the correction history with the
sender, and a started programme whose level changes asks staff (SPEC §5.6)."""

import io

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from checkups.models import Checkup, CheckupCorrection, Upload
from guidance.models import Programme
from tests.checkups.test_api_checkups import URL, _body, _items
from tests.checkups.test_uploads_support import archive_of, cda
from tests.conftest import key_client
from tests.factories import CheckupFactory, ContactFactory, PersonFactory

WAIST = "9N016160100000001"
GLUCOSE = "3D010000001926101"  # fasting glucose
HBA1C = "3D046000001906202"


@pytest.fixture
def clinic_api(clinic_x_key) -> APIClient:
    return key_client(clinic_x_key)


def _stored(checkup_id: int) -> tuple:
    checkup = Checkup.objects.get(pk=checkup_id)
    return checkup.items, checkup.updated_at, checkup.stratified_at, checkup.guidance_level


def test_a_new_record_is_created(world, clinic_api) -> None:
    response = clinic_api.post(URL, _body(world.person_a), format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["result"], response.json()["changes"]) == ("created", [])


def test_an_identical_resend_is_unchanged_and_writes_nothing(world, clinic_api) -> None:
    first = clinic_api.post(URL, _body(world.person_a), format="json").json()
    before = _stored(first["id"])
    again = clinic_api.post(URL, _body(world.person_a), format="json")
    assert again.status_code == 200, again.json()
    data = again.json()
    assert (data["id"], data["result"], data["changes"]) == (first["id"], "unchanged", [])
    assert data["guidance_level"] == first["guidance_level"]  # every field of the first answer is still there
    assert Checkup.objects.count() == 1 and CheckupCorrection.objects.count() == 0
    assert _stored(first["id"]) == before  # not rewritten, not re-judged


def test_a_changed_resend_is_updated_with_its_changes_in_the_history(world, clinic_api, clinic_x) -> None:
    first = clinic_api.post(URL, _body(world.person_a), format="json").json()
    changed = _body(world.person_a, items=_items(**{GLUCOSE: 95.0, HBA1C: None}))
    response = clinic_api.post(URL, changed, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["id"], data["result"]) == (first["id"], "updated")
    assert data["changes"] == [{"code": GLUCOSE, "from": "104", "to": "95"}, {"code": HBA1C, "from": "5.8", "to": None}]
    # one risk left (BP): 動機付け支援 (SPEC §2.4), judged again
    assert data["guidance_level"] == {"code": 2, "label": "動機付け支援"}
    checkup = Checkup.objects.get(pk=first["id"])
    assert (checkup.items[GLUCOSE]["value"], HBA1C in checkup.items, checkup.guidance_level) == ("95", False, 2)
    upload = Upload.objects.latest("pk")
    history = {
        c.item_code: (c.kind, c.old_value["value"], (c.new_value or {}).get("value"), c.sent_by_clinic, c.upload)
        for c in CheckupCorrection.objects.filter(checkup=checkup)
    }
    assert history == {
        GLUCOSE: ("resend", "104", "95", clinic_x, upload),
        HBA1C: ("resend", "5.8", None, clinic_x, upload),
    }
    assert set(CheckupCorrection.objects.values_list("submitter", "corrected_by")) == {(f"clinic:{clinic_x.pk}", None)}


def test_a_resend_from_another_clinic_names_that_clinic(world, clinic_api, clinic_y, clinic_y_key) -> None:
    clinic_api.post(URL, _body(world.person_a), format="json")
    body = _body(world.person_a, items=_items(**{WAIST: 87.0}))
    assert key_client(clinic_y_key).post(URL, body, format="json").json()["result"] == "updated"
    (correction,) = CheckupCorrection.objects.all()
    assert (correction.sent_by_clinic, correction.submitter) == (clinic_y, f"clinic:{clinic_y.pk}")


def _started_programme(checkup_id: int) -> Programme:
    programme = Programme.objects.get(checkup_id=checkup_id)
    ContactFactory(programme=programme)  # the initial interview: the programme has started
    return programme


@pytest.mark.parametrize(
    ("items", "level"),
    [
        ({GLUCOSE: 95.0}, 2),  # one risk left: 動機付け支援
        ({WAIST: 80.0}, 3),  # waist below 85 and BMI below 25: 情報提供 (SPEC §2.4), still for staff (§5.6)
    ],
)
def test_a_resend_that_changes_a_started_programmes_level_goes_to_staff(world, clinic_api, items, level) -> None:
    first = clinic_api.post(URL, _body(world.person_a), format="json").json()
    programme = _started_programme(first["id"])
    assert programme.level == 1
    response = clinic_api.post(URL, _body(world.person_a, items=_items(**items)), format="json")
    assert (response.status_code, response.json()["guidance_level"]["code"]) == (200, level)
    programme.refresh_from_db()
    assert (programme.level, programme.next_action) == (1, "level_decision_required")  # never changed silently


def test_an_identical_resend_leaves_a_started_programme_alone(world, clinic_api) -> None:
    first = clinic_api.post(URL, _body(world.person_a), format="json").json()
    programme = _started_programme(first["id"])
    programme.refresh_from_db()
    before = (programme.level, programme.next_action, programme.version)
    assert clinic_api.post(URL, _body(world.person_a), format="json").json()["result"] == "unchanged"
    programme.refresh_from_db()
    assert (programme.level, programme.next_action, programme.version) == before


def test_an_idempotent_replay_of_a_resend_answers_the_first_result(world, clinic_api) -> None:
    clinic_api.post(URL, _body(world.person_a), format="json")
    changed = _body(world.person_a, items=_items(**{WAIST: 87.0}))
    first = clinic_api.post(URL, changed, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    replay = clinic_api.post(URL, changed, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, replay.status_code) == (200, 200)
    assert replay.json() == first.json() and replay.json()["result"] == "updated"
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert CheckupCorrection.objects.count() == 1


def _upload(client: APIClient, data: bytes) -> dict:
    upload = io.BytesIO(data)
    upload.name = "a.zip"
    response = client.post("/api/v1/uploads/", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.json()
    return response.json()


def test_an_archive_resend_reports_each_records_result(world, clinic_api, clinic_x) -> None:
    other, third = (PersonFactory(insurer=world.insurer_a, card_number=n) for n in ("801", "802"))
    _upload(clinic_api, archive_of([cda(world.person_a), cda(other)]))
    again = _upload(clinic_api, archive_of([cda(world.person_a, items={WAIST: "86.0"}), cda(other), cda(third)]))
    results = [(r["status"], r["result"], r["changes"]) for r in again["records"]]
    assert results == [
        ("accepted", "updated", [{"code": WAIST, "from": "88.0", "to": "86.0"}]),
        ("accepted", "unchanged", []),
        ("accepted", "created", []),
    ]
    assert Checkup.objects.count() == 3
    (correction,) = CheckupCorrection.objects.all()
    assert (correction.checkup.person, correction.sent_by_clinic, correction.upload_id) == (
        world.person_a,
        clinic_x,
        again["id"],
    )


def test_the_checkup_page_names_the_sender_of_a_resend(world, clinic_api, alice_client) -> None:
    first = clinic_api.post(URL, _body(world.person_a), format="json").json()
    clinic_api.post(URL, _body(world.person_a, items=_items(**{WAIST: 87.0})), format="json")
    page = alice_client.get(reverse("admin:checkups_checkup_change", args=[first["id"]])).content.decode()
    history = page[page.index('id="corrections-heading"') :]
    assert "再送信による修正" in history and "X健診クリニック" in history
    assert "clinic:" not in history and "resend" not in history  # no raw sender label or code on a staff page


@pytest.mark.parametrize(
    ("kind", "fields"),
    [("staff", {}), ("resend", {"submitter": ""}), ("other", {"submitter": "clinic:1"})],
)
def test_the_database_refuses_a_correction_without_its_author(world, kind, fields) -> None:
    checkup = CheckupFactory(person=world.person_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckupCorrection.objects.create(checkup=checkup, kind=kind, item_code=WAIST, **fields)
