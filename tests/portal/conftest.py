"""Builders for the self-service page tests: checkups with stored stratification, members with accounts."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from checkups.codes import Program, Source
from checkups.judgments import judge_row
from checkups.models import Checkup
from members.fiscal import age_at_fiscal_year_end, fiscal_year_of
from members.models import InsuredPerson
from portal.services import invitation_issue, invitation_redeem

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
    age = age_at_fiscal_year_end(person.birth_date, fiscal_year)
    judged = judge_row({**data, "fiscal_year": fiscal_year, "age_at_fy_end": age}, sex=person.sex)
    return Checkup.objects.create(
        person=person,
        insurer=person.insurer,
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
    client.force_login(member_a, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def client_b(member_b) -> Client:
    client = Client()
    client.force_login(member_b, backend="django.contrib.auth.backends.ModelBackend")
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
