"""Staff work list and programme page in the admin: scoped, access-logged, contacts validated by the rules."""

import datetime as dt

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from guidance.models import Programme
from members.models import AccessLog
from tests.factories import PersonFactory
from tests.guidance.conftest import make_programme

WORK_LIST = reverse("admin:guidance_programme_changelist")
TODAY = timezone.localdate()
EXAM = TODAY - dt.timedelta(days=200)


def change_url(programme: Programme) -> str:
    return reverse("admin:guidance_programme_change", args=[programme.pk])


@pytest.fixture
def programmes(world) -> list[Programme]:
    return [make_programme(PersonFactory(insurer=world.insurer_a), exam_date=EXAM, today=TODAY) for _ in range(3)]


@pytest.mark.parametrize(
    "query",
    [{}, {"status": "not_started"}, {"next": "overdue"}, {"next": "initial_interview_not_held"}, {"staff": "none"}],
)
def test_work_list_with_filters(programmes, alice_client, query: dict) -> None:
    response = alice_client.get(WORK_LIST, {**query, "fiscal_year__exact": "all"})
    assert response.status_code == 200
    content = response.content.decode()
    if query.get("next") != "overdue":
        assert "初回面接未実施" in content
        assert "あと180" in content  # how many points are missing (SPEC §5.5)


def test_change_page_shows_timeline_chart_and_lines_and_logs_access(programmes, alice_client) -> None:
    programme = programmes[0]
    contact = {"kind": "initial", "form": "1", "date": EXAM.isoformat(), "minutes": "30", "version": "0"}
    response = alice_client.post(reverse("admin:guidance_programme_contact", args=[programme.pk]), contact)
    assert response.status_code == 302
    page = alice_client.get(change_url(programme))
    assert page.status_code == 200
    content = page.content.decode()
    assert "early_interview_exam_day" in content  # the points line (SPEC §5.7)
    assert "programme-trend-chart" in content and "chart.umd.min.js" in content
    assert "初回面接" in content
    assert AccessLog.objects.filter(person=programme.person, action=AccessLog.Action.ADMIN_VIEW).count() == 1


def test_refused_contact_names_the_rule(programmes, alice_client) -> None:
    programme = programmes[0]
    contact = {"kind": "initial", "form": "5", "date": EXAM.isoformat(), "minutes": "30", "version": "0"}
    response = alice_client.post(reverse("admin:guidance_programme_contact", args=[programme.pk]), contact)
    assert response.status_code == 400
    assert "initial_interview_form" in response.content.decode()
    assert not programme.contacts.exists()


def test_drop_out_from_the_page(programmes, alice_client) -> None:
    programme = programmes[0]
    body = {"outcome": "dropout:declined", "date": (EXAM + dt.timedelta(days=1)).isoformat(), "version": "0"}
    assert alice_client.post(reverse("admin:guidance_programme_close", args=[programme.pk]), body).status_code == 302
    programme.refresh_from_db()
    assert programme.status == "dropped_out"


def test_other_insurer_programme_is_404(world, bob) -> None:
    programme = make_programme(world.person_a, exam_date=EXAM, today=TODAY)
    client = Client()
    client.force_login(bob)
    assert client.get(change_url(programme)).status_code == 404
    assert client.post(reverse("admin:guidance_programme_contact", args=[programme.pk]), {}).status_code == 404
    assert not AccessLog.objects.exists()


def test_assign_action_with_intermediate_page(programmes, alice, alice_client, provider_p) -> None:
    ids = [str(p.pk) for p in programmes[:2]]
    body = {"action": "assign_action", ACTION_CHECKBOX_NAME: ids}
    page = alice_client.post(WORK_LIST, body)
    assert page.status_code == 200
    assert "割り当てる" in page.content.decode()
    done = alice_client.post(WORK_LIST, {**body, "apply": "1", "staff": alice.pk, "provider": provider_p.pk})
    assert done.status_code == 302
    assigned = Programme.objects.filter(assigned_staff=alice, provider=provider_p)
    assert sorted(str(pk) for pk in assigned.values_list("pk", flat=True)) == sorted(ids)


def test_set_equivalent_action(world, alice_client) -> None:
    flagged = make_programme(world.person_a, exam_date=EXAM, today=TODAY, consecutive_intensive_eligible=True)
    body = {"action": "set_equivalent_action", ACTION_CHECKBOX_NAME: [str(flagged.pk)]}
    assert alice_client.post(WORK_LIST, body).status_code == 302
    flagged.refresh_from_db()
    assert flagged.level == 3


def test_goals_saved_through_the_change_form(programmes, alice, alice_client) -> None:
    programme = programmes[0]
    body = {
        "target_weight_kg": "76.0",
        "target_waist_cm": "91.0",
        "planned_outcome": "2",
        "behaviour_goals": "夕食後の間食をやめる\n\n 1日8000歩歩く ",
        "assigned_staff": str(alice.pk),
        "provider": "",
    }
    assert alice_client.post(change_url(programme), body).status_code == 302
    programme.refresh_from_db()
    assert (str(programme.target_weight_kg), programme.behaviour_goals, programme.assigned_staff) == (
        "76.0",
        ["夕食後の間食をやめる", "1日8000歩歩く"],
        alice,
    )


def test_overdue_filter_finds_a_programme_without_contact_for_60_days(programmes, alice_client) -> None:
    from guidance.services import programmes_refresh

    programme = programmes[0]
    contact = {"kind": "initial", "form": "1", "date": EXAM.isoformat(), "minutes": "30", "version": "0"}
    alice_client.post(reverse("admin:guidance_programme_contact", args=[programme.pk]), contact)
    programmes_refresh(programme_ids=[programme.pk], today=TODAY)
    response = alice_client.get(WORK_LIST, {"next": "overdue", "fiscal_year__exact": "all"})
    assert response.context["cl"].result_count == 1
    assert "60日以上支援なし" in response.content.decode()


def test_work_list_opens_on_the_current_fiscal_year(world, alice_client) -> None:
    old = make_programme(PersonFactory(insurer=world.insurer_a), exam_date=TODAY - dt.timedelta(days=800), today=TODAY)
    new = make_programme(PersonFactory(insurer=world.insurer_a), exam_date=TODAY, today=TODAY)
    shown = {p.pk for p in alice_client.get(WORK_LIST).context["cl"].result_list}
    assert shown == {new.pk}
    every = {p.pk for p in alice_client.get(WORK_LIST, {"fiscal_year__exact": "all"}).context["cl"].result_list}
    assert every == {old.pk, new.pk}
