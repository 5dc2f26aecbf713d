"""Issue #13: a clinic follows up what it sent — GET /api/v1/uploads/, GET /api/v1/checkups/?exam_date_from=…,
GET /api/v1/held/{id}/ — only its own (another clinic's id answers 404), with pinned query counts."""

import datetime as dt

import pytest

from checkups.models import HeldRecord
from members.models import AccessLog
from tests.checkups.test_api_checkups import _body
from tests.conftest import key_client
from tests.factories import PersonFactory


@pytest.fixture
def sent(world, clinic_x_key, clinic_y_key):
    """Clinic X sent three records (two people, one unknown card → held); clinic Y one."""
    x, y = key_client(clinic_x_key), key_client(clinic_y_key)
    other = PersonFactory(insurer=world.insurer_a, card_number="333", birth_date=dt.date(1968, 5, 5))
    ids = {
        "x_june": x.post("/api/v1/checkups/", _body(world.person_a, exam_date="2025-06-10"), format="json"),
        "x_sept": x.post("/api/v1/checkups/", _body(other, exam_date="2025-09-01"), format="json"),
        "x_held": x.post("/api/v1/checkups/", _body(world.person_a, card_number="999999"), format="json"),
        "y_july": y.post("/api/v1/checkups/", _body(other, exam_date="2025-07-01"), format="json"),
    }
    assert [r.status_code for r in ids.values()] == [201, 201, 202, 201], [r.json() for r in ids.values()]
    return {name: r.json().get("id") or r.json().get("held") for name, r in ids.items()}


def test_checkup_list_is_own_records_newest_first_with_date_filter(world, sent, clinic_x_key) -> None:
    client = key_client(clinic_x_key)
    rows = client.get("/api/v1/checkups/").json()["results"]
    assert [r["id"] for r in rows] == [sent["x_sept"], sent["x_june"]]  # not clinic Y's record
    first = rows[0]
    assert set(first) == {
        "id", "insurer_number", "card_symbol", "card_number", "card_branch", "exam_date", "program",
        "guidance_level", "status",
    }  # fmt: skip
    assert first["card_number"] == "333" and first["exam_date"] == "2025-09-01"
    assert first["guidance_level"] == {"code": 1, "label": "積極的支援"}
    assert first["status"] == "not_counted"  # clinic Y's earlier exam of the same person counts (SPEC §6.1)
    assert rows[1]["status"] == "counted"
    june = client.get("/api/v1/checkups/", {"exam_date_from": "2025-06-01", "exam_date_to": "2025-06-30"}).json()
    assert [r["id"] for r in june["results"]] == [sent["x_june"]]


def test_staff_reading_the_list_is_in_the_persons_access_log(world, sent, staff_key_a) -> None:
    before = AccessLog.objects.filter(person=world.person_a).count()
    rows = key_client(staff_key_a).get("/api/v1/checkups/").json()["results"]
    assert len(rows) == 3  # the insurer's records, whoever sent them
    assert AccessLog.objects.filter(person=world.person_a, target="checkup-list").count() == before + 1


def test_checkup_list_refuses_a_bad_date_in_the_envelope(world, clinic_x_key) -> None:
    response = key_client(clinic_x_key).get("/api/v1/checkups/", {"exam_date_from": "2025-13-01"})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["field"] == "exam_date_from" and error["message_ja"] and error["message_en"]


def test_upload_list_is_own_uploads_newest_first_with_filters(world, sent, clinic_x_key, clinic_y_key) -> None:
    client = key_client(clinic_x_key)
    rows = client.get("/api/v1/uploads/").json()["results"]
    assert len(rows) == 3
    assert [r["id"] for r in rows] == sorted((r["id"] for r in rows), reverse=True)
    assert "records" not in rows[0] and set(rows[0]["summary"]) == {"accepted", "rejected", "held"}
    assert len(key_client(clinic_y_key).get("/api/v1/uploads/").json()["results"]) == 1
    today = dt.date.today().isoformat()
    assert len(client.get("/api/v1/uploads/", {"created_from": today, "status": "done"}).json()["results"]) == 3
    assert client.get("/api/v1/uploads/", {"created_to": "2000-01-01"}).json()["results"] == []


def test_held_status_without_the_reason_and_only_for_its_sender(world, sent, clinic_x_key, clinic_y_key) -> None:
    body = key_client(clinic_x_key).get(f"/api/v1/held/{sent['x_held']}/").json()
    assert body["status"] == "held" and body["checkup"] is None
    assert not {"reason", "reason_ja", "reason_en", "message_ja", "document"} & set(body)
    assert key_client(clinic_y_key).get(f"/api/v1/held/{sent['x_held']}/").status_code == 404
    HeldRecord.objects.filter(pk=sent["x_held"]).update(status=HeldRecord.Status.REJECTED)
    assert key_client(clinic_x_key).get(f"/api/v1/held/{sent['x_held']}/").json()["status"] == "rejected"


@pytest.mark.parametrize(
    ("path", "queries"),
    [("/api/v1/checkups/", 3), ("/api/v1/uploads/", 3), ("/api/v1/held/{held}/", 2)],  # key, count, page
)
def test_follow_up_query_counts_are_pinned(world, sent, clinic_x_key, django_assert_num_queries, path, queries):
    client = key_client(clinic_x_key)
    with django_assert_num_queries(queries):
        assert client.get(path.format(held=sent["x_held"])).status_code == 200
