"""SPEC §9.5: a record for a person not enrolled on the exam date is held for staff (not_enrolled_on_exam_date),
never counted or given a programme until staff link it (issue #13). JSON and archives, one rule."""

import datetime as dt

import pytest
from django.urls import reverse

from checkups.codes import Source
from checkups.intake_types import Submitter
from checkups.models import Checkup, HeldRecord
from guidance.models import Programme
from intake.services import checkup_receive
from intake.uploads import upload_receive
from members.enrollment import enrolled_on, not_enrolled
from members.hold_reasons import HoldReason
from members.models import Enrollment
from tests.checkups.documents import document
from tests.checkups.test_api_checkups import URL, _body
from tests.checkups.test_uploads_support import archive_of, cda
from tests.conftest import key_client
from tests.factories import PersonFactory

EXAM = dt.date(2025, 6, 10)  # the exam date of the test documents
APRIL_1 = dt.date(2025, 4, 1)


@pytest.mark.parametrize(
    ("periods", "day", "expected"),
    [
        ([(EXAM, None)], EXAM, True),  # 資格取得日 itself
        ([(EXAM, None)], EXAM - dt.timedelta(days=1), False),  # the day before 取得
        ([(APRIL_1, EXAM)], EXAM, False),  # 資格喪失日 itself: no longer enrolled
        ([(APRIL_1, EXAM)], EXAM - dt.timedelta(days=1), True),  # the last enrolled day
        ([], EXAM, False),
        ([(APRIL_1, dt.date(2025, 5, 1)), (dt.date(2025, 7, 1), None)], EXAM, False),  # in the gap
        ([(APRIL_1, dt.date(2025, 5, 1)), (dt.date(2025, 6, 1), None)], EXAM, True),  # enrolled again
    ],
)
def test_enrolled_on(periods, day, expected) -> None:
    assert enrolled_on(periods, day) is expected


def _left(world, lost_on: dt.date, card_number: str = "777"):
    person = PersonFactory(insurer=world.insurer_a, card_number=card_number, enrolled_since=APRIL_1)
    Enrollment.objects.filter(person=person).update(lost_on=lost_on)
    return person


def test_not_enrolled_is_one_query_for_a_chunk(world, django_assert_num_queries) -> None:
    gone, staying = _left(world, EXAM, "771"), _left(world, EXAM + dt.timedelta(days=1), "772")
    with django_assert_num_queries(1):
        assert not_enrolled({"a": (gone.pk, EXAM), "b": (staying.pk, EXAM), "c": (world.person_a.pk, EXAM)}) == {"a"}


def test_json_record_after_the_enrollment_ended_is_held_not_counted(world, clinic_x_key) -> None:
    person = _left(world, lost_on=EXAM)
    response = key_client(clinic_x_key).post(URL, _body(person), format="json")

    assert response.status_code == 202, response.json()
    data = response.json()
    assert data["status"] == "held_for_review"
    assert data["message_en"] == "Held for review by the insurer's staff; it is imported once they have checked it"
    assert "reason" not in data and "資格" not in data["message_ja"]  # the reason is for staff only
    held = HeldRecord.objects.get(pk=data["held"])
    assert (held.reason, held.status) == (HoldReason.NOT_ENROLLED_ON_EXAM_DATE, HeldRecord.Status.HELD)
    assert "資格" in held.reason_ja
    assert not Checkup.objects.filter(person=person).exists()
    assert not Programme.objects.filter(person=person).exists()


def test_json_record_on_the_last_enrolled_day_is_stored(world, clinic_x_key) -> None:
    person = _left(world, lost_on=EXAM + dt.timedelta(days=1))
    response = key_client(clinic_x_key).post(URL, _body(person), format="json")
    assert response.status_code == 201, response.json()
    assert Checkup.objects.get(person=person).counts_for_fiscal_year


def test_archive_holds_only_the_record_of_the_person_who_left(world, clinic_x) -> None:
    gone = _left(world, lost_on=EXAM)
    data = archive_of([cda(world.person_a), cda(gone)])
    upload = upload_receive(
        submitter=Submitter(label=f"clinic:{clinic_x.pk}", clinic=clinic_x), data=data, file_name="a"
    )

    statuses = [entry["status"] for entry in upload.upload.report]
    assert statuses == ["accepted", "held"]
    held = HeldRecord.objects.get(pk=upload.upload.report[1]["held"])
    assert held.reason == HoldReason.NOT_ENROLLED_ON_EXAM_DATE
    assert list(Checkup.objects.values_list("person", flat=True)) == [world.person_a.pk]


def test_staff_link_makes_it_counted(world, clinic_x_key, alice_client) -> None:
    person = _left(world, lost_on=EXAM)
    held_id = key_client(clinic_x_key).post(URL, _body(person), format="json").json()["held"]

    page = alice_client.get(reverse("admin:checkups_heldrecord_changelist"), {"reason": "not_enrolled_on_exam_date"})
    assert page.status_code == 200 and list(page.context["cl"].result_list) == [HeldRecord.objects.get(pk=held_id)]
    assert "健診日に資格がない" in page.content.decode()  # the reason in words in the filter
    response = alice_client.post(reverse("admin:checkups_heldrecord_link", args=[held_id]), {"person": person.pk})

    assert response.status_code == 302
    checkup = Checkup.objects.get(person=person)
    assert checkup.counts_for_fiscal_year  # a staff decision: the exam counts once linked
    assert HeldRecord.objects.get(pk=held_id).status == HeldRecord.Status.LINKED


def test_the_single_record_service_holds_the_same_way(world) -> None:
    """intake.services.checkup_receive (employer data, staff) calls the same rule as the upload path."""
    person = _left(world, lost_on=EXAM)
    result = checkup_receive(insurer=world.insurer_a, document=document(person), source=Source.CLINIC_API)
    assert result.checkup is None
    assert result.held is not None and result.held.reason == HoldReason.NOT_ENROLLED_ON_EXAM_DATE
