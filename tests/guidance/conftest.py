"""Fixtures of the guidance tests: guidance-level checkups, programmes, providers and their keys."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from checkups.models import Checkup
from guidance.models import Programme
from guidance.services import programmes_sync_for_checkups
from members.models import InsuredPerson
from tests.factories import GuidanceProviderFactory, PersonFactory, api_key

EXAM = dt.date(2025, 5, 12)
TODAY = dt.date(2026, 11, 26)


def make_checkup(person: InsuredPerson, *, level: int | None = 1, exam_date: dt.date = EXAM, **fields: Any) -> Checkup:
    """A stratified checkup of `person` (FY of the exam date, SPEC §1.1)."""
    fiscal_year = exam_date.year if exam_date.month >= 4 else exam_date.year - 1
    values: dict[str, Any] = {
        "person": person,
        "insurer": person.insurer,
        "exam_date": exam_date,
        "fiscal_year": fiscal_year,
        "age_at_fy_end": 55,
        "program": "010",
        "source": "clinic_api",
        "weight_kg": Decimal("80.0"),
        "waist_cm": Decimal("95.0"),
        "guidance_level": level,
    }
    values.update(fields)
    return Checkup.objects.create(**values)


def make_programme(person: InsuredPerson, *, today: dt.date = TODAY, **checkup_fields: Any) -> Programme:
    checkup = make_checkup(person, **checkup_fields)
    programmes_sync_for_checkups(checkup_ids=[checkup.pk], today=today)
    return Programme.objects.get(checkup=checkup)


@pytest.fixture
def provider_p(db):
    return GuidanceProviderFactory(number="2700000001", name="P保健指導センター")


@pytest.fixture
def provider_q(db):
    return GuidanceProviderFactory(number="2700000002", name="Q保健指導センター")


@pytest.fixture
def provider_p_key(provider_p) -> str:
    return api_key("guidance_provider", guidance_provider=provider_p)


@pytest.fixture
def provider_q_key(provider_q) -> str:
    return api_key("guidance_provider", guidance_provider=provider_q)


@pytest.fixture
def programme_a(world) -> Programme:
    """An intensive (積極的支援) programme of person_a (insurer A), exam 2025-05-12, weight 80 kg, waist 95 cm."""
    return make_programme(world.person_a)


@pytest.fixture
def persons_a(world) -> list[InsuredPerson]:
    return [PersonFactory(insurer=world.insurer_a) for _ in range(5)]
