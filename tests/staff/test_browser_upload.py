"""A staff member's task in real Chromium (issue #16): upload a clinic's archive in the admin → read the per-record
report → open the record held for review → link it to the right person → it is stored. The form and the report fit
1280 px and a 390 px phone."""

import datetime as dt

import pytest

from checkups.models import Checkup, HeldRecord, Upload
from tests.browser.axe import assert_no_serious_violations
from tests.checkups.test_uploads_support import archive_of, cda
from tests.factories import PersonFactory, staff_user

from .conftest import layout_problems, look, staff_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILE_LABEL = "健診結果ファイル(送付用アーカイブのZIP、またはXML)"
# the clinic wrote the old card number: the roster has the new one, so the record waits for staff
NEWCOMER = {"card_number": "5555", "name_kana": "シンニュウシャイン", "birth_date": dt.date(1980, 5, 5)}


def _form_fits(page, size: str) -> None:
    page.wait_for_load_state("networkidle")
    assert not layout_problems(page, size), layout_problems(page, size)
    assert_no_serious_violations(page, f"upload form at {size}")


def test_upload_an_archive_then_link_the_held_record(browser, live_server, world, clinic_x) -> None:
    person = PersonFactory(
        insurer=world.insurer_a, card_number="5556", **{k: NEWCOMER[k] for k in NEWCOMER if k != "card_number"}
    )
    archive = archive_of([cda(world.person_a), cda(None, **NEWCOMER)])
    page = staff_page(browser, live_server.url, staff_user(world.insurer_a, "clerk"))
    page.goto(f"{live_server.url}/admin/checkups/upload/")
    page.get_by_role("link", name="健診結果ファイルの取込").click()
    _form_fits(page, "desktop")

    page.get_by_label("ファイルを送ってきた健診機関").select_option(label="X健診クリニック (9999999999)")
    page.get_by_label(FILE_LABEL).set_input_files(
        files=[{"name": "9999999999_06999999_202604010_1.zip", "mimeType": "application/zip", "buffer": archive}]
    )
    with page.expect_navigation():
        page.get_by_role("button", name="取り込む").click()
    assert "受け付けました: 取込 1 件、照合保留 1 件、エラー 0 件" in page.content()
    report = page.locator(".upload-report").inner_text()
    assert "取込済み" in report and "照合保留" in report
    assert "保留の理由: 記号・番号・枝番に一致する加入者がいません" in report
    assert "accepted" not in report and "no_person_match" not in report
    look(page, "upload", "desktop")
    upload_url = page.url

    page.get_by_role("link", name="加入者を探して紐付け").click()
    page.get_by_label("番号", exact=True).fill("")  # prefilled with the record's (old) number: search by name
    page.get_by_label("氏名(カナ)").fill("シンニュウ")
    with page.expect_navigation():
        page.get_by_role("button", name="検索").click()
    page.get_by_label(person.card_label).check()
    with page.expect_navigation():
        page.get_by_role("button", name="選択した加入者に紐付けて取り込む").click()
    assert "加入者に紐付けて取り込みました" in page.content()
    held = HeldRecord.objects.get()
    assert held.status == HeldRecord.Status.LINKED and held.checkup == Checkup.objects.get(person=person)
    assert held.checkup.submitted_by_clinic == clinic_x

    page.goto(upload_url)
    report = page.locator(".upload-report").inner_text()
    assert "加入者に紐付けて取り込み済みです" in report
    assert Upload.objects.get().submitted_by_user.username == "clerk"
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    look(page, "upload", "phone")
    page.context.close()


def test_refused_file_on_a_phone(browser, live_server, world, clinic_x) -> None:
    page = staff_page(browser, live_server.url, staff_user(world.insurer_a, "clerk"), size="phone")
    page.goto(f"{live_server.url}/admin/checkups/upload/upload/")
    page.get_by_label("ファイルを送ってきた健診機関").select_option(label="X健診クリニック (9999999999)")
    page.get_by_label(FILE_LABEL).set_input_files(
        files=[{"name": "notes.xml", "mimeType": "text/plain", "buffer": b"not a checkup file"}]
    )
    with page.expect_navigation():
        page.get_by_role("button", name="取り込む").click()
    assert "ZIPでもXMLでもありません" in page.locator("#staff-upload-form").inner_text()
    _form_fits(page, "phone")
    page.context.close()
