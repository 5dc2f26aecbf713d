"""Guidance write paths: programme sync from checkups, contacts with optimistic locking, drop-out, exclusion."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from checkups.models import Checkup
from guidance.codes import ExclusionCause, ProgrammeLevel, ProgrammeStatus
from guidance.models import Contact, Programme
from guidance.services import (
    ContactRefused,
    GuidanceRefused,
    ProgrammeVersionConflict,
    contact_add,
    programme_drop_out,
    programme_evaluate,
    programme_exclude,
    programme_set_equivalent_level,
    programme_set_goals,
    programmes_assign,
    programmes_refresh,
    programmes_sync_for_checkups,
)
from members.actors import actor_for_user
from tests.factories import PersonFactory
from tests.guidance.conftest import EXAM, TODAY, make_checkup

PLAN = {"goals": ["間食を週2回までにする"], "support_plan": "月1回の個別支援"}  # the action plan, SPEC §5.2
INITIAL = {"kind": "initial", "form": 1, "date": EXAM + dt.timedelta(days=3), "minutes": 30, "action_plan": PLAN}


def final(day: dt.date, weight: str = "78.0", waist: str = "93.0", **extra: Any) -> dict:
    return {"kind": "final", "form": 1, "date": day, "minutes": 20, "weight_kg": weight, "waist_cm": waist, **extra}


@pytest.mark.parametrize(
    ("fields", "level"),
    [
        ({"level": 1}, ProgrammeLevel.INTENSIVE),
        ({"level": 2}, ProgrammeLevel.MOTIVATIONAL),
        ({"level": 3}, None),  # 情報提供
        ({"level": 4}, None),  # 判定不能
        ({"level": None}, None),  # not stratified yet
        ({"level": 2, "medication_excluded": True}, None),  # SPEC §2.5a
        ({"level": 2, "age_at_fy_end": 39}, None),  # SPEC §1.3
        ({"level": 2, "age_at_fy_end": 40}, ProgrammeLevel.MOTIVATIONAL),
        ({"level": 2, "age_at_fy_end": 74}, ProgrammeLevel.MOTIVATIONAL),
        ({"level": 2, "age_at_fy_end": 75}, None),
        ({"level": 1, "counts_for_fiscal_year": False}, None),
    ],
)
def test_sync_creates_a_programme_only_for_guidance_targets(world, fields: dict, level: int | None) -> None:
    checkup = make_checkup(world.person_a, **fields)
    created = programmes_sync_for_checkups(checkup_ids=[checkup.pk], today=TODAY)
    programme = Programme.objects.filter(checkup=checkup).first()
    assert created == (1 if level else 0)
    assert (programme.level if programme else None) == level
    if programme:
        assert programme.status == ProgrammeStatus.NOT_STARTED
        assert programme.fiscal_year == 2025  # the checkup's fiscal year (SPEC §5.1)
        assert programme.next_action == "initial_interview_not_held"
        assert (programme.person_id, programme.insurer_id) == (world.person_a.pk, world.insurer_a.pk)


def test_sync_is_idempotent_and_set_based(world, django_assert_max_num_queries) -> None:
    persons = [PersonFactory(insurer=world.insurer_a) for _ in range(60)]
    ids = [make_checkup(p, level=1 + i % 3).pk for i, p in enumerate(persons)]
    with django_assert_max_num_queries(12):  # no query per person
        assert programmes_sync_for_checkups(checkup_ids=iter(ids), today=TODAY) == 40
    stamps = dict(Programme.objects.values_list("pk", "updated_at"))
    assert programmes_sync_for_checkups(checkup_ids=ids, today=TODAY) == 0
    assert Programme.objects.count() == 40
    assert dict(Programme.objects.values_list("pk", "updated_at")) == stamps  # nothing rewritten


def test_sync_follows_a_corrected_level_until_the_programme_starts(world, programme_a) -> None:
    checkup = programme_a.checkup
    Checkup.objects.filter(pk=checkup.pk).update(guidance_level=2)
    programmes_sync_for_checkups(checkup_ids=[checkup.pk], today=TODAY)
    programme_a.refresh_from_db()
    assert programme_a.level == ProgrammeLevel.MOTIVATIONAL
    assert programme_a.version == 1

    Checkup.objects.filter(pk=checkup.pk).update(guidance_level=3)
    programmes_sync_for_checkups(checkup_ids=[checkup.pk], today=TODAY)
    assert not Programme.objects.filter(pk=programme_a.pk).exists()


def test_sync_keeps_a_started_programme(world, programme_a, alice) -> None:
    contact_add(programme=programme_a, data=INITIAL, actor=actor_for_user(alice), today=TODAY)
    Checkup.objects.filter(pk=programme_a.checkup_id).update(guidance_level=3)
    programmes_sync_for_checkups(checkup_ids=[programme_a.checkup_id], today=TODAY)
    programme_a.refresh_from_db()
    assert (programme_a.level, programme_a.status) == (ProgrammeLevel.INTENSIVE, ProgrammeStatus.IN_PROGRESS)


def test_equivalent_level_survives_resync(world, alice) -> None:
    checkup = make_checkup(world.person_a, consecutive_intensive_eligible=True)
    programmes_sync_for_checkups(checkup_ids=[checkup.pk], today=TODAY)
    programme = Programme.objects.get(checkup=checkup)
    programme_set_equivalent_level(programme=programme, actor=actor_for_user(alice), today=TODAY)
    programmes_sync_for_checkups(checkup_ids=[checkup.pk], today=TODAY)
    programme.refresh_from_db()
    assert programme.level == ProgrammeLevel.MOTIVATIONAL_EQUIVALENT
    assert programme.evaluation["missing_points"] == 0  # completes like 動機付け支援 (SPEC §5.4)


def test_equivalent_level_needs_the_flag(programme_a, alice) -> None:
    with pytest.raises(GuidanceRefused) as refused:
        programme_set_equivalent_level(programme=programme_a, actor=actor_for_user(alice), today=TODAY)
    assert refused.value.violations[0].rule == "equivalent_not_eligible"


def test_contact_moves_the_programme_and_completes_at_2cm_2kg(programme_a, alice) -> None:
    actor = actor_for_user(alice)
    contact_add(programme=programme_a, data=INITIAL, actor=actor, today=TODAY)
    assert (programme_a.status, programme_a.process_points, programme_a.version) == ("in_progress", 10, 1)
    assert programme_a.initial_on == INITIAL["date"]
    contact = contact_add(programme=programme_a, data=final(dt.date(2025, 8, 15)), actor=actor, today=TODAY)
    assert contact.staff_id == alice.pk
    assert (programme_a.status, programme_a.total_points) == (ProgrammeStatus.COMPLETED, 190)
    assert programme_a.completed_on == dt.date(2025, 8, 15)
    rules = [line["rule"] for line in programme_a.evaluation["lines"]]
    assert "outcome_2cm_2kg" in rules
    assert {line["contact"] for line in programme_a.evaluation["lines"]} <= set(
        Contact.objects.filter(programme=programme_a).values_list("pk", flat=True)
    )


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        ({**INITIAL, "form": 5}, "initial_interview_form"),  # telephone (SPEC §5.2)
        ({**INITIAL, "form": 6}, "initial_interview_form"),  # email/chat
        ({**INITIAL, "date": EXAM - dt.timedelta(days=1)}, "date_before_exam"),
        ({**INITIAL, "date": TODAY + dt.timedelta(days=1)}, "date_in_future"),
        ({"kind": "continuous", "form": 1, "date": EXAM, "minutes": 30}, "contact_before_initial"),
    ],
)
def test_refused_contact_stores_nothing(programme_a, alice, data: dict, rule: str) -> None:
    with pytest.raises(ContactRefused) as refused:
        contact_add(programme=programme_a, data=data, actor=actor_for_user(alice), today=TODAY)
    assert rule in [v.rule for v in refused.value.violations]
    programme_a.refresh_from_db()
    assert (programme_a.version, programme_a.contacts.count()) == (0, 0)  # the version bump rolled back


def test_final_three_months_minus_one_day_is_refused(programme_a, alice) -> None:
    actor = actor_for_user(alice)
    contact_add(programme=programme_a, data=INITIAL, actor=actor, today=TODAY)
    with pytest.raises(ContactRefused) as refused:
        contact_add(programme=programme_a, data=final(dt.date(2025, 8, 14)), actor=actor, today=TODAY)
    assert [v.rule for v in refused.value.violations] == ["final_before_three_months"]


def test_two_editors_cannot_lose_an_update(programme_a, alice) -> None:
    actor = actor_for_user(alice)
    first, second = Programme.objects.get(pk=programme_a.pk), Programme.objects.get(pk=programme_a.pk)
    contact_add(programme=first, data=INITIAL, actor=actor, today=TODAY)
    support = {"kind": "continuous", "form": 1, "date": dt.date(2025, 6, 1), "minutes": 30}
    with pytest.raises(ProgrammeVersionConflict):
        contact_add(programme=second, data=support, actor=actor, today=TODAY)  # read version 0, now 1
    second.refresh_from_db()
    contact_add(programme=second, data=support, actor=actor, expected_version=1, today=TODAY)
    assert Contact.objects.filter(programme=programme_a).count() == 2


def test_short_contact_is_recorded_with_a_warning(programme_a, alice) -> None:
    actor = actor_for_user(alice)
    contact_add(programme=programme_a, data=INITIAL, actor=actor, today=TODAY)
    short = {"kind": "continuous", "form": 5, "date": dt.date(2025, 6, 1), "minutes": 4}
    contact = contact_add(programme=programme_a, data=short, actor=actor, today=TODAY)
    assert [w.rule for w in contact.rule_warnings] == ["minimum_minutes"]
    assert programme_a.process_points == 10  # bonus only: 4 min telephone earns nothing (SPEC §5.5)


def test_drop_out_and_exclusion(world, programme_a, alice) -> None:
    actor = actor_for_user(alice)
    contact_add(programme=programme_a, data=INITIAL, actor=actor, today=TODAY)
    programme_drop_out(programme=programme_a, reason="unreachable", date=dt.date(2025, 9, 1), actor=actor, today=TODAY)
    assert (programme_a.status, programme_a.next_action) == (ProgrammeStatus.DROPPED_OUT, "none")
    with pytest.raises(GuidanceRefused):
        programme_drop_out(programme=programme_a, reason="declined", date=dt.date(2025, 9, 2), actor=actor, today=TODAY)

    other = make_checkup(PersonFactory(insurer=world.insurer_a))
    programmes_sync_for_checkups(checkup_ids=[other.pk], today=TODAY)
    programme = Programme.objects.get(checkup=other)
    with pytest.raises(GuidanceRefused) as refused:  # .24030 needs guidance to have begun
        programme_exclude(
            programme=programme, cause=ExclusionCause.MEDICATION_AFTER_GUIDANCE_START, date=EXAM, actor=actor
        )
    assert refused.value.violations[0].rule == "exclusion_before_guidance"
    programme_exclude(
        programme=programme,
        cause=ExclusionCause.MEDICATION_AFTER_CHECKUP,
        date=dt.date(2025, 7, 1),
        actor=actor,
        today=TODAY,
    )
    assert programme.status == ProgrammeStatus.EXCLUDED


def test_assign_in_bulk_only_within_the_staff_insurer(world, alice, bob, provider_p) -> None:
    mine = [make_checkup(PersonFactory(insurer=world.insurer_a)) for _ in range(3)]
    theirs = make_checkup(world.person_b)
    programmes_sync_for_checkups(checkup_ids=[c.pk for c in [*mine, theirs]], today=TODAY)
    ids = list(Programme.objects.values_list("pk", flat=True))
    assert programmes_assign(programme_ids=ids, staff=alice, actor=actor_for_user(alice)) == 3
    assert programmes_assign(programme_ids=ids, staff=bob, actor=actor_for_user(alice)) == 0  # bob is of B
    assert programmes_assign(programme_ids=ids, provider=provider_p, actor=actor_for_user(alice)) == 3
    assert Programme.objects.filter(provider=provider_p, assigned_staff=alice).count() == 3


def test_refresh_moves_next_action_with_the_date(programme_a, alice) -> None:
    contact_add(programme=programme_a, data=INITIAL, actor=actor_for_user(alice), today=EXAM + dt.timedelta(days=3))
    assert programme_a.next_action == "final_evaluation_due"
    assert programmes_refresh(programme_ids=[programme_a.pk], today=dt.date(2025, 8, 1)) == 1  # > 60 days
    programme_a.refresh_from_db()
    assert programme_a.next_action == "contact_overdue"
    assert programmes_refresh(programme_ids=[programme_a.pk], today=dt.date(2025, 8, 1)) == 0


def test_evaluate_uses_the_corrected_exam_values(programme_a, alice) -> None:
    actor = actor_for_user(alice)
    contact_add(programme=programme_a, data=INITIAL, actor=actor, today=TODAY)
    contact_add(programme=programme_a, data=final(dt.date(2025, 8, 15), "78.6", "93.6"), actor=actor, today=TODAY)
    assert programme_a.status == ProgrammeStatus.IN_PROGRESS  # 1.4 kg at 80 kg: 20 points only
    Checkup.objects.filter(pk=programme_a.checkup_id).update(weight_kg=Decimal("80.6"), waist_cm=Decimal("95.6"))
    programme_evaluate(programme=programme_a, today=TODAY)
    assert programme_a.status == ProgrammeStatus.COMPLETED


def test_goals(programme_a, alice) -> None:
    programme_set_goals(
        programme=programme_a,
        actor=actor_for_user(alice),
        target_weight_kg=Decimal("76.0"),
        target_waist_cm=Decimal("91.0"),
        planned_outcome=2,
        behaviour_goals=["diet"],
    )
    programme_a.refresh_from_db()
    assert (programme_a.target_weight_kg, programme_a.behaviour_goals, programme_a.version) == (
        Decimal("76.0"),
        ["diet"],
        1,
    )
