"""POST /api/v1/checkups/ (one JSON record, clinic key) and GET /api/v1/checkups/{id}/ (own records only)."""

import copy

import pytest

from checkups.models import Checkup, HeldRecord
from members.models import AccessLog
from tests.checkups.documents import COMPLETE_ITEMS
from tests.conftest import key_client
from tests.factories import EmployerFactory, api_key

URL = "/api/v1/checkups/"


def _items(**overrides) -> list[dict]:
    items = {code: value for code, (_, value, _, _) in COMPLETE_ITEMS.items()}
    for code, value in overrides.items():
        if value is None:
            items.pop(code, None)
        else:
            items[code] = value
    numeric = {code for code, (kind, *_) in COMPLETE_ITEMS.items() if kind == "PQ"}
    body = [{"code": c, "value": float(v) if c in numeric else v} for c, v in items.items()]
    body.append({"code": "9N516000000000049", "value": "架空医師"})  # 医師の氏名: carried as the author
    return body


def _body(person, **overrides) -> dict:
    body = {
        "insurer_number": person.insurer.number,
        "card_symbol": person.card_symbol,
        "card_number": person.card_number,
        "card_branch": person.card_branch,
        "name_kana": person.name_kana,
        "sex": person.sex,
        "birth_date": person.birth_date.isoformat(),
        "exam_date": "2025-06-10",
        "program": "010",
        "items": _items(),
    }
    body.update(overrides)
    return body


@pytest.fixture
def clinic_api(clinic_x_key):
    return key_client(clinic_x_key)


def test_stored_record_answers_levels(world, clinic_api, clinic_x) -> None:
    response = clinic_api.post(URL, _body(world.person_a), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    # waist 88 ≥ 85 (group A), BP mean 131 ≥ 130, fasting glucose 104 ≥ 100 → 2 risks → 積極的支援 (SPEC §2.4)
    assert data["guidance_level"] == {"code": 1, "label": "積極的支援"}
    assert data["metabolic_syndrome"] == {"code": 2, "label": "予備群該当"}
    assert data["warnings"] == []
    checkup = Checkup.objects.get(pk=data["id"])
    assert checkup.submitted_by_clinic == clinic_x
    assert checkup.items["9N016160100000001"]["unit"] == "cm"  # unit from the item table
    assert checkup.items["9N736000000000011"]["code_system"] == "1.2.392.200119.6.24060"  # answer OID
    assert checkup.items["9N511000000000049"]["author"] == "架空医師"


@pytest.mark.parametrize(
    ("overrides", "field", "code", "needle"),
    [
        ({"9N999000000000011": "1"}, "items[9N999000000000011]", "unknown_item_code", "9N999000000000011"),
        ({"9N736000000000011": "7"}, "items[9N736000000000011]", "answer_not_in_set", "'7'"),
        ({"9N141000000000011": None}, "items[3F015000002327101]", "meal_timing_required", "3F015000002327101"),
        ({"9N001000000000001": 17020}, "items[9N001000000000001]", "bad_format", "17020"),
    ],
)
def test_rejected_record_names_item_value_and_rule(world, clinic_api, overrides, field, code, needle) -> None:
    response = clinic_api.post(URL, _body(world.person_a, items=_items(**overrides)), format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    error = next(e for e in errors if e["code"] == code)
    assert error["field"] == field
    assert needle in error["message_ja"] and needle in error["message_en"]
    assert set(error) >= {"field", "code", "message_ja", "message_en"}
    assert not Checkup.objects.exists()


def test_shape_errors_use_the_same_error_list(world, clinic_api) -> None:
    body = _body(world.person_a, sex=3, birth_date="1970-13-01")
    del body["card_number"]
    response = clinic_api.post(URL, body, format="json")
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"sex", "birth_date", "card_number"} <= fields


def test_unknown_insurer_is_a_clear_400(world, clinic_api) -> None:
    response = clinic_api.post(URL, _body(world.person_a, insurer_number="01234567"), format="json")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["field"], error["code"]) == ("insurer_number", "unknown_insurer")
    assert "01234567" in error["message_ja"]


def test_future_exam_date_is_rejected(world, clinic_api) -> None:
    response = clinic_api.post(URL, _body(world.person_a, exam_date="2099-01-01"), format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "exam_date_in_future"


def test_unmatched_person_is_held_with_202(world, clinic_api) -> None:
    response = clinic_api.post(URL, _body(world.person_a, card_number="999999"), format="json")
    assert response.status_code == 202
    data = response.json()
    assert data["status"] == "held_for_review"
    assert HeldRecord.objects.get(pk=data["held"]).status == HeldRecord.Status.HELD
    # one neutral answer for the sender; the reason is for staff (issue #13)
    assert data["message_ja"] == "保険者の担当者の確認のため保留しました。確認が済むと取り込まれます"
    assert data["message_en"] == "Held for review by the insurer's staff; it is imported once they have checked it"
    assert "一致する加入者" in HeldRecord.objects.get(pk=data["held"]).reason_ja


def test_held_answer_does_not_tell_whether_the_card_exists(world, clinic_api) -> None:
    no_card = clinic_api.post(URL, _body(world.person_a, card_number="999999"), format="json").json()
    wrong_birth = clinic_api.post(URL, _body(world.person_a, birth_date="1970-01-02"), format="json").json()
    assert (no_card["status"], wrong_birth["status"]) == ("held_for_review", "held_for_review")
    assert {k: v for k, v in no_card.items() if k != "held"} == {k: v for k, v in wrong_birth.items() if k != "held"}
    staff_reasons = HeldRecord.objects.order_by("pk").values_list("reason_en", flat=True)
    assert list(staff_reasons) == [
        "no insured person with this card",
        "the card matches but the birth date or sex does not",
    ]
    assert not Checkup.objects.exists()


def test_idempotency_key_answers_the_first_result(world, clinic_api) -> None:
    first = clinic_api.post(URL, _body(world.person_a), format="json", HTTP_IDEMPOTENCY_KEY="abc")
    second = clinic_api.post(URL, _body(world.person_a), format="json", HTTP_IDEMPOTENCY_KEY="abc")
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert Checkup.objects.count() == 1  # another body with the key: tests/checkups/test_intake_idempotency.py


def test_rejected_request_does_not_use_up_the_key(world, clinic_api) -> None:
    bad = clinic_api.post(
        URL, _body(world.person_a, insurer_number="01234567"), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    good = clinic_api.post(URL, _body(world.person_a), format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert (bad.status_code, good.status_code) == (400, 201)


def test_clinic_reads_its_own_record_and_not_another_clinics(world, clinic_api, clinic_y_key) -> None:
    checkup_id = clinic_api.post(URL, _body(world.person_a), format="json").json()["id"]
    own = clinic_api.get(f"{URL}{checkup_id}/")
    assert own.status_code == 200
    assert own.json()["items"]["9N016160100000001"]["value"] == "88.0"
    assert own.json()["guidance_level"]["code"] == 1
    assert key_client(clinic_y_key).get(f"{URL}{checkup_id}/").status_code == 404


def test_staff_read_is_access_logged(world, clinic_api, staff_key_a) -> None:
    checkup_id = clinic_api.post(URL, _body(world.person_a), format="json").json()["id"]
    assert key_client(staff_key_a).get(f"{URL}{checkup_id}/").status_code == 200
    log = AccessLog.objects.get()
    assert (log.person_id, log.action, log.target) == (
        world.person_a.pk,
        AccessLog.Action.API_READ,
        f"checkup:{checkup_id}",
    )
    other = api_key("staff", insurer=world.insurer_b)
    assert key_client(other).get(f"{URL}{checkup_id}/").status_code == 404


def test_only_clinic_keys_may_post(world, staff_key_a) -> None:
    employer_key = api_key("employer", employer=EmployerFactory(insurer=world.insurer_a))
    for key in (staff_key_a, employer_key):
        assert key_client(key).post(URL, _body(world.person_a), format="json").status_code == 403


@pytest.mark.parametrize("header", [None, "Api-Key nope.nope", "Bearer x"])
def test_without_a_valid_key_nothing_is_stored(world, header) -> None:
    from rest_framework.test import APIClient

    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.post(URL, _body(world.person_a), format="json")
    assert response.status_code in (401, 403)
    assert not Checkup.objects.exists()


def test_value_types_are_checked(world, clinic_api) -> None:
    body = _body(world.person_a)
    body["items"] = [*copy.deepcopy(body["items"]), {"code": "9N001000000000001", "value": {"x": 1}}]
    response = clinic_api.post(URL, body, format="json")
    assert response.status_code == 400
    assert any(e["field"].startswith("items[") for e in response.json()["errors"])
