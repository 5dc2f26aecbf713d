from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import InsuredPerson, RosterImport
from members.roster import ROSTER_COLUMNS

HEADER = ",".join(ROSTER_COLUMNS)


def test_admin_upload_preview_then_confirm(world, alice_client) -> None:
    text = f"{HEADER}\n06999999,10,777,00,ヤマダハナコ,2,1980-05-05,self,,2001-04-01,\n"
    upload = SimpleUploadedFile("roster.csv", text.encode("cp932"), content_type="text/csv")
    url = reverse("admin:members_rosterimport_upload")
    preview = alice_client.post(url, {"insurer": world.insurer_a.pk, "file": upload})
    assert preview.status_code == 200
    assert "新規の加入者" in preview.content.decode()
    assert not InsuredPerson.objects.filter(card_number="777").exists()  # nothing before confirm
    record = RosterImport.objects.get()
    done = alice_client.post(reverse("admin:members_rosterimport_confirm", args=[record.pk]))
    assert done.status_code == 302
    assert InsuredPerson.objects.get(card_number="777").insurer == world.insurer_a


def test_admin_upload_with_errors_shows_them_and_writes_nothing(world, alice_client) -> None:
    text = f"{HEADER}\n06999999,10,777,00,ヤマダハナコ,2,1980-05-05,wife,,2001-04-01,\n"
    upload = SimpleUploadedFile("roster.csv", text.encode(), content_type="text/csv")
    page = alice_client.post(
        reverse("admin:members_rosterimport_upload"), {"insurer": world.insurer_a.pk, "file": upload}
    )
    body = page.content.decode()
    assert "relationship" in body and "wife" in body
    assert RosterImport.objects.count() == 0


def test_staff_cannot_import_into_another_insurer(world, alice_client) -> None:
    text = f"{HEADER}\n06888888,10,777,00,ヤマダハナコ,2,1980-05-05,self,,2001-04-01,\n"
    upload = SimpleUploadedFile("roster.csv", text.encode(), content_type="text/csv")
    page = alice_client.post(
        reverse("admin:members_rosterimport_upload"), {"insurer": world.insurer_b.pk, "file": upload}
    )
    assert page.status_code == 200
    assert "insurer" in page.context["form"].errors
