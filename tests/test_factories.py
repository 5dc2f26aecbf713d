"""The shared factories and the `World` fixture build consistent rows (tests/factories.py, tests/conftest.py)."""

import datetime as dt
import hashlib

import pytest

from checkups.models import Checkup
from guidance.models import Contact, Programme
from members.models import ApiKey, Clinic, GuidanceProvider, StaffMembership

from .conftest import World
from .factories import CheckupFactory, ContactFactory, PersonFactory, ProgrammeFactory, UploadFactory

pytestmark = pytest.mark.django_db


def test_checkup_factory_takes_insurer_and_fiscal_year_from_person_and_exam() -> None:
    person = PersonFactory()
    checkup = CheckupFactory(person=person, exam_date=dt.date(2026, 3, 31))
    assert checkup.insurer == person.insurer
    assert checkup.fiscal_year == 2025  # SPEC §1.1: April to March
    assert CheckupFactory(person=person, exam_date=dt.date(2026, 4, 1)).fiscal_year == 2026
    assert (checkup.guidance_level, checkup.counts_for_fiscal_year, checkup.program) == (1, True, "010")
    assert person.enrollments.count() == 1


def test_programme_factory_follows_its_checkup() -> None:
    programme = ProgrammeFactory(checkup__guidance_level=2, checkup__exam_date=dt.date(2025, 9, 1))
    checkup = programme.checkup
    assert (programme.person, programme.insurer) == (checkup.person, checkup.insurer)
    assert (programme.fiscal_year, programme.level, programme.status) == (2025, 2, "not_started")
    assert ProgrammeFactory(checkup__guidance_level=None).level == 2


def test_contact_factory_is_an_initial_interview_after_the_exam() -> None:
    contact = ContactFactory()
    assert contact.programme.contacts.get() == contact
    assert contact.date == contact.programme.checkup.exam_date + dt.timedelta(days=30)
    assert (contact.kind, contact.form, contact.minutes) == ("initial", 1, 30)
    assert (Checkup.objects.count(), Programme.objects.count(), Contact.objects.count()) == (1, 1, 1)


def test_upload_factory_hashes_its_content_and_each_upload_is_its_own() -> None:
    first, second = UploadFactory(), UploadFactory()
    assert first.sha256 == hashlib.sha256(bytes(first.content)).hexdigest()
    assert first.size == len(first.content)
    assert first.sha256 != second.sha256
    assert (first.status, first.total, first.done) == ("received", 0, 0)


def test_world_has_two_insurers_and_makes_the_other_actors_on_first_use(world: World) -> None:
    assert world.person_a.insurer == world.insurer_a
    assert world.person_b.insurer == world.insurer_b
    assert not Clinic.objects.exists() and not GuidanceProvider.objects.exists() and not ApiKey.objects.exists()
    assert StaffMembership.objects.get(user=world.staff_a).insurer == world.insurer_a
    assert StaffMembership.objects.get(user=world.staff_b).insurer == world.insurer_b
    assert world.key(world.clinic_x) == world.key(world.clinic_x)  # one key per actor
    assert world.key(world.clinic_x) != world.key(world.clinic_y)
    for actor in (world.provider_p, world.provider_q, world.insurer_a):
        world.key(actor)
    kinds = sorted(ApiKey.objects.values_list("kind", flat=True))
    assert kinds == ["clinic", "clinic", "guidance_provider", "guidance_provider", "staff"]
