"""Round-2 rules through the API and the services (issue #15): the error envelope naming rule, value and minimum,
the action plan, behaviour start dates, ranges, duplicates, the insurer's medication re-check (codes 1 and 2,
API and admin) and the recorded level decision (SPEC §5.2, §5.5, §5.6, §5.8)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from checkups.codes import Source
from checkups.models import Checkup, CheckupCorrection
from guidance.models import LevelDecisionRecord, MedicationRecheckRecord, Programme
from guidance.services import GuidanceRefused, programme_decide_level, programme_set_goals, programmes_assign
from intake.services import checkup_correct_item, checkup_store
from members.actors import actor_for_user
from tests.checkups.documents import document
from tests.conftest import key_client
from tests.guidance.conftest import make_programme

LIST = "/api/v1/guidance/programmes/"
TODAY = timezone.localdate()
EXAM = TODAY - dt.timedelta(days=200)
PLAN = {"goals": ["毎日30分歩く"], "support_plan": "月1回の面接と2週ごとのメール"}


def url(programme: Programme, tail: str = "") -> str:
    return f"{LIST}{programme.pk}/{tail}"


@pytest.fixture
def assigned(world, alice, provider_p) -> Programme:
    programme = make_programme(world.person_a, exam_date=EXAM, today=TODAY)
    programmes_assign(programme_ids=[programme.pk], provider=provider_p, actor=actor_for_user(alice))
    return programme


@pytest.fixture
def client(provider_p_key):
    return key_client(provider_p_key)


def post(client, programme: Programme, **body: object):
    return client.post(url(programme, "contacts/"), body, format="json")


def initial(**extra: object) -> dict:
    return {"kind": "initial", "form": 1, "date": EXAM.isoformat(), "minutes": 30, "action_plan": PLAN, **extra}


def final(day: dt.date, **extra: object) -> dict:
    body = {"kind": "final", "form": 2, "date": day.isoformat(), "minutes": 20, "weight_kg": "77.5"}
    return {**body, "waist_cm": "92.5", **extra}


FINAL_DAY = EXAM + dt.timedelta(days=120)


@pytest.mark.parametrize(
    ("body", "code", "field", "value", "english"),
    [
        (initial(minutes=19), "initial_interview_too_short", "minutes", 19, "19 min, below the minimum of 20 min"),
        (
            initial(form=3, minutes=79, participants=8),
            "initial_interview_too_short",
            "minutes",
            79,
            "79 min, below the minimum of 80 min",
        ),
        (initial(form=4, minutes=80, participants=9), "initial_group_too_large", "participants", 9, "at most 8"),
        (initial(form=3, minutes=80), "group_participants_required", "participants", None, "participants"),
        (
            initial(action_plan={"goals": ["歩く"]}),
            "action_plan_no_support_plan",
            "action_plan.support_plan",
            None,
            "planned support",
        ),
        (initial(weight_kg="300.1"), "measurement_out_of_range", "weight_kg", "300.1", "20–300 kg"),
    ],
)
def test_refusal_envelope_names_rule_value_and_minimum(assigned, client, body, code, field, value, english) -> None:
    response = post(client, assigned, **body)
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert set(error) == {"field", "code", "value", "message_ja", "message_en"}
    assert (error["code"], error["field"], error["value"]) == (code, field, value)
    assert english in error["message_en"] and error["message_ja"] != error["message_en"]
    assert not assigned.contacts.exists()


@pytest.mark.parametrize(("minutes", "status"), [(19, 400), (20, 201)])
def test_individual_19_and_20_minutes(assigned, client, minutes: int, status: int) -> None:
    assert post(client, assigned, **initial(minutes=minutes)).status_code == status


@pytest.mark.parametrize(("minutes", "people", "status"), [(79, 8, 400), (80, 8, 201), (80, 9, 400), (80, 1, 201)])
def test_group_80_minutes_and_8_people(assigned, client, minutes: int, people: int, status: int) -> None:
    assert post(client, assigned, **initial(form=3, minutes=minutes, participants=people)).status_code == status


def test_split_interview_sums_part_one_and_two(world, alice, provider_p, client) -> None:
    programme = make_programme(world.person_a, exam_date=EXAM, today=TODAY)
    programmes_assign(programme_ids=[programme.pk], provider=provider_p, actor=actor_for_user(alice))
    part1 = {"kind": "initial_part1", "form": 1, "date": EXAM.isoformat(), "minutes": 12}
    assert post(client, programme, **part1).status_code == 201
    part2 = {"kind": "initial_part2", "form": 2, "date": (EXAM + dt.timedelta(days=9)).isoformat(), "minutes": 7}
    response = post(client, programme, **part2, action_plan=PLAN)
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["code"], error["value"]) == ("initial_interview_too_short", 7)
    assert "19 min" in error["message_en"]
    assert post(client, programme, **{**part2, "minutes": 8}, action_plan=PLAN).status_code == 201


def test_final_waist_999_is_refused(assigned, client) -> None:
    assert post(client, assigned, **initial()).status_code == 201
    response = post(client, assigned, **final(FINAL_DAY, waist_cm="999"))
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["code"], error["field"], error["value"]) == ("measurement_out_of_range", "waist_cm", "999.0")
    assert Programme.objects.get(pk=assigned.pk).status == "in_progress"


@pytest.mark.parametrize(("waist", "status"), [("39.9", 400), ("40.0", 201), ("250.0", 201), ("250.1", 400)])
def test_waist_at_the_range_limits(assigned, client, waist: str, status: int) -> None:
    assert post(client, assigned, **initial()).status_code == 201
    support = {"kind": "continuous", "form": 1, "date": (EXAM + dt.timedelta(days=30)).isoformat(), "minutes": 20}
    assert post(client, assigned, **support, waist_cm=waist).status_code == status


def test_identical_contact_twice_is_refused(assigned, client) -> None:
    assert post(client, assigned, **initial()).status_code == 201
    support = {"kind": "continuous", "form": 5, "date": (EXAM + dt.timedelta(days=30)).isoformat(), "minutes": 10}
    assert post(client, assigned, **support).status_code == 201
    response = post(client, assigned, **support)
    assert response.status_code == 400
    assert [e["code"] for e in response.json()["errors"]] == ["duplicate_contact"]
    assert assigned.contacts.count() == 2
    assert client.get(url(assigned)).json()["points"]["process"] == 20 + 30  # early bonus + one telephone


def test_action_plan_is_stored_and_required_to_complete(world, alice, provider_p, client) -> None:
    programme = make_programme(world.person_a, level=2, exam_date=EXAM, today=TODAY)
    programmes_assign(programme_ids=[programme.pk], provider=provider_p, actor=actor_for_user(alice))
    assert post(client, programme, **initial(action_plan=None)).status_code == 201
    body = post(client, programme, **final(FINAL_DAY)).json()
    assert (body["status"], body["next_action"]["code"]) == ("in_progress", "action_plan_missing")
    assert "action_plan_missing" in [line["rule"] for line in body["lines"]]
    programme.refresh_from_db()
    programme_set_goals(programme=programme, actor=actor_for_user(alice), behaviour_goals=["間食を減らす"])
    programme.refresh_from_db()
    assert (programme.status, programme.completed_on) == ("completed", FINAL_DAY)


def test_action_plan_sent_at_the_interview_becomes_the_programmes(assigned, client) -> None:
    assert post(client, assigned, **initial()).status_code == 201
    assigned.refresh_from_db()
    assert (assigned.behaviour_goals, assigned.support_plan, assigned.action_plan_on) == (
        PLAN["goals"],
        PLAN["support_plan"],
        EXAM,
    )
    assert assigned.contacts.get().action_plan == PLAN


@pytest.mark.parametrize(
    ("changes", "outcome", "warnings"),
    [
        ([{"category": "diet", "since": (FINAL_DAY - dt.timedelta(days=70)).isoformat()}], 20, []),
        (["diet"], 0, ["behaviour_without_start_date"]),  # a bare string is accepted and earns nothing
        ([{"category": "diet", "since": None}], 0, ["behaviour_without_start_date"]),
        (
            [{"category": "diet", "since": (FINAL_DAY - dt.timedelta(days=20)).isoformat()}],
            0,
            ["behaviour_not_sustained"],
        ),
    ],
)
def test_behaviour_changes_with_start_dates(assigned, client, changes, outcome: int, warnings: list[str]) -> None:
    assert post(client, assigned, **initial()).status_code == 201
    response = post(client, assigned, **final(FINAL_DAY, weight_kg="80.0", waist_cm="95.0", behaviour_changes=changes))
    assert response.status_code == 201
    assert response.json()["points"]["outcome"] == outcome
    assert [w["code"] for w in response.json()["warnings"]] == warnings


def test_behaviour_since_not_a_date_is_a_400(assigned, client) -> None:
    post(client, assigned, **initial())
    response = post(client, assigned, **final(FINAL_DAY, behaviour_changes=[{"category": "diet", "since": "10/10"}]))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "behaviour_changes[0]"


# ---------------------------------------------------------------- insurer re-check of medication (SPEC §5.6)


@pytest.fixture
def stored(world, alice) -> Programme:
    """An intensive programme from a complete stored checkup (male, 55, waist 88, BP 131 mean, glucose 104)."""
    checkup, _ = checkup_store(
        person=world.person_a, document=document(world.person_a, exam_date=EXAM), source=Source.CLINIC_API
    )
    assert (checkup.guidance_level, checkup.medication_excluded) == (1, False)
    return Programme.objects.get(checkup=checkup)


def test_recheck_code_1_rejudges_the_checkup_and_the_programme_leaves(stored, alice_api, alice) -> None:
    body = {"code": 1, "medication": "blood_pressure", "date": (EXAM + dt.timedelta(days=10)).isoformat()}
    response = alice_api.post(url(stored, "medication-recheck/"), body, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["excluded_cause"]) == ("excluded", "medication_at_checkup")
    checkup = Checkup.objects.get(pk=stored.checkup_id)
    assert (checkup.med_blood_pressure, checkup.med_reconfirmed) == (1, 1)
    assert (checkup.guidance_level, checkup.medication_excluded) == (3, True)  # 情報提供, 服薬中 (SPEC §2.5a)
    assert set(CheckupCorrection.objects.filter(checkup=checkup).values_list("item_code", flat=True)) == {
        "9N701000000000011",
        "9N702167200000049",
    }
    record = MedicationRecheckRecord.objects.get()
    assert (record.code, record.medication, record.recorded_by) == (1, "blood_pressure", alice)
    assert Programme.objects.filter(pk=stored.pk).exists()  # kept as the trace, out of the targets


def test_recheck_code_2_makes_the_programme_excluded(stored, alice_api) -> None:
    body = {"code": 2, "medication": "lipids", "date": (EXAM + dt.timedelta(days=10)).isoformat()}
    response = alice_api.post(url(stored, "medication-recheck/"), body, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["excluded_cause"]) == ("excluded", "medication_after_checkup")
    checkup = Checkup.objects.get(pk=stored.checkup_id)
    assert (checkup.med_reconfirmed, checkup.guidance_level, checkup.medication_excluded) == (2, 1, False)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"code": 3, "medication": "lipids"}, "recheck_code_unknown"),
        ({"code": 2, "medication": "aspirin"}, "invalid_choice"),
    ],
)
def test_recheck_refuses_unknown_codes(stored, alice_api, body: dict, code: str) -> None:
    response = alice_api.post(url(stored, "medication-recheck/"), {**body, "date": EXAM.isoformat()}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == code


def test_recheck_is_staff_only(stored, alice, provider_p, provider_p_key) -> None:
    programmes_assign(programme_ids=[stored.pk], provider=provider_p, actor=actor_for_user(alice))
    body = {"code": 2, "medication": "lipids", "date": EXAM.isoformat()}
    assert key_client(provider_p_key).post(url(stored, "medication-recheck/"), body, format="json").status_code == 403


def test_recheck_from_the_admin(stored, alice_client) -> None:
    stored.refresh_from_db()
    path = reverse("admin:guidance_programme_close", args=[stored.pk])
    body = {"outcome": "recheck:1:glucose", "date": EXAM.isoformat(), "version": stored.version}
    assert alice_client.post(path, body).status_code == 302
    stored.refresh_from_db()
    assert (stored.status, stored.excluded_cause) == ("excluded", "medication_at_checkup")
    assert Checkup.objects.get(pk=stored.checkup_id).med_glucose == 1


# ---------------------------------------------------------------- level change after a correction (SPEC §5.6)


def test_a_correction_that_changes_a_started_programmes_level_is_never_silent(stored, alice, alice_api) -> None:
    assert alice_api.post(url(stored, "contacts/"), initial(), format="json").status_code == 201
    checkup = Checkup.objects.get(pk=stored.checkup_id)
    checkup_correct_item(checkup=checkup, item_code="3D010000001926101", value="95", reason="転記誤り", user=alice)
    assert Checkup.objects.get(pk=checkup.pk).guidance_level == 2  # one risk left: 動機付け支援
    body = alice_api.get(url(stored)).json()
    assert (body["level"], body["next_action"]["code"]) == (1, "level_decision_required")  # not changed silently
    with pytest.raises(GuidanceRefused):
        programme_decide_level(
            programme=Programme.objects.get(pk=stored.pk), decision="later", actor=actor_for_user(alice)
        )
    response = alice_api.post(url(stored, "level-decision/"), {"decision": "switch"}, format="json")
    assert response.status_code == 200
    assert (response.json()["level"], response.json()["next_action"]["code"]) == (2, "contact_overdue")
    assert len(response.json()["contacts"]) == 1  # the contacts are kept
    record = LevelDecisionRecord.objects.get()
    assert (record.decision, record.previous_level, record.new_level, record.decided_by) == ("switch", 1, 2, alice)
    again = alice_api.post(url(stored, "level-decision/"), {"decision": "keep"}, format="json")
    assert again.status_code == 400 and again.json()["errors"][0]["code"] == "no_level_change"


def test_a_correction_to_no_guidance_level_asks_staff_to_keep_or_end(stored, alice, alice_api) -> None:
    alice_api.post(url(stored, "contacts/"), initial(), format="json")
    checkup = Checkup.objects.get(pk=stored.checkup_id)
    checkup_correct_item(checkup=checkup, item_code="9N016160100000001", value="80", reason="転記誤り", user=alice)
    assert Checkup.objects.get(pk=checkup.pk).guidance_level == 3  # waist 80, BMI 24.9: 情報提供 (SPEC §2.4)
    body = alice_api.get(url(stored)).json()
    assert (body["level"], body["next_action"]["code"]) == (1, "level_decision_required")  # SPEC §5.6
    switch = alice_api.post(url(stored, "level-decision/"), {"decision": "switch"}, format="json")
    assert switch.status_code == 400 and switch.json()["errors"][0]["code"] == "no_level_to_switch_to"
    keep = alice_api.post(url(stored, "level-decision/"), {"decision": "keep"}, format="json")
    assert (keep.status_code, keep.json()["level"], keep.json()["next_action"]["code"]) == (200, 1, "contact_overdue")
    record = LevelDecisionRecord.objects.get()
    assert (record.decision, record.previous_level, record.new_level, record.checkup_guidance_level) == (
        "keep",
        1,
        1,
        3,
    )


def test_keep_records_the_decision_and_stops_asking(stored, alice, alice_api) -> None:
    alice_api.post(url(stored, "contacts/"), initial(), format="json")
    checkup = Checkup.objects.get(pk=stored.checkup_id)
    checkup_correct_item(checkup=checkup, item_code="3D010000001926101", value="95", reason="転記誤り", user=alice)
    response = alice_api.post(url(stored, "level-decision/"), {"decision": "keep", "note": "支援継続"}, format="json")
    assert (response.json()["level"], response.json()["next_action"]["code"]) == (1, "contact_overdue")
    assert LevelDecisionRecord.objects.get().note == "支援継続"
