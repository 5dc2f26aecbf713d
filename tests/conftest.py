"""Named actors for every role (alice and bob are staff of two insurers, and so on)."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client
from rest_framework.test import APIClient

from members.models import InsuredPerson, Insurer

from .factories import ClinicFactory, InsurerFactory, PersonFactory, api_key, staff_user


@dataclass
class World:
    insurer_a: Insurer
    insurer_b: Insurer
    person_a: InsuredPerson
    person_b: InsuredPerson


@pytest.fixture
def world(db) -> World:
    insurer_a = InsurerFactory(number="06999999", name="A健保")
    insurer_b = InsurerFactory(number="06888888", name="B健保")
    return World(
        insurer_a=insurer_a,
        insurer_b=insurer_b,
        person_a=PersonFactory(insurer=insurer_a, card_number="111", birth_date=dt.date(1970, 1, 1)),
        person_b=PersonFactory(insurer=insurer_b, card_number="222", birth_date=dt.date(1971, 2, 2)),
    )


@pytest.fixture
def alice(world: World):
    return staff_user(world.insurer_a, "alice")


@pytest.fixture
def bob(world: World):
    return staff_user(world.insurer_b, "bob")


@pytest.fixture
def alice_client(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def alice_api(alice) -> APIClient:
    client = APIClient()
    client.force_authenticate(alice)
    return client


@pytest.fixture
def staff_key_a(world: World) -> str:
    return api_key("staff", insurer=world.insurer_a)


@pytest.fixture
def clinic_x(db):
    return ClinicFactory(number="9999999999", name="X健診クリニック")


@pytest.fixture
def clinic_y(db):
    return ClinicFactory(number="9999999998", name="Y健診センター")


@pytest.fixture
def clinic_x_key(clinic_x) -> str:
    return api_key("clinic", clinic=clinic_x)


@pytest.fixture
def clinic_y_key(clinic_y) -> str:
    return api_key("clinic", clinic=clinic_y)


def key_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client
