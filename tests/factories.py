"""factory_boy factories shared by every test module."""

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeVar

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from members.codes import InsurerType, Relationship, Sex
from members.models import (
    ApiKey,
    Clinic,
    Employer,
    Enrollment,
    GuidanceProvider,
    InsuredPerson,
    Insurer,
    StaffMembership,
)

T = TypeVar("T")


class ModelFactory(factory.django.DjangoModelFactory[T]):
    """A Django model factory whose call `XFactory(...)` is typed as returning the model instance."""

    class Meta:
        abstract = True

    if TYPE_CHECKING:
        # factory_boy's metaclass turns `XFactory(...)` into `XFactory.create(...)`; mypy only sees the class call.
        def __new__(cls, **kwargs: Any) -> T: ...  # type: ignore[misc]  # returns the model, not the factory


class InsurerFactory(ModelFactory[Insurer]):
    class Meta:
        model = Insurer
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: f"{6100000 + n:08d}")
    name = factory.Sequence(lambda n: f"テスト健保{n}")
    insurer_type = InsurerType.SINGLE_KENPO


class EmployerFactory(ModelFactory[Employer]):
    class Meta:
        model = Employer

    insurer = factory.SubFactory(InsurerFactory)
    code = factory.Sequence(lambda n: f"E{n:03d}")
    name = factory.Sequence(lambda n: f"テスト事業所{n}")


class ClinicFactory(ModelFactory[Clinic]):
    class Meta:
        model = Clinic
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: f"{1300000000 + n:010d}")
    name = factory.Sequence(lambda n: f"テスト健診機関{n}")


class PersonFactory(ModelFactory[InsuredPerson]):
    class Meta:
        model = InsuredPerson
        skip_postgeneration_save = True

    insurer = factory.SubFactory(InsurerFactory)
    card_symbol = "10"
    card_number = factory.Sequence(lambda n: f"{500000 + n}")
    card_branch = "00"
    name_kana = "テストタロウ"
    sex = Sex.MALE
    birth_date = dt.date(1970, 6, 15)
    relationship = Relationship.SELF

    @factory.post_generation
    # factory_boy calls it with the built model instance (not the factory) as the first argument
    def enrolled_since(person: InsuredPerson, create: bool, extracted: dt.date | None, **kwargs: Any) -> None:
        if create:
            Enrollment.objects.create(person=person, acquired_on=extracted or dt.date(2000, 4, 1))


class UserFactory(ModelFactory[User]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct-horse-battery")


def staff_user(insurer: Insurer, username: str, job_title: str = "保健師") -> User:
    user = UserFactory(username=username, is_staff=True)
    StaffMembership.objects.get_or_create(user=user, insurer=insurer, defaults={"job_title": job_title})
    return user


def api_key(kind: str, name: str = "test", **target: Any) -> str:
    """Create a key and return the raw key string (shown once)."""
    _, key = ApiKey.objects.create_key(name=name, kind=kind, **target)
    return key


class GuidanceProviderFactory(ModelFactory[GuidanceProvider]):
    """保健指導機関 (guidance app)."""

    class Meta:
        model = "members.GuidanceProvider"
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: f"{2700000000 + n:010d}")
    name = factory.Sequence(lambda n: f"テスト保健指導機関{n}")
