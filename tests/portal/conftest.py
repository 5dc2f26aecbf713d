"""Builders for the self-service page tests: checkups with stored stratification, members with accounts."""

import datetime as dt
import os
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from checkups.codes import Program, Source
from checkups.judgments import judge_row
from checkups.models import Checkup
from guidance.codes import ContactForm, ContactKind, ProgrammeLevel, ProgrammeStatus
from members.actors import actor_for_user
from members.age_basis import age_basis
from members.audit import access_log_record
from members.auth_backend import BACKEND
from members.fiscal import fiscal_year_of
from members.models import AccessLog, InsuredPerson
from portal.models import SelfMeasurement
from portal.services import invitation_issue, invitation_redeem

from ..browser.chromium import PHONE, chromium
from ..factories import CheckupFactory, ClinicFactory, ContactFactory, ProgrammeFactory, staff_user

PASSWORD = "Kenshin-portal-2026!"
BASE_VALUES: dict[str, Any] = {
    "height_cm": Decimal("170.0"),
    "weight_kg": Decimal("75.0"),
    "waist_cm": Decimal("88.0"),
    "systolic_1": Decimal("128"),
    "systolic_2": Decimal("132"),
    "diastolic_1": Decimal("82"),
    "diastolic_2": Decimal("84"),
    "meal_timing": 2,
    "triglycerides_fasting": Decimal("160"),
    "hdl": Decimal("45"),
    "ldl": Decimal("145"),
    "glucose_fasting": Decimal("98"),
    "hba1c": Decimal("5.7"),
    "ast": Decimal("25"),
    "alt": Decimal("33"),
    "ggt": Decimal("60"),
    "egfr": Decimal("72.0"),
    "hemoglobin": Decimal("14.5"),
    "urine_protein": 1,
    "smoking": 3,
    "med_blood_pressure": 2,
    "med_glucose": 2,
    "med_lipids": 2,
}


def make_checkup(person: InsuredPerson, exam_date: dt.date, program: str = Program.SPECIFIC_CHECKUP, **values: Any):
    """A checkup with the level and explanation the real stratification gives for these values."""
    data = {**BASE_VALUES, **values}
    fiscal_year = fiscal_year_of(exam_date)
    age = age_basis(person.birth_date, fiscal_year)
    judged = judge_row({**data, "fiscal_year": fiscal_year, "age_at_fy_end": age}, sex=person.sex)
    return CheckupFactory(
        person=person,
        exam_date=exam_date,
        fiscal_year=fiscal_year,
        age_at_fy_end=age,
        program=program,
        source=Source.EMPLOYER if program == Program.EMPLOYER_CHECKUP else Source.CLINIC_API,
        counts_for_fiscal_year=program == Program.SPECIFIC_CHECKUP,
        **{k: v for k, v in {**data, **judged}.items() if hasattr(Checkup, k)},
    )


def make_member(person: InsuredPerson, username: str, password: str = PASSWORD):
    issued = invitation_issue(person=person, created_by=None)
    return invitation_redeem(code=issued.code, birth_date=person.birth_date, username=username, password=password)


@pytest.fixture
def member_a(world):
    return make_member(world.person_a, "hanako")


@pytest.fixture
def member_b(world):
    return make_member(world.person_b, "jiro")


@pytest.fixture
def client_a(member_a) -> Client:
    client = Client()
    client.force_login(member_a, backend=BACKEND)
    return client


@pytest.fixture
def client_b(member_b) -> Client:
    client = Client()
    client.force_login(member_b, backend=BACKEND)
    return client


HELP_DESK = {"help_desk_name": "けんぽ相談室", "help_desk_phone": "03-1111-2222", "help_desk_hours": "平日 9:00〜17:00"}


@pytest.fixture
def help_desks(world):
    """Both insurers have a help desk: nobody's may be shown to someone not logged in."""
    for insurer, phone in ((world.insurer_a, HELP_DESK["help_desk_phone"]), (world.insurer_b, "06-9999-8888")):
        for field, value in {**HELP_DESK, "help_desk_phone": phone}.items():
            setattr(insurer, field, value)
        insurer.save()
    return world


def rich_history(world) -> None:
    """One person with everything a page can show: results at every level (a referral value, an urgent blood
    pressure), an employer checkup, a programme in progress, an own log in kg and cm, a staff read."""
    world.insurer_a.name = "架空健康保険組合"
    for field, value in HELP_DESK.items():
        setattr(world.insurer_a, field, value)
    world.insurer_a.save()
    person = world.person_a
    clinic = ClinicFactory(name="架空健診センター")
    make_checkup(person, dt.date(2024, 6, 3), weight_kg=Decimal("78.0"))
    latest = make_checkup(person, dt.date(2025, 6, 2), ldl=Decimal("174"), systolic_1=Decimal("162"),
                          systolic_2=Decimal("160"), non_hdl=Decimal("180"), med_blood_pressure=1)  # fmt: skip
    latest.clinic = clinic
    latest.save()
    make_checkup(person, dt.date(2025, 10, 1), program="030")
    programme = ProgrammeFactory(
        checkup=latest, person=person, insurer=person.insurer, fiscal_year=2025, level=ProgrammeLevel.INTENSIVE,
        status=ProgrammeStatus.IN_PROGRESS, initial_on=dt.date(2025, 7, 1), behaviour_goals=["毎日8000歩歩く"],
    )  # fmt: skip
    ContactFactory(programme=programme, kind=ContactKind.INITIAL, form=ContactForm.INDIVIDUAL_IN_PERSON,
                   date=dt.date(2025, 7, 1), minutes=30)  # fmt: skip
    for day, kg, cm in ((dt.date(2025, 8, 1), "74.2", "87.0"), (dt.date(2025, 9, 1), "73.8", None)):
        SelfMeasurement.objects.create(person=person, measured_on=day, weight_kg=Decimal(kg),
                                       waist_cm=None if cm is None else Decimal(cm))  # fmt: skip
    nurse = staff_user(world.insurer_a, "nurse", job_title="保健師")
    access_log_record(actor=actor_for_user(nurse), person_ids=[person.pk], action=AccessLog.Action.ADMIN_VIEW,
                      target="checkup:1")  # fmt: skip


# --- browser tests (Playwright + Debian's chromium) ----------------------------------------------------------------
# Playwright's sync API runs an event loop in this thread; the ORM calls in the tests are still sequential.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    try:
        with chromium() as launched:
            yield launched
    except RuntimeError as missing:
        pytest.fail(str(missing))


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    context = browser.new_context(viewport=PHONE, locale="ja-JP", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base = live_server.url
    yield page
    context.close()
