"""factory_boy factories shared by every test module."""

import datetime as dt
import hashlib
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from checkups.codes import Program, Source
from checkups.models import Checkup, Upload
from guidance.codes import ContactForm, ContactKind, ProgrammeStatus
from guidance.models import Contact, Programme
from members.codes import InsurerType, Relationship, Sex
from members.fiscal import fiscal_year_of
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


class CheckupFactory(ModelFactory[Checkup]):
    """A stored checkup as the judgment left it: 積極的支援 (level 1), counted, FY of the exam date (SPEC §1.1).

    The row is not re-judged: pass the measurements and the result fields (`guidance_level`, …) the test needs.
    `CheckupFactory(bare=True)`: no weight, waist or level (a row of which only the person, year and age matter).
    """

    class Meta:
        model = Checkup

    class Params:
        bare = factory.Trait(weight_kg=None, waist_cm=None, guidance_level=None)

    person = factory.SubFactory(PersonFactory)
    insurer = factory.SelfAttribute("person.insurer")
    exam_date = dt.date(2025, 5, 12)
    fiscal_year = factory.LazyAttribute(lambda c: fiscal_year_of(c.exam_date))
    age_at_fy_end = 55
    program = Program.SPECIFIC_CHECKUP
    source = Source.CLINIC_API
    weight_kg = Decimal("80.0")
    waist_cm = Decimal("95.0")
    guidance_level = 1
    counts_for_fiscal_year = True


class ProgrammeFactory(ModelFactory[Programme]):
    """A programme of a checkup, not started; its level is the checkup's (SPEC §5.1), 動機付け支援 if none."""

    class Meta:
        model = Programme

    checkup = factory.SubFactory(CheckupFactory)
    person = factory.SelfAttribute("checkup.person")
    insurer = factory.SelfAttribute("checkup.insurer")
    fiscal_year = factory.SelfAttribute("checkup.fiscal_year")
    level = factory.LazyAttribute(lambda p: p.checkup.guidance_level if p.checkup.guidance_level in (1, 2) else 2)
    status = ProgrammeStatus.NOT_STARTED


class ContactFactory(ModelFactory[Contact]):
    """An in-person initial interview of 30 minutes, a month after the programme's exam (SPEC §5.2)."""

    class Meta:
        model = Contact

    programme = factory.SubFactory(ProgrammeFactory)
    kind = ContactKind.INITIAL
    form = ContactForm.INDIVIDUAL_IN_PERSON
    date = factory.LazyAttribute(lambda c: c.programme.checkup.exam_date + dt.timedelta(days=30))
    minutes = 30


class UploadFactory(ModelFactory[Upload]):
    """A received JSON upload of an unknown sender with its content's hash (nothing processed yet)."""

    class Meta:
        model = Upload

    submitter = "command"
    kind = Upload.Kind.JSON
    source = Source.FILE_IMPORT
    content = factory.Sequence(lambda n: f'{{"upload": {n}}}'.encode())
    sha256 = factory.LazyAttribute(lambda u: hashlib.sha256(u.content).hexdigest())
    size = factory.LazyAttribute(lambda u: len(u.content))
