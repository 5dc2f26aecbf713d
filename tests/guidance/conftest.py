"""Fixtures of the guidance tests: guidance-level checkups, programmes, providers and their keys."""

import datetime as dt
from typing import Any

import pytest

from checkups.models import Checkup
from guidance.models import Programme
from guidance.services import programmes_sync_for_checkups
from members.models import GuidanceProvider, InsuredPerson
from tests.conftest import World
from tests.factories import CheckupFactory, PersonFactory

EXAM = dt.date(2025, 5, 12)
TODAY = dt.date(2026, 11, 26)


def make_checkup(person: InsuredPerson, *, level: int | None = 1, exam_date: dt.date = EXAM, **fields: Any) -> Checkup:
    """A stratified checkup of `person` (FY of the exam date, SPEC §1.1), 80 kg and 95 cm."""
    return CheckupFactory(person=person, exam_date=exam_date, guidance_level=level, **fields)


def make_programme(person: InsuredPerson, *, today: dt.date = TODAY, **checkup_fields: Any) -> Programme:
    checkup = make_checkup(person, **checkup_fields)
    programmes_sync_for_checkups(checkup_ids=[checkup.pk], today=today)
    return Programme.objects.get(checkup=checkup)


@pytest.fixture
def provider_p(world: World) -> GuidanceProvider:
    return world.provider_p


@pytest.fixture
def provider_q(world: World) -> GuidanceProvider:
    return world.provider_q


@pytest.fixture
def provider_p_key(world: World, provider_p: GuidanceProvider) -> str:
    return world.key(provider_p)


@pytest.fixture
def provider_q_key(world: World, provider_q: GuidanceProvider) -> str:
    return world.key(provider_q)


@pytest.fixture
def programme_a(world) -> Programme:
    """An intensive (積極的支援) programme of person_a (insurer A), exam 2025-05-12, weight 80 kg, waist 95 cm."""
    return make_programme(world.person_a)


@pytest.fixture
def persons_a(world) -> list[InsuredPerson]:
    return [PersonFactory(insurer=world.insurer_a) for _ in range(5)]
