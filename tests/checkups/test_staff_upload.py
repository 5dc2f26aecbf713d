"""健診結果ファイルの取込 (issue #16): a staff member uploads a clinic's ZIP/XML through the API's intake.

Service: the staff member and the sending clinic are recorded, only the chosen insurer's records are taken (an
archive addressed to another insurer is refused, a record of another insurer rejected), also when processed in
the background. Admin: the form offers only the user's insurers, refuses another's, says why a file is refused,
shows the first upload for the same file, and the upload's page gives each record's result in Japanese words.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from checkups.intake_types import Submitter
from checkups.models import Checkup, HeldRecord, Upload
from checkups.upload_report import staff_text
from intake import uploads
from intake.uploads import upload_process, upload_receive
from members.models import ClinicContract
from tests.checkups.mhlw_samples import ROOT, SAMPLE_INDEX
from tests.checkups.test_uploads_support import archive_of, cda
from tests.factories import InsurerFactory, staff_user

FORM = "admin:checkups_upload_upload"
NEWCOMER = {"card_number": "5555", "name_kana": "シンニュウシャイン", "birth_date": dt.date(1980, 5, 5)}


def _archive(world, receiver: str = "06999999", records: list[bytes] | None = None) -> bytes:
    index = SAMPLE_INDEX.replace(b'extension="06999999"', f'extension="{receiver}"'.encode())
    return archive_of(
        records if records is not None else [cda(world.person_a), cda(None, **NEWCOMER)],
        index=index,
        root=ROOT.replace("06999999", receiver),
    )


def _staff(world, clinic) -> Submitter:
    return Submitter.for_staff(user=world.staff_a, insurer=world.insurer_a, clinic=clinic)


def _post(client: Client, data: bytes, name: str = "a.zip", **fields):
    return client.post(reverse(FORM), {"file": SimpleUploadedFile(name, data), **fields})


# ---------------------------------------------------------------- the service


def test_staff_upload_records_the_staff_member_and_the_clinic(world, clinic_x) -> None:
    intake = upload_receive(submitter=_staff(world, clinic_x), data=_archive(world), file_name="a.zip")
    upload = intake.upload
    assert (upload.submitted_by_user, upload.submitted_by_clinic, upload.insurer) == (
        world.staff_a,
        clinic_x,
        world.insurer_a,
    )
    assert (upload.accepted, upload.held, upload.rejected) == (1, 1, 0)
    held = HeldRecord.objects.get()
    assert held.submitted_by_clinic == clinic_x and held.reason == "no_person_match"
    assert Checkup.objects.get().submitted_by_clinic == clinic_x


def test_same_file_of_the_clinic_is_stored_once(world, clinic_x) -> None:
    """The file is the clinic's: sent by its API first, brought in by staff later, it is one upload."""
    data = _archive(world)
    first = upload_receive(
        submitter=Submitter(label=f"clinic:{clinic_x.pk}", clinic=clinic_x), data=data, file_name="a"
    )
    again = upload_receive(submitter=_staff(world, clinic_x), data=data, file_name="a.zip")
    assert (again.created, again.upload.pk) == (False, first.upload.pk)
    assert HeldRecord.objects.count() == 1


def test_archive_for_another_insurer_is_refused(world, clinic_x) -> None:
    intake = upload_receive(submitter=_staff(world, clinic_x), data=_archive(world, "06888888"), file_name="b.zip")
    upload = Upload.objects.get(pk=intake.upload.pk)
    assert upload.status == Upload.Status.FAILED and upload.insurer == world.insurer_a  # staff of A see it
    assert "選択した保険者 (06999999) ではありません" in upload.error["message_ja"]
    assert bytes(upload.content) == b"" and not Checkup.objects.exists()


def test_record_of_another_insurer_is_rejected(world, clinic_x) -> None:
    intake = upload_receive(submitter=_staff(world, clinic_x), data=cda(world.person_b), file_name="b.xml")
    entry = intake.upload.report[0]
    assert entry["status"] == "rejected" and entry["errors"][0]["code"] == "insurer_not_chosen"
    assert not Checkup.objects.exists()


def test_background_processing_keeps_the_insurer_restriction(
    world, clinic_x, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setattr(uploads, "SMALL_UPLOAD_RECORDS", 0)
    data = _archive(world, records=[cda(world.person_a), cda(world.person_b)])
    with django_capture_on_commit_callbacks(execute=False):
        intake = upload_receive(submitter=_staff(world, clinic_x), data=data, file_name="a.zip")
    assert intake.upload.status == Upload.Status.RECEIVED
    upload = upload_process(upload_id=intake.upload.pk)
    assert [e["status"] for e in upload.report] == ["accepted", "rejected"]
    assert Checkup.objects.get().person == world.person_a


def test_clinic_without_a_contract_is_held(world, clinic_x, clinic_y) -> None:
    ClinicContract.objects.create(insurer=world.insurer_a, clinic=clinic_y, valid_from=dt.date(2020, 4, 1))
    intake = upload_receive(submitter=_staff(world, clinic_x), data=cda(world.person_a), file_name="a.xml")
    assert intake.upload.held == 1
    assert HeldRecord.objects.get().reason == "no_contract"


# ---------------------------------------------------------------- the admin page


def test_form_page_offers_no_insurer_choice_for_one_insurer(world, clinic_x, alice_client) -> None:
    page = alice_client.get(reverse(FORM))
    assert page.status_code == 200
    body = page.content.decode()
    assert "insurer" not in page.context["form"].fields and "A健保" in body
    assert '<label for="id_clinic"' in body and "X健診クリニック (9999999999)" in body


def test_form_page_offers_only_the_users_insurers(world, clinic_x) -> None:
    both = staff_user(world.insurer_a, "carol")
    staff_user(world.insurer_b, "carol")
    third = InsurerFactory(number="06777777", name="C健保")
    client = Client()
    client.force_login(both)
    body = client.get(reverse(FORM)).content.decode()
    assert "A健保" in body and "B健保" in body and "C健保" not in body
    response = _post(client, _archive(world), insurer=third.pk, clinic=clinic_x.pk)
    assert response.status_code == 200 and response.context["form"].errors["insurer"]
    assert not Upload.objects.exists()


def test_form_page_query_count(world, clinic_x, clinic_y, alice_client, django_assert_num_queries) -> None:
    alice_client.get(reverse(FORM))
    # session, user, staff memberships, insurers, the admin's 2 permission reads, clinics
    with django_assert_num_queries(7):
        assert alice_client.get(reverse(FORM)).status_code == 200


def test_changelist_has_the_button(world, alice_client) -> None:
    body = alice_client.get(reverse("admin:checkups_upload_changelist")).content.decode()
    assert reverse(FORM) in body and "健診結果ファイルの取込" in body


def test_upload_shows_the_report_in_words(world, clinic_x, alice_client, alice) -> None:
    response = _post(alice_client, _archive(world), clinic=clinic_x.pk)
    upload = Upload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:checkups_upload_change", args=[upload.pk])
    assert upload.submitted_by_user == alice and upload.submitted_by_clinic == clinic_x
    page = alice_client.get(response["Location"])
    body = page.content.decode()
    assert "受け付けました: 取込 1 件、照合保留 1 件、エラー 0 件" in body
    assert "取込済み" in body and "照合保留" in body
    assert "保留の理由: 記号・番号・枝番に一致する加入者がいません" in body
    assert reverse("admin:checkups_heldrecord_link", args=[HeldRecord.objects.get().pk]) in body
    assert ">accepted<" not in body and ">held<" not in body and "clinic:" not in body


def test_upload_page_query_count(world, clinic_x, alice_client, django_assert_num_queries) -> None:
    _post(alice_client, _archive(world), clinic=clinic_x.pk)
    url = reverse("admin:checkups_upload_change", args=[Upload.objects.get().pk])
    alice_client.get(url)
    # session, user, memberships, the upload with its senders and insurer (twice: the scoped 404 check, then
    # Django's change view), the admin's 2 permission reads, the held records of the report
    with django_assert_num_queries(8):
        assert alice_client.get(url).status_code == 200


def test_same_file_twice_shows_the_first_upload(world, clinic_x, alice_client) -> None:
    data = _archive(world)
    first = _post(alice_client, data, clinic=clinic_x.pk)
    again = _post(alice_client, data, clinic=clinic_x.pk)
    assert again["Location"] == first["Location"]
    assert Upload.objects.count() == 1 and HeldRecord.objects.count() == 1
    assert "このファイルは" in alice_client.get(again["Location"]).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"hello, not a zip", "ZIPでもXMLでもありません"),
        (b'<ClinicalDocument xmlns="urn:hl7-org:v3"/>', "hc08_V08.xsd に適合しません"),
    ],
)
def test_refused_file_is_said_on_the_form(world, clinic_x, alice_client, data, message) -> None:
    response = _post(alice_client, data, name="h.xml", clinic=clinic_x.pk)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert "ファイルを取り込めませんでした" in response.content.decode()
    upload = Upload.objects.get()
    assert bytes(Upload.objects.values_list("content", flat=True).get()) == b""  # metadata only
    assert upload.sha256 and upload.submitted_by_user is not None


def test_archive_for_another_insurer_is_refused_on_the_form(world, clinic_x, alice_client) -> None:
    """One insurer: a posted insurer field is ignored, the file is checked against the user's insurer."""
    response = _post(alice_client, _archive(world, "06888888"), insurer=world.insurer_b.pk, clinic=clinic_x.pk)
    assert response.status_code == 200
    assert "選択した保険者 (06999999) ではありません" in " ".join(response.context["form"].errors["file"])
    assert Upload.objects.get().insurer == world.insurer_a and not Checkup.objects.exists()


def test_another_insurers_upload_is_not_shown(world, clinic_x, alice_client, bob) -> None:
    _post(alice_client, _archive(world), clinic=clinic_x.pk)
    client = Client()
    client.force_login(bob)
    assert client.get(reverse("admin:checkups_upload_change", args=[Upload.objects.get().pk])).status_code == 404


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        (
            "hc08_V08.xsd に適合しません (3 行目: x; ほか 0 件, SPEC §9.5)。",
            "hc08_V08.xsd に適合しません (3 行目: x; ほか 0 件)。",
        ),
        ("保険者ではありません (ix08_V08.xml, SPEC §9.5)。", "保険者ではありません (ix08_V08.xml)。"),
        ("実施率には数えません(SPEC §6.1)", "実施率には数えません"),
        ("随時中性脂肪 (SPEC §2.3 ②) です", "随時中性脂肪 です"),
        ("記号・番号・枝番に一致する加入者がいません", "記号・番号・枝番に一致する加入者がいません"),
    ],
)
def test_staff_read_the_message_without_its_spec_section(sent: str, shown: str) -> None:
    assert staff_text(sent) == shown
