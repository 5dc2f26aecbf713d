"""Guidance API: providers see their programmes, staff their insurers'; refusals name the rule."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from guidance.models import Programme
from guidance.services import programme_exclude, programmes_assign
from members.actors import actor_for_user
from members.models import AccessLog
from tests.conftest import key_client
from tests.factories import EmployerFactory, PersonFactory, api_key
from tests.guidance.conftest import make_programme

LIST = "/api/v1/guidance/programmes/"
TODAY = timezone.localdate()
EXAM = TODAY - dt.timedelta(days=200)
FINAL_DAY = EXAM + dt.timedelta(days=120)


def detail(programme: Programme) -> str:
    return f"{LIST}{programme.pk}/"


@pytest.fixture
def assigned(world, alice, provider_p) -> Programme:
    """person_a's intensive programme, assigned to provider P; exam 200 days ago (today's date, not a fixed one)."""
    programme = make_programme(world.person_a, exam_date=EXAM, today=TODAY)
    programmes_assign(programme_ids=[programme.pk], provider=provider_p, actor=actor_for_user(alice))
    return programme


def post_contact(client, programme: Programme, **body: object):
    return client.post(f"{detail(programme)}contacts/", body, format="json")


PLAN = {"goals": ["毎日30分歩く"], "support_plan": "月1回の面接と2週ごとのメール"}  # SPEC §5.2


def initial(day: dt.date = EXAM, **extra: Any) -> dict:
    return {"kind": "initial", "form": 1, "date": day.isoformat(), "minutes": 30, "action_plan": PLAN, **extra}


def final(weight: str, waist: str, **extra: Any) -> dict:
    body = {"kind": "final", "form": 2, "date": FINAL_DAY.isoformat(), "minutes": 20}
    return {**body, "weight_kg": weight, "waist_cm": waist, **extra}


def test_provider_lists_and_reads_its_programme(assigned, provider_p_key) -> None:
    client = key_client(provider_p_key)
    listing = client.get(LIST, {"checkup": assigned.checkup_id})
    assert listing.status_code == 200
    (item,) = listing.json()["results"]
    assert item["person"] == {
        "insurer_number": "06999999",
        "card_symbol": "10",
        "card_number": "111",
        "card_branch": "00",
        "name_kana": "テストタロウ",
        "sex": 1,
        "birth_date": "1970-01-01",
        "age_basis": 55,
    }
    assert (item["level"], item["status"], item["points"]) == (
        1,
        "not_started",
        {"outcome": 0, "process": 0, "total": 0},
    )
    body = client.get(detail(assigned)).json()
    assert set(body) >= {"id", "checkup", "person", "fiscal_year", "level", "status", "points", "lines", "completed_on"}
    # a provider's reads are in the person's access log (issue #15), named by the provider
    logs = AccessLog.objects.filter(person=assigned.person, action=AccessLog.Action.API_READ)
    assert set(logs.values_list("target", flat=True)) == {"programme:list", f"programme:{assigned.pk}"}
    assert set(logs.values_list("actor_label", "actor_role")) == {("P保健指導センター", "保健指導機関")}


def test_provider_cannot_read_another_providers_programme(assigned, provider_q_key) -> None:
    client = key_client(provider_q_key)
    assert client.get(detail(assigned)).status_code == 404
    assert post_contact(client, assigned, **initial()).status_code == 404
    assert client.get(LIST).json()["results"] == []


def test_staff_of_another_insurer_gets_404(assigned, bob) -> None:
    client = key_client(api_key("staff", insurer=bob.staff_memberships.get().insurer))
    assert client.get(detail(assigned)).status_code == 404


@pytest.mark.parametrize("kind", ["clinic", "employer"])
def test_clinic_and_employer_keys_are_forbidden(world, assigned, clinic_x, kind: str) -> None:
    target = {"clinic": clinic_x} if kind == "clinic" else {"employer": EmployerFactory(insurer=world.insurer_a)}
    assert key_client(api_key(kind, **target)).get(LIST).status_code == 403


def test_staff_read_is_access_logged(assigned, alice_api, staff_key_a) -> None:
    assert alice_api.get(detail(assigned)).status_code == 200
    assert key_client(staff_key_a).get(detail(assigned)).status_code == 200
    logs = AccessLog.objects.filter(person=assigned.person, action=AccessLog.Action.API_READ)
    assert logs.count() == 2
    assert set(logs.values_list("target", flat=True)) == {f"programme:{assigned.pk}"}


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        (initial(form=5), "form", "initial_interview_form"),  # telephone initial interview (SPEC §5.2)
        (initial(day=EXAM - dt.timedelta(days=1)), "date", "date_before_exam"),
        (initial(form=7), "form", "invalid_choice"),  # outside OID .24010
        ({"kind": "lunch", "form": 1, "date": EXAM.isoformat()}, "kind", "invalid_choice"),
    ],
)
def test_invalid_contact_answers_400_naming_the_rule(assigned, provider_p_key, body, field, code) -> None:
    response = post_contact(key_client(provider_p_key), assigned, **body)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"field": field, "code": code} in [{"field": e["field"], "code": e["code"]} for e in errors]
    assert all(e["message_ja"] and e["message_en"] for e in errors)
    assert not assigned.contacts.exists()


def test_final_before_three_months_is_refused(assigned, provider_p_key) -> None:
    client = key_client(provider_p_key)
    post_contact(client, assigned, **initial())
    early = {**final("78.0", "93.0"), "date": (EXAM + dt.timedelta(days=80)).isoformat()}
    response = post_contact(client, assigned, **early)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "final_before_three_months"


def _states(world, client, provider_p, alice) -> dict[str, Programme]:
    """One programme per state (SPEC §5.6), all through the API."""
    actor = actor_for_user(alice)
    programmes = {}
    for state in ["not_started", "in_progress", "completed", "dropped_out", "initial_incomplete", "motivational"]:
        level = 2 if state == "motivational" else 1
        programme = make_programme(PersonFactory(insurer=world.insurer_a), level=level, exam_date=EXAM, today=TODAY)
        programmes_assign(programme_ids=[programme.pk], provider=provider_p, actor=actor)
        programmes[state] = programme
    post_contact(client, programmes["in_progress"], **initial())
    post_contact(client, programmes["completed"], **initial())
    assert post_contact(client, programmes["completed"], **final("78.0", "93.0")).status_code == 201
    post_contact(client, programmes["dropped_out"], **initial())
    drop = {"reason": "declined", "date": (EXAM + dt.timedelta(days=30)).isoformat()}
    assert client.post(f"{detail(programmes['dropped_out'])}drop-out/", drop, format="json").status_code == 200
    post_contact(client, programmes["initial_incomplete"], **{**initial(), "kind": "initial_part1"})
    post_contact(client, programmes["motivational"], **initial())
    post_contact(client, programmes["motivational"], **final("80.0", "95.0"))  # no loss: still complete (§5.4)
    return programmes


@pytest.mark.parametrize(
    ("state", "status", "total", "completed"),
    [
        ("not_started", "not_started", 0, False),
        ("in_progress", "in_progress", 20, False),  # interview on the exam day: +20 (SPEC §5.5)
        ("completed", "completed", 200, True),  # 2 cm·2 kg: 180, +20
        ("dropped_out", "dropped_out", 20, False),
        ("initial_incomplete", "initial_incomplete", 20, False),
        ("motivational", "completed", 20, True),
    ],
)
def test_each_state_through_the_api(world, alice, provider_p, provider_p_key, state, status, total, completed) -> None:
    client = key_client(provider_p_key)
    programme = _states(world, client, provider_p, alice)[state]
    body = client.get(detail(programme)).json()
    assert (body["status"], body["points"]["total"]) == (status, total)
    assert (body["completed_on"] is not None) is completed
    assert sum(line["points"] for line in body["lines"]) == total
    assert client.get(LIST, {"status": status}).json()["count"] >= 1


def test_excluded_state_is_listed(world, assigned, alice, alice_api) -> None:
    assigned.refresh_from_db()  # the assignment bumped the version
    programme_exclude(
        programme=assigned,
        cause="medication_after_checkup",
        date=EXAM + dt.timedelta(days=5),
        actor=actor_for_user(alice),
    )
    body = alice_api.get(LIST, {"status": "excluded"}).json()
    assert [item["id"] for item in body["results"]] == [assigned.pk]


def test_contact_201_returns_the_programme_and_warnings(assigned, provider_p_key, provider_p) -> None:
    client = key_client(provider_p_key)
    response = post_contact(client, assigned, **initial())
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["version"]) == ("in_progress", 2)
    assert assigned.contacts.get().provider_id == provider_p.pk
    short = {"kind": "continuous", "form": 5, "date": (EXAM + dt.timedelta(days=10)).isoformat(), "minutes": 3}
    response = post_contact(client, assigned, **short)
    assert response.status_code == 201
    assert [w["code"] for w in response.json()["warnings"]] == ["minimum_minutes"]


def test_stale_version_answers_409(assigned, provider_p_key) -> None:
    client = key_client(provider_p_key)
    assert post_contact(client, assigned, **initial(version=1)).status_code == 201
    response = post_contact(client, assigned, **{**initial(), "kind": "continuous", "version": 1})
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "version_conflict"


def test_filters_and_pagination(world, alice_api) -> None:
    persons = [PersonFactory(insurer=world.insurer_a) for _ in range(53)]
    for person in persons:
        make_programme(person, exam_date=EXAM, today=TODAY)
    make_programme(world.person_a, exam_date=dt.date(2024, 6, 1), today=TODAY)
    first = alice_api.get(LIST).json()
    assert (first["count"], len(first["results"])) == (54, 50)
    assert first["next"] and "page=2" in first["next"]
    second = alice_api.get(first["next"]).json()
    assert (len(second["results"]), second["next"]) == (4, None)
    assert alice_api.get(LIST, {"fiscal_year": 2024}).json()["count"] == 1
    assert alice_api.get(LIST, {"card_number": "１１１"}).json()["count"] == 1  # full-width folded (SPEC §1.5)
    assert alice_api.get(LIST, {"status": "completed"}).json()["count"] == 0
