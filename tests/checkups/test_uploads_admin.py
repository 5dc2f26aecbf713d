"""Admin: the held-record queue (link to a person → stored and judged; reject) and the upload report pages."""

import datetime as dt

import pytest
from django.urls import reverse

from checkups.intake_types import Submitter
from checkups.models import Checkup, HeldRecord, Upload
from intake.uploads import upload_receive
from members.models import AccessLog
from tests.checkups.test_uploads_support import archive_of, cda
from tests.factories import PersonFactory


@pytest.fixture
def held(world, clinic_x) -> HeldRecord:
    """A record for a card the roster does not have yet (a new employee), from clinic X."""
    data = cda(None, card_number="5555", name_kana="シンニュウシャイン", birth_date=dt.date(1980, 5, 5))
    upload = upload_receive(
        submitter=Submitter(label=f"clinic:{clinic_x.pk}", clinic=clinic_x), data=data, file_name="h"
    )
    return HeldRecord.objects.get(pk=upload.upload.report[0]["held"])


def test_unmatched_record_is_held_then_linked_and_stored(world, held, alice_client, alice) -> None:
    person = PersonFactory(
        insurer=world.insurer_a, card_number="5556", name_kana="シンニュウシャイン", birth_date=dt.date(1980, 5, 5)
    )
    url = reverse("admin:checkups_heldrecord_link", args=[held.pk])
    page = alice_client.get(url, {"name_kana": "シンニュウ", "birth_date": "1980-05-05"})
    assert page.status_code == 200
    assert list(page.context["candidates"]) == [person]
    response = alice_client.post(url, {"person": person.pk})
    assert response.status_code == 302
    held.refresh_from_db()
    assert (held.status, held.resolved_by) == (HeldRecord.Status.LINKED, alice)
    checkup = Checkup.objects.get(person=person)
    assert held.checkup == checkup
    assert checkup.guidance_level == 1  # judged like any received record (SPEC §2)
    assert checkup.submitted_by_clinic == held.submitted_by_clinic
    assert AccessLog.objects.filter(person=person, action=AccessLog.Action.ADMIN_CHANGE).exists()


def test_search_by_card_number_prefills_from_the_record(world, held, alice_client) -> None:
    person = PersonFactory(insurer=world.insurer_a, card_number="5555", birth_date=dt.date(1980, 5, 6))
    page = alice_client.get(reverse("admin:checkups_heldrecord_link", args=[held.pk]), {"card_number": "５５５５"})
    assert list(page.context["candidates"]) == [person]  # full-width digits are folded (SPEC §1.5)


def test_people_of_another_insurer_cannot_be_linked(world, held, alice_client) -> None:
    response = alice_client.post(
        reverse("admin:checkups_heldrecord_link", args=[held.pk]), {"person": world.person_b.pk}
    )
    assert response.status_code == 404
    held.refresh_from_db()
    assert held.status == HeldRecord.Status.HELD


def test_staff_of_another_insurer_do_not_see_the_held_record(held, bob) -> None:
    from django.test import Client

    client = Client()
    client.force_login(bob)
    assert client.get(reverse("admin:checkups_heldrecord_link", args=[held.pk])).status_code == 404
    assert client.get(reverse("admin:checkups_heldrecord_change", args=[held.pk])).status_code == 404


def test_held_record_can_be_rejected(held, alice_client, alice) -> None:
    response = alice_client.post(reverse("admin:checkups_heldrecord_link", args=[held.pk]), {"reject": "1"})
    assert response.status_code == 302
    held.refresh_from_db()
    assert (held.status, held.resolved_by) == (HeldRecord.Status.REJECTED, alice)
    assert not Checkup.objects.exists()


def test_reject_action_on_the_queue(held, alice_client) -> None:
    response = alice_client.post(
        reverse("admin:checkups_heldrecord_changelist"), {"action": "reject_selected", "_selected_action": [held.pk]}
    )
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == HeldRecord.Status.REJECTED


def test_queue_lists_held_records(held, alice_client) -> None:
    page = alice_client.get(reverse("admin:checkups_heldrecord_changelist"))
    assert page.status_code == 200
    assert "シンニュウシャイン" in page.content.decode()


def test_upload_admin_shows_progress_and_report(world, clinic_x, alice_client) -> None:
    data = archive_of([cda(world.person_a), cda(world.person_a, items={"9N736000000000011": "9"})])
    upload = upload_receive(
        submitter=Submitter(label=f"clinic:{clinic_x.pk}", clinic=clinic_x), data=data, file_name="a.zip"
    )
    listing = alice_client.get(reverse("admin:checkups_upload_changelist"))
    assert listing.status_code == 200
    assert "2 / 2" in listing.content.decode()
    page = alice_client.get(reverse("admin:checkups_upload_change", args=[upload.upload.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "9N736000000000011" in body and "取込済み" in body and "エラー(取り込まず)" in body
    assert Upload.objects.get().accepted == 1


def test_upload_of_another_insurer_is_404_in_the_admin(world, clinic_x, bob) -> None:
    from django.test import Client

    upload = upload_receive(
        submitter=Submitter(label=f"clinic:{clinic_x.pk}", clinic=clinic_x), data=cda(world.person_a), file_name="h"
    ).upload
    client = Client()
    client.force_login(bob)
    assert client.get(reverse("admin:checkups_upload_change", args=[upload.pk])).status_code == 404
