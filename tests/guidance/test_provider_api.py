"""The guidance provider's side (issue #15): a provider walks a programme end to end through the API only, reads
what it needs (person, baseline, targets, action plan, contacts with points, earliest final evaluation, next
action), filters its day's list, sees only its own programmes, and every read is in the person's access log."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from checkups.codes import Source
from guidance.contacts import final_evaluation_earliest
from guidance.models import Programme
from guidance.services import programmes_assign
from intake.services import checkup_store
from members.actors import Actor, ActorKind, actor_for_user
from members.models import AccessLog
from portal.selectors import access_rows
from tests.checkups.documents import document
from tests.conftest import key_client
from tests.factories import PersonFactory
from tests.guidance.conftest import make_programme

LIST = "/api/v1/guidance/programmes/"
TODAY = timezone.localdate()
EXAM = TODAY - dt.timedelta(days=150)
PLAN = {"goals": ["毎日30分歩く", "夕食後の間食をやめる"], "support_plan": "月1回の個別面接と隔週の電話"}


@pytest.fixture
def programme(world, alice, provider_p) -> Programme:
    """積極的支援 from a complete stored checkup: male, 55, 72.0 kg, waist 88.0, BP and glucose risks."""
    checkup, _ = checkup_store(
        person=world.person_a, document=document(world.person_a, exam_date=EXAM), source=Source.CLINIC_API
    )
    programme = Programme.objects.get(checkup=checkup)
    programmes_assign(programme_ids=[programme.pk], provider=provider_p, actor=actor_for_user(alice))
    return programme


def test_a_provider_walks_a_programme_end_to_end_through_the_api(programme, provider_p_key, world) -> None:
    client = key_client(provider_p_key)
    listing = client.get(LIST, {"status": "not_started", "fiscal_year": programme.fiscal_year}).json()
    assert [item["id"] for item in listing["results"]] == [programme.pk]
    url = f"{LIST}{programme.pk}/"

    body = client.get(url).json()
    assert body["person"] == {
        "insurer_number": "06999999",
        "card_symbol": "10",
        "card_number": "111",
        "card_branch": "00",
        "name_kana": world.person_a.name_kana,
        "sex": 1,
        "birth_date": "1970-01-01",
        "age_basis": programme.checkup.age_at_fy_end,
    }
    baseline = body["baseline"]
    assert (baseline["exam_date"], baseline["weight_kg"], baseline["waist_cm"]) == (EXAM.isoformat(), "72.0", "88.0")
    assert baseline["level"] == {"code": 1, "label": "積極的支援"}
    assert (baseline["group"], baseline["risks"]["blood_pressure"], baseline["risks"]["glucose"]) == ("A", True, True)
    assert baseline["risks"]["lipids"] is False
    assert baseline["medication"] == {"blood_pressure": 2, "glucose": 2, "lipids": 2, "reconfirmed": None}
    assert baseline["explanation_ja"] and baseline["explanation_en"]
    targets = body["targets"]  # 72.0 × 0.024 = 1.728 < 2: the 0.024 row applies, recorded as 1.8 (SPEC §5.5)
    assert targets["two_cm_two_kg"] == {"change": "2", "weight_kg": "70.0", "waist_cm": "86.0"}
    assert targets["row_0024"] == {
        "change": "1.8",
        "weight_kg": "70.2",
        "waist_cm": "86.2",
        "exam_weight_x_0024": "1.728",
    }
    assert (targets["applies"], targets["reach_180"]) == ("row_0024", {"weight_kg": "70.2", "waist_cm": "86.2"})
    assert targets["one_cm_one_kg"] == {"weight_kg": "71.0", "waist_cm": "87.0"}
    assert body["next_action"]["code"] == "initial_interview_not_held"
    assert (body["final_evaluation_earliest"], body["contacts"]) == (None, [])

    start = EXAM + dt.timedelta(days=3)
    interview = {"kind": "initial", "form": 2, "date": start.isoformat(), "minutes": 30, "action_plan": PLAN}
    assert client.post(f"{url}contacts/", interview, format="json").status_code == 201
    body = client.get(url).json()
    earliest = final_evaluation_earliest(start)
    assert body["action_plan"] == {**PLAN, "set_on": start.isoformat()}
    assert body["final_evaluation_earliest"] == earliest.isoformat()
    # the interview is back-dated: more than 60 days ago, so the provider is reminded to get in touch (SPEC §5.6)
    assert (body["status"], body["next_action"]["code"]) == ("in_progress", "contact_overdue")
    (initial,) = body["contacts"]
    assert (initial["points"], [line["rule"] for line in initial["lines"]]) == (
        10,
        ["early_interview_within_week", "no_contact_points"],
    )

    contacts = [
        {"kind": "continuous", "form": 2, "date": (start + dt.timedelta(days=30)).isoformat(), "minutes": 20},
        {"kind": "continuous", "form": 5, "date": (start + dt.timedelta(days=45)).isoformat(), "minutes": 10},
        {"kind": "interim", "form": 6, "date": (start + dt.timedelta(days=60)).isoformat(), "weight_kg": "71.0"},
    ]
    for contact in contacts:
        assert client.post(f"{url}contacts/", contact, format="json").status_code == 201
    final = {
        "kind": "final",
        "form": 2,
        "date": earliest.isoformat(),
        "minutes": 20,
        "weight_kg": "70.2",
        "waist_cm": "86.2",
        "behaviour_changes": [{"category": "exercise", "since": (start + dt.timedelta(days=5)).isoformat()}],
    }
    response = client.post(f"{url}contacts/", final, format="json")
    assert response.status_code == 201, response.json()
    body = client.get(url).json()
    assert (body["status"], body["completed_on"], body["next_action"]["code"]) == (
        "completed",
        earliest.isoformat(),
        "none",
    )
    assert body["points"] == {"outcome": 200, "process": 140, "total": 340}  # 180 + exercise 20; 10+70+30+30
    assert [c["points"] for c in body["contacts"]] == [10, 70, 30, 30, 200]
    assert [item["id"] for item in client.get(LIST, {"status": "completed"}).json()["results"]] == [programme.pk]

    # every read is in the person's access log, and the person sees the provider by name
    logs = AccessLog.objects.filter(person=world.person_a, actor_role="保健指導機関")
    assert logs.filter(target=f"programme:{programme.pk}").count() == 3 + 5  # 3 reads, 5 writes answered
    assert logs.filter(target="programme:list").count() == 2
    person = Actor(kind=ActorKind.PERSON, person_id=world.person_a.pk)
    assert {row.who for row in access_rows(actor=person, person=world.person_a)} >= {"P保健指導センター(保健指導機関)"}


def test_another_providers_programme_is_a_404_and_not_listed(programme, provider_q_key) -> None:
    client = key_client(provider_q_key)
    assert client.get(f"{LIST}{programme.pk}/").status_code == 404
    assert client.get(LIST).json()["count"] == 0
    assert not AccessLog.objects.exists()


@pytest.fixture
def day_list(world, alice, provider_p, provider_q) -> dict[str, Programme]:
    """Programmes of provider P in different states and due dates (and one of provider Q)."""
    actor = actor_for_user(alice)
    made: dict[str, Programme] = {}
    for name, exam in [("old", TODAY - dt.timedelta(days=400)), ("mid", TODAY - dt.timedelta(days=150)),
                       ("new", TODAY - dt.timedelta(days=20)), ("other", TODAY - dt.timedelta(days=150))]:  # fmt: skip
        made[name] = make_programme(PersonFactory(insurer=world.insurer_a), exam_date=exam, today=TODAY)
    programmes_assign(programme_ids=[made[n].pk for n in ("old", "mid", "new")], provider=provider_p, actor=actor)
    programmes_assign(programme_ids=[made["other"].pk], provider=provider_q, actor=actor)
    return made


def _start(client, programme: Programme, days_after_exam: int) -> dt.date:
    programme.refresh_from_db()
    start = programme.checkup.exam_date + dt.timedelta(days=days_after_exam)
    body = {"kind": "initial", "form": 1, "date": start.isoformat(), "minutes": 30, "action_plan": PLAN}
    assert client.post(f"{LIST}{programme.pk}/contacts/", body, format="json").status_code == 201
    return final_evaluation_earliest(start)


def test_filters_for_the_providers_day(day_list, provider_p_key) -> None:
    client = key_client(provider_p_key)
    mid_final = _start(client, day_list["mid"], 10)
    new_final = _start(client, day_list["new"], 1)

    def ids(**params: Any) -> list[int]:
        return [item["id"] for item in client.get(LIST, params).json()["results"]]

    assert set(ids()) == {day_list[n].pk for n in ("old", "mid", "new")}
    assert ids(status="not_started") == [day_list["old"].pk]
    assert ids(final_due_before=mid_final.isoformat()) == [day_list["mid"].pk]
    assert ids(final_due_before=(mid_final - dt.timedelta(days=1)).isoformat()) == []
    assert set(ids(final_due_before=new_final.isoformat())) == {day_list["mid"].pk, day_list["new"].pk}
    assert ids(next_action_due_before=mid_final.isoformat()) == [day_list["mid"].pk]
    old_fy = day_list["old"].fiscal_year
    assert ids(fiscal_year=old_fy) == [day_list["old"].pk]
    # ordered by due date: the earliest next action first, programmes without one last
    assert ids() == [day_list["mid"].pk, day_list["new"].pk, day_list["old"].pk]


def test_a_bad_date_filter_is_a_400_in_the_envelope(day_list, provider_p_key) -> None:
    response = key_client(provider_p_key).get(LIST, {"final_due_before": "next week"})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["field"], error["code"], error["value"]) == ("final_due_before", "date", "next week")
    assert error["message_ja"] and error["message_en"]


def test_list_is_paginated(world, alice, provider_p, provider_p_key) -> None:
    programmes = [
        make_programme(PersonFactory(insurer=world.insurer_a), exam_date=EXAM, today=TODAY) for _ in range(51)
    ]
    programmes_assign(programme_ids=[p.pk for p in programmes], provider=provider_p, actor=actor_for_user(alice))
    client = key_client(provider_p_key)
    first = client.get(LIST).json()
    assert (first["count"], len(first["results"]), first["next"] is not None) == (51, 50, True)
    assert len(client.get(first["next"]).json()["results"]) == 1


def _with_contacts(world, alice, provider_p, count: int) -> None:
    actor = actor_for_user(alice)
    for _ in range(count):
        programme = make_programme(PersonFactory(insurer=world.insurer_a), exam_date=EXAM, today=TODAY)
        programmes_assign(programme_ids=[programme.pk], provider=provider_p, actor=actor)


@pytest.mark.parametrize("count", [1, 6])
def test_list_queries_are_pinned(world, alice, provider_p, provider_p_key, django_assert_num_queries, count) -> None:
    _with_contacts(world, alice, provider_p, count)
    client = key_client(provider_p_key)
    # key, count, page with its joins, contacts, the provider's name for the log, the log rows
    with django_assert_num_queries(6):
        assert client.get(LIST).json()["count"] == count


def test_detail_queries_are_pinned(programme, provider_p_key, django_assert_num_queries) -> None:
    client = key_client(provider_p_key)
    with django_assert_num_queries(5):  # key, programme with its joins, contacts, provider name, log row
        assert client.get(f"{LIST}{programme.pk}/").status_code == 200


def test_targets_without_the_0024_row(world, alice, provider_p, provider_p_key) -> None:
    """At 90 kg, × 0.024 = 2.16 ≥ 2: the 2 cm・2 kg row applies."""
    programme = make_programme(world.person_a, exam_date=EXAM, today=TODAY, weight_kg=Decimal("90.0"))
    programmes_assign(programme_ids=[programme.pk], provider=provider_p, actor=actor_for_user(alice))
    targets = key_client(provider_p_key).get(f"{LIST}{programme.pk}/").json()["targets"]
    assert (targets["applies"], targets["reach_180"]) == ("two_cm_two_kg", {"weight_kg": "88.0", "waist_cm": "93.0"})
    assert targets["row_0024"]["exam_weight_x_0024"] == "2.16"
