"""Demo steps of issues #15 and #16: the two medication re-check codes, the held-record queue, the provider key."""

import datetime as dt
from types import SimpleNamespace

from django.core.management import call_command

from checkups.models import Checkup, HeldRecord
from demo import api_keys, contracts, held, rechecks
from demo.guidance import DEMO_PROVIDER, DEMO_REMOTE_PROVIDER
from demo.population import CLINICS, DEMO_STAFF_USERNAME, TWIN_BIRTH_DATE, TWIN_CARD, TWINS
from guidance.codes import ExclusionCause, ProgrammeStatus
from guidance.models import MedicationRecheckRecord
from members.codes import Sex
from members.hold_reasons import HoldReason
from members.models import ApiKey, ClinicContract, Enrollment, GuidanceProvider, InsuredPerson
from tests.factories import ClinicFactory, PersonFactory, staff_user
from tests.guidance.conftest import make_programme

TODAY = dt.date(2026, 11, 26)
EXAM = dt.date(2026, 6, 10)


def test_rechecks_record_code_1_and_code_2_with_the_rules_effects(world) -> None:
    staff_user(world.insurer_a, DEMO_STAFF_USERNAME)
    first = make_programme(PersonFactory(insurer=world.insurer_a), today=TODAY, exam_date=EXAM, level=1)
    second = make_programme(
        PersonFactory(insurer=world.insurer_a), today=TODAY, exam_date=EXAM + dt.timedelta(days=1), level=2
    )
    population = SimpleNamespace(insurer=world.insurer_a)

    assert rechecks.seed(population, today=TODAY) == "2 medication re-checks (codes 1, 2)"

    by_code = {r.code: r for r in MedicationRecheckRecord.objects.select_related("programme", "checkup")}
    assert set(by_code) == {1, 2}
    assert by_code[1].programme == first and by_code[2].programme == second
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.excluded_cause) == (ProgrammeStatus.EXCLUDED, ExclusionCause.MEDICATION_AT_CHECKUP)
    assert (second.status, second.excluded_cause) == (
        ProgrammeStatus.EXCLUDED,
        ExclusionCause.MEDICATION_AFTER_CHECKUP,
    )
    assert Checkup.objects.get(pk=first.checkup_id).med_blood_pressure == 1  # code 1 corrects the answer
    assert rechecks.seed(population, today=TODAY) == "2 medication re-checks (codes 1, 2)"  # idempotent
    assert MedicationRecheckRecord.objects.count() == 2


def test_held_records_come_through_the_intake_with_their_reasons(world) -> None:
    ClinicFactory(number="9999999997", name="架空病院 健診部")
    for number in ("222", "333"):
        PersonFactory(insurer=world.insurer_a, card_number=number, birth_date=dt.date(1965, 5, 5))
    for kana, branch in TWINS:  # as demo.population makes them
        PersonFactory(
            insurer=world.insurer_a,
            card_symbol=TWIN_CARD[0],
            card_number=TWIN_CARD[1],
            card_branch=branch,
            name_kana=kana,
            sex=Sex.MALE,
            birth_date=TWIN_BIRTH_DATE,
        )
    leaver = PersonFactory(insurer=world.insurer_a, card_number="444")
    Enrollment.objects.filter(person=leaver).update(lost_on=dt.date(2026, 10, 1))
    population = SimpleNamespace(insurer=world.insurer_a)
    assert not InsuredPerson.objects.filter(card_number=held.UNKNOWN_CARD_NUMBER).exists()

    assert held.seed(population, today=TODAY) == "5 held records"

    records = list(HeldRecord.objects.order_by("pk"))
    assert {r.insurer_id for r in records} == {world.insurer_a.pk}
    assert [r.status for r in records] == [HeldRecord.Status.HELD] * 5
    assert [r.reason for r in records] == [
        HoldReason.NO_PERSON_MATCH,
        HoldReason.BIRTH_DATE_DIFFERS,
        HoldReason.BIRTH_DATE_DIFFERS,
        HoldReason.SEVERAL_PERSONS,
        HoldReason.NOT_ENROLLED_ON_EXAM_DATE,
    ]  # every reason of SPEC §1.5 and §9.5
    assert {r.submitted_by_clinic.number for r in records if r.submitted_by_clinic} == {"9999999997"}
    assert all(r.document["observations"] for r in records)  # something for staff to look at and link
    assert Checkup.objects.count() == 0
    assert held.seed(population, today=TODAY) == "5 held records"  # idempotent


def _printed_keys(printed: str) -> dict[str, str]:
    """{owner name: key} from the lines "API key of NAME (shown once): KEY"."""
    keys = {}
    for line in printed.splitlines():
        if line.startswith("API key of "):
            name, _, key = line.removeprefix("API key of ").partition(" (shown once): ")
            keys[name] = key
            assert f"curl -H 'Authorization: Api-Key {key}' http://127.0.0.1:8000/api/v1/" in printed
    return keys


def test_the_printed_keys_open_the_provider_and_clinic_apis(world, client) -> None:
    provider = GuidanceProvider.objects.create(number=DEMO_PROVIDER[0], name=DEMO_PROVIDER[1])
    remote = GuidanceProvider.objects.create(number=DEMO_REMOTE_PROVIDER[0], name=DEMO_REMOTE_PROVIDER[1])
    clinic = ClinicFactory(number=held.HELD_CLINIC_NUMBER, name="架空病院 健診部")
    mine = make_programme(PersonFactory(insurer=world.insurer_a), today=TODAY, exam_date=EXAM, level=1)
    mine.provider = provider
    mine.save(update_fields=["provider"])
    population = SimpleNamespace(insurer=world.insurer_a)
    held.seed(population, today=TODAY)

    printed = api_keys.seed(population, today=TODAY)

    keys = _printed_keys(printed)
    assert set(keys) == {provider.name, remote.name, clinic.name}
    listed = client.get("/api/v1/guidance/programmes/", HTTP_AUTHORIZATION=f"Api-Key {keys[provider.name]}")
    assert listed.status_code == 200, listed.content
    assert [row["id"] for row in listed.json()["results"]] == [mine.pk]  # its own programme only
    other = client.get("/api/v1/guidance/programmes/", HTTP_AUTHORIZATION=f"Api-Key {keys[remote.name]}")
    assert other.status_code == 200 and other.json()["results"] == []
    first_held = HeldRecord.objects.order_by("pk").first()
    assert f"/api/v1/held/{first_held.pk}/" in printed
    state = client.get(f"/api/v1/held/{first_held.pk}/", HTTP_AUTHORIZATION=f"Api-Key {keys[clinic.name]}")
    assert state.status_code == 200 and state.json()["status"] == "held", state.content
    assert api_keys.seed(population, today=TODAY) == api_keys.create_key_hint()  # a second run makes no key
    assert ApiKey.objects.count() == 3


def test_seed_demo_prints_how_to_make_a_key_when_already_loaded(world, capsys) -> None:
    call_command("seed_demo")  # the demo insurer's number is world.insurer_a's: already loaded
    out = capsys.readouterr().out
    assert "create_api_key guidance_provider 2799999999" in out and "create_api_key clinic 9999999997" in out


def test_demo_contracts_have_both_kinds(world) -> None:
    for number, name in CLINICS:
        ClinicFactory(number=number, name=name)
    population = SimpleNamespace(insurer=world.insurer_a)
    assert contracts.seed(population, today=TODAY) == "3 individual contracts, 1 集合契約"
    assert contracts.seed(population, today=TODAY) == "3 individual contracts, 1 集合契約"  # idempotent
    collective = ClinicContract.objects.get(kind=ClinicContract.Kind.COLLECTIVE)
    assert (collective.clinic, collective.valid_to) == (None, dt.date(2025, 4, 1))
