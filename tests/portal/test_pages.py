"""Pages of the self-service page: own records only (404 otherwise), no-store, staff see nothing, data download."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from checkups.codes import Program
from guidance.codes import ContactForm, ContactKind, ProgrammeLevel, ProgrammeStatus
from guidance.models import Contact
from members.actors import ActorKind, actor_for_user
from members.audit import access_log_record
from members.auth_backend import BACKEND
from members.models import AccessLog
from portal.models import SelfMeasurement

from ..factories import ContactFactory, PersonFactory, ProgrammeFactory, staff_user
from .conftest import PASSWORD, make_checkup, make_member

pytestmark = pytest.mark.django_db

PAGES = ["portal:me", "portal:checkups", "portal:guidance", "portal:employer", "portal:access_log",
         "portal:download", "portal:download_print", "portal:download_csv"]  # fmt: skip


@pytest.mark.parametrize("name", PAGES)
def test_every_page_is_no_store(client_a: Client, name: str) -> None:
    response = client_a.get(reverse(name))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("name", ["portal:login", "portal:register", *PAGES])
def test_anonymous_gets_login_or_form_never_data(client: Client, name: str) -> None:
    response = client.get(reverse(name))
    assert "no-store" in response["Cache-Control"]
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        target = reverse("portal:login") if name == "portal:home" else f"{reverse('portal:login')}?next="
        assert response["Location"].startswith(target)  # after login, back to the page (issue #18)


@pytest.mark.parametrize("name", PAGES)
def test_staff_session_sees_nothing(alice_client: Client, name: str) -> None:
    assert alice_client.get(reverse(name)).status_code == 403


def test_staff_cannot_use_the_member_login(alice, world) -> None:
    response = Client().post(reverse("portal:login"), {"username": "alice", "password": "correct-horse-battery"})
    assert response.status_code == 200
    assert "_auth_user_id" not in response.wsgi_request.session


def test_login_and_logout(member_a) -> None:
    client = Client()
    response = client.post(reverse("portal:login"), {"username": "hanako", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("portal:me")
    assert client.get(reverse("portal:me")).status_code == 200
    client.post(reverse("portal:logout"))
    assert client.get(reverse("portal:me")).status_code == 302


def test_year_report_shows_values_next_to_standards(client_a: Client, world) -> None:
    make_checkup(world.person_a, dt.date(2025, 6, 1), ldl=Decimal("165"))
    body = client_a.get(reverse("portal:checkup_year", args=[2025])).content.decode()
    assert "LDLコレステロール" in body and "165" in body
    assert "120 mg/dl 以上" in body and "140 mg/dl 以上" in body
    assert "受診勧奨判定値" in body and "診断ではありません" in body
    assert "130 mmHg" in body  # systolic mean of 128 and 132


def test_another_persons_year_and_log_entry_are_404(client_a: Client, client_b: Client, world) -> None:
    make_checkup(world.person_b, dt.date(2025, 6, 1))
    entry = SelfMeasurement.objects.create(person=world.person_b, measured_on=dt.date(2026, 1, 5), weight_kg=70)
    assert client_a.get(reverse("portal:checkup_year", args=[2025])).status_code == 404
    assert client_b.get(reverse("portal:checkup_year", args=[2025])).status_code == 200
    response = client_a.post(reverse("portal:self_log_delete", args=[entry.public_id]))
    assert response.status_code == 404
    assert SelfMeasurement.objects.filter(pk=entry.pk).exists()


def test_add_and_delete_own_weight_entry(client_a: Client, world) -> None:
    response = client_a.post(reverse("portal:self_log_add"), {"measured_on": "2026-11-01", "weight_kg": "73.4"})
    assert response.status_code == 302
    entry = SelfMeasurement.objects.get(person=world.person_a)
    assert entry.weight_kg == Decimal("73.4") and entry.waist_cm is None
    assert not Contact.objects.exists()  # kept apart from the provider's measurements
    client_a.post(reverse("portal:self_log_delete", args=[entry.public_id]))
    assert not SelfMeasurement.objects.exists()


@pytest.mark.parametrize(
    "data",
    [{"measured_on": "2026-11-01"}, {"measured_on": "2026-11-01", "weight_kg": "5"}, {"measured_on": "2999-01-01",
                                                                                       "weight_kg": "70"}],
)  # fmt: skip
def test_bad_entries_are_refused(client_a: Client, data: dict) -> None:
    assert client_a.post(reverse("portal:self_log_add"), data).status_code == 400
    assert not SelfMeasurement.objects.exists()


def test_guidance_page_explains_level_points_and_goal(client_a: Client, world) -> None:
    checkup = make_checkup(world.person_a, dt.date(2025, 6, 1))
    assert checkup.guidance_level == 1  # waist 88 (A) + BP 130 + TG 160 + HbA1c 5.7: three risks
    programme = ProgrammeFactory(
        checkup=checkup, person=world.person_a, insurer=world.insurer_a, fiscal_year=2025,
        level=ProgrammeLevel.INTENSIVE, status=ProgrammeStatus.IN_PROGRESS, process_points=70, total_points=70,
        initial_on=dt.date(2025, 7, 1), behaviour_goals=["毎日8000歩歩く"],
    )  # fmt: skip
    ContactFactory(programme=programme, kind=ContactKind.INITIAL, form=ContactForm.INDIVIDUAL_IN_PERSON,
                   date=dt.date(2025, 7, 1), minutes=30, note="STAFF-ONLY-NOTE")  # fmt: skip
    body = client_a.get(reverse("portal:guidance")).content.decode()
    assert "積極的支援" in body
    assert "おなかまわり" in body and "収縮期血圧" in body  # why, in plain words
    assert "毎日8000歩歩く" in body and "初回面接" in body
    assert "STAFF-ONLY-NOTE" not in body
    assert "70 ポイント" in body
    assert "75.0 kg × 0.024 = 1.8" in body  # SPEC §5.5: 1.800 kg/cm for this person, exact
    assert "73.2 kg 以下" in body and "86.2 cm 以下" in body  # the goal in kg and cm (issue #18)


def test_employer_checkup_under_40_is_listed(world) -> None:
    young = PersonFactory(insurer=world.insurer_a, birth_date=dt.date(1995, 5, 5))
    make_checkup(young, dt.date(2025, 10, 1), program=Program.EMPLOYER_CHECKUP)
    client = Client()
    client.force_login(make_member(young, "young"), backend=BACKEND)
    body = client.get(reverse("portal:employer")).content.decode()
    assert reverse("portal:checkup_year", args=[2025]) in body


@pytest.mark.parametrize(
    ("show_names", "expected", "hidden"), [(True, "Alice Sato", "看護師"), (False, "看護師", "Alice")]
)
def test_access_log_shows_names_or_roles(client_a: Client, world, show_names: bool, expected: str, hidden: str) -> None:
    world.insurer_a.show_staff_names_to_members = show_names
    world.insurer_a.save()
    nurse = staff_user(world.insurer_a, "alice", job_title="看護師")
    nurse.first_name, nurse.last_name = "Alice", "Sato"
    nurse.save()
    access_log_record(actor=actor_for_user(nurse), person_ids=[world.person_a.pk],
                      action=AccessLog.Action.ADMIN_VIEW, target="checkup:1")  # fmt: skip
    access_log_record(actor=actor_for_user(nurse), person_ids=[world.person_b.pk] if False else [],
                      action=AccessLog.Action.ADMIN_VIEW, target="x")  # fmt: skip
    body = client_a.get(reverse("portal:access_log")).content.decode()
    assert expected in body and hidden not in body
    assert "管理画面で閲覧" in body


def test_access_log_lists_only_own_rows(client_a: Client, world, bob) -> None:
    access_log_record(actor=actor_for_user(bob), person_ids=[world.person_b.pk], action=AccessLog.Action.EXPORT,
                      target="x")  # fmt: skip
    assert "ファイル出力" not in client_a.get(reverse("portal:access_log")).content.decode()


def test_csv_download_has_own_values_only(client_a: Client, world) -> None:
    make_checkup(world.person_a, dt.date(2024, 6, 1), hba1c=Decimal("6.6"))
    make_checkup(world.person_b, dt.date(2024, 6, 2), hba1c=Decimal("9.9"))
    response = client_a.get(reverse("portal:download_csv"))
    text = response.content.decode("utf-8-sig")
    assert response["Content-Disposition"] == 'attachment; filename="my-health-data.csv"'
    assert "2024,2024-06-01,特定健診,HbA1c,6.6,%,受診勧奨判定値,5.6 % 以上,6.5 % 以上" in text
    assert "9.9" not in text


def test_english_is_available(client_a: Client) -> None:
    client_a.post("/i18n/setlang/", {"language": "en", "next": "/me/"})
    body = client_a.get(reverse("portal:me")).content.decode()
    assert 'lang="en"' in body and "My checkups" in body and "Log out" in body


def test_english_report_and_notes(client_a: Client, world) -> None:
    make_checkup(world.person_a, dt.date(2025, 6, 1), hba1c=Decimal("6.8"))
    client_a.post("/i18n/setlang/", {"language": "en", "next": "/me/"})
    body = client_a.get(reverse("portal:checkup_year", args=[2025])).content.decode()
    assert "Referral level" in body and "6.5 % or more" in body and "not a diagnosis" in body
    assert "Why this level" in client_a.get(reverse("portal:guidance")).content.decode()


def test_person_actor_kind(member_a) -> None:
    assert actor_for_user(member_a).kind == ActorKind.PERSON


def test_no_phi_in_urls(client_a: Client, world) -> None:
    make_checkup(world.person_a, dt.date(2025, 6, 1))
    body = client_a.get(reverse("portal:checkups")).content.decode()
    for href in [part.split('"')[0] for part in body.split('href="')[1:]]:
        assert world.person_a.card_number not in href
        assert world.person_a.birth_date.isoformat() not in href
