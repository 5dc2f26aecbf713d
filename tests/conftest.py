"""Named actors for every role (alice and bob are staff of two insurers, and so on), all parts of one `World`."""

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from members.models import Clinic, GuidanceProvider, InsuredPerson, Insurer

from .factories import ClinicFactory, GuidanceProviderFactory, InsurerFactory, PersonFactory, api_key, staff_user


@dataclass
class World:
    """Insurer A and insurer B (to check scoping), each with one enrolled person.

    The other actors are made on first use (so a test that does not name them has no such rows): the staff users
    alice (A) and bob (B), clinics X and Y and guidance providers P and Q, each with an API key.
    """

    insurer_a: Insurer
    insurer_b: Insurer
    person_a: InsuredPerson
    person_b: InsuredPerson
    keys: dict[str, str] = field(default_factory=dict)

    @cached_property
    def staff_a(self) -> User:
        return staff_user(self.insurer_a, "alice")

    @cached_property
    def staff_b(self) -> User:
        return staff_user(self.insurer_b, "bob")

    @cached_property
    def clinic_x(self) -> Clinic:
        return ClinicFactory(number="9999999999", name="X健診クリニック")

    @cached_property
    def clinic_y(self) -> Clinic:
        return ClinicFactory(number="9999999998", name="Y健診センター")

    @cached_property
    def provider_p(self) -> GuidanceProvider:
        return GuidanceProviderFactory(number="2700000001", name="P保健指導センター")

    @cached_property
    def provider_q(self) -> GuidanceProvider:
        return GuidanceProviderFactory(number="2700000002", name="Q保健指導センター")

    def key(self, actor: Insurer | Clinic | GuidanceProvider) -> str:
        """The API key of an insurer's staff, a clinic or a guidance provider (one per actor, made on first use)."""
        label = f"{type(actor).__name__}:{actor.pk}"
        if label not in self.keys:
            if isinstance(actor, Insurer):
                self.keys[label] = api_key("staff", insurer=actor)
            elif isinstance(actor, Clinic):
                self.keys[label] = api_key("clinic", clinic=actor)
            else:
                self.keys[label] = api_key("guidance_provider", guidance_provider=actor)
        return self.keys[label]


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
def alice(world: World) -> User:
    return world.staff_a


@pytest.fixture
def bob(world: World) -> User:
    return world.staff_b


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
    return world.key(world.insurer_a)


@pytest.fixture
def clinic_x(world: World) -> Clinic:
    return world.clinic_x


@pytest.fixture
def clinic_y(world: World) -> Clinic:
    return world.clinic_y


@pytest.fixture
def clinic_x_key(world: World, clinic_x: Clinic) -> str:
    return world.key(clinic_x)


@pytest.fixture
def clinic_y_key(world: World, clinic_y: Clinic) -> str:
    return world.key(clinic_y)


def key_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client
