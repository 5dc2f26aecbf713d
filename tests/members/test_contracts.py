"""Which clinics may send for whom (issue #13): individual contracts, 集合契約, and no contract recorded at all."""

import datetime as dt

import pytest
from django.urls import reverse

from checkups.intake_types import Submitter
from checkups.models import Checkup, HeldRecord
from intake.uploads import upload_receive
from members.contracts import ContractRow, clinic_may_send, insurers_with_contracts
from members.hold_reasons import HoldReason
from members.models import ClinicContract
from tests.checkups.test_api_checkups import URL, _body
from tests.checkups.test_uploads_support import archive_of, cda
from tests.conftest import key_client
from tests.factories import ClinicFactory

EXAM = dt.date(2025, 6, 10)  # the exam date of the test documents
X = "9999999999"  # the clinic number the test documents name (clinic_x)
FY2025 = dt.date(2025, 4, 1)


@pytest.mark.parametrize(
    ("contracts", "clinic", "day", "expected"),
    [
        ([], X, EXAM, True),  # nothing recorded: every clinic (as under a 集合契約)
        ([ContractRow(None, FY2025, None)], X, EXAM, True),  # 集合契約: every clinic
        ([ContractRow(X, FY2025, None)], X, EXAM, True),
        ([ContractRow("1111111111", FY2025, None)], X, EXAM, False),  # another clinic's contract
        ([ContractRow(X, EXAM, None)], X, EXAM, True),  # the first day
        ([ContractRow(X, EXAM + dt.timedelta(days=1), None)], X, EXAM, False),  # not yet
        ([ContractRow(X, FY2025, EXAM)], X, EXAM, False),  # valid_to itself: ended
        ([ContractRow(X, FY2025, EXAM + dt.timedelta(days=1))], X, EXAM, True),  # the last day
        ([ContractRow(None, FY2025, EXAM)], X, EXAM, False),  # a 集合契約 that ended
    ],
)
def test_clinic_may_send(contracts, clinic, day, expected) -> None:
    assert clinic_may_send(contracts, clinic, day) is expected


def _contract(world, clinic=None, **fields) -> ClinicContract:
    kind = ClinicContract.Kind.INDIVIDUAL if clinic else ClinicContract.Kind.COLLECTIVE
    return ClinicContract.objects.create(insurer=world.insurer_a, kind=kind, clinic=clinic, valid_from=FY2025, **fields)


def test_a_clinic_without_a_contract_is_held_for_staff(world, clinic_x, clinic_x_key) -> None:
    _contract(world, ClinicFactory(number="1111111111"))
    response = key_client(clinic_x_key).post(URL, _body(world.person_a), format="json")

    assert response.status_code == 202, response.json()
    data = response.json()
    assert data["status"] == "held_for_review" and "契約" not in data["message_ja"]  # neutral for the sender
    held = HeldRecord.objects.get(pk=data["held"])
    assert (held.reason, held.submitted_by_clinic) == (HoldReason.NO_CONTRACT, clinic_x)
    assert not Checkup.objects.exists()


@pytest.mark.parametrize("kind", ["individual", "collective"])
def test_a_contract_lets_the_clinic_send(world, clinic_x, clinic_x_key, kind) -> None:
    _contract(world, ClinicFactory(number="1111111111"))
    _contract(world, clinic_x if kind == "individual" else None)
    response = key_client(clinic_x_key).post(URL, _body(world.person_a), format="json")
    assert response.status_code == 201, response.json()


def test_the_insurers_of_a_chunk_come_with_their_contracts(world, clinic_x) -> None:
    _contract(world, clinic_x, valid_to=EXAM)
    _contract(world)
    a, b = world.insurer_a, world.insurer_b
    found = insurers_with_contracts([a.number, b.number, "00000000", a.number])

    assert found.keys() == {a.number, b.number}  # an unknown number is absent
    assert found[a.number][0] == a.pk and sorted(found[a.number][1], key=str) == sorted(
        [ContractRow(X, FY2025, EXAM), ContractRow(None, FY2025, None)], key=str
    )
    assert found[b.number] == (b.pk, [])  # no contract recorded: every clinic may send


def test_an_ended_contract_holds_the_archive_records(world, clinic_x) -> None:
    _contract(world, clinic_x, valid_to=EXAM)
    upload = upload_receive(
        submitter=Submitter(label=f"clinic:{clinic_x.pk}", clinic=clinic_x),
        data=archive_of([cda(world.person_a)]),
        file_name="a",
    )
    assert [entry["status"] for entry in upload.upload.report] == ["held"]
    assert HeldRecord.objects.get().reason == HoldReason.NO_CONTRACT
    assert not Checkup.objects.exists()


def test_staff_manage_their_own_contracts_only(world, clinic_x, alice_client) -> None:
    own = _contract(world, clinic_x, name="令和7年度 個別契約")
    ClinicContract.objects.create(insurer=world.insurer_b, kind="collective", valid_from=FY2025, name="B健保の集合契約")

    page = alice_client.get(reverse("admin:members_cliniccontract_changelist"))
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [own]
    assert "B健保" not in page.content.decode()
    added = alice_client.post(
        reverse("admin:members_cliniccontract_add"),
        {
            "insurer": world.insurer_a.pk,
            "kind": "collective",
            "clinic": "",
            "name": "集合契約",
            "valid_from": "2025-04-01",
        },
    )
    assert added.status_code == 302, added.context["adminform"].form.errors if added.context else added
    assert ClinicContract.objects.filter(insurer=world.insurer_a, kind="collective").exists()


def test_the_admin_form_explains_a_contract_that_does_not_fit(world, alice_client) -> None:
    page = alice_client.post(
        reverse("admin:members_cliniccontract_add"),
        {
            "insurer": world.insurer_a.pk,
            "kind": "individual",
            "clinic": "",
            "valid_from": "2025-04-01",
            "valid_to": "2025-04-01",
        },
    )
    assert page.status_code == 200  # the form again, not a database error
    errors = page.context["adminform"].form.errors
    assert errors["clinic"] == ["個別契約には健診機関を選んでください"]
    assert errors["valid_to"] == ["契約終了日は契約開始日より後の日付にしてください"]
    assert not ClinicContract.objects.exists()
