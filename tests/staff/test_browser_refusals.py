"""What staff see when a rule refuses something (issue #16: "Japanese and English error text together", rule codes
and SPEC sections shown to staff): a refused checkup correction and an employer CSV import's row report show the
reason in the page's language only, in words, at 1280 and 390 px.

STAFF_SCREENSHOTS=docs/screenshots writes staff-correction-refused-*.png and staff-csv-import-report-*.png."""

import pytest

from checkups.codes import Source
from employer_data.services import csv_import_confirm, csv_import_prepare
from intake.services import checkup_store
from tests.checkups.documents import document
from tests.employer_data.helpers import TODAY, csv_bytes, employee, employer_of, mapping_for, row_for
from tests.factories import staff_user

from .conftest import look, staff_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMOKING = "9N736000000000011"  # 喫煙 (question 8): answers 1 and 2 only (SPEC §4.4)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_refused_correction_says_why_in_japanese_only(browser, live_server, world, size) -> None:
    checkup, _ = checkup_store(person=world.person_a, document=document(world.person_a), source=Source.CLINIC_API)
    page = staff_page(browser, live_server.url, staff_user(world.insurer_a, "nurse"), size=size)
    page.goto(f"{live_server.url}/admin/checkups/checkup/{checkup.pk}/change/")
    form = page.locator("form", has=page.get_by_role("button", name="修正して再判定する"))
    form.get_by_label("項目").select_option(value=SMOKING)
    form.get_by_label("新しい値").fill("7")
    form.get_by_label("修正理由").fill("聞き取りの結果")
    with page.expect_navigation():
        form.get_by_role("button", name="修正して再判定する").click()
    text = page.locator(".errornote").inner_text()
    assert "この修正は受け付けられません" in text and "'7'" in text
    assert "喫煙" in text
    for word in ("SPEC", "answer_not_in_set", "allowed set", "answer", SMOKING):
        assert word not in text, text
    look(page, "correction-refused", size)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_an_employer_csv_import_reports_its_rows_in_words(browser, live_server, world, size) -> None:
    employer = employer_of(world.insurer_a)
    person = employee(employer, "611", TODAY.replace(year=TODAY.year - 50))
    data = csv_bytes([row_for(person), row_for(person, 血圧上="abc", exam=TODAY)])
    record, _ = csv_import_prepare(
        insurer=world.insurer_a, employer=employer, mapping=mapping_for(employer), data=data, file_name="kenshin.csv",
        uploaded_by_id=None, today=TODAY,
    )  # fmt: skip
    csv_import_confirm(csv_import=record, today=TODAY)
    page = staff_page(browser, live_server.url, staff_user(world.insurer_a, "clerk"), size=size)
    page.goto(f"{live_server.url}/admin/employer_data/csvimport/{record.pk}/change/")
    text = page.locator("#content").inner_text()
    assert "取り込めません" in text and "数値ではありません" in text and "血圧上" in text
    for word in ("bad_number", "not a number", "rejected", '"errors"', "groups["):
        assert word not in text, text
    look(page, "csv-import-report", size)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_csv_preview_shows_a_bad_row_in_words(browser, live_server, world, size, tmp_path) -> None:
    employer = employer_of(world.insurer_a)
    mapping = mapping_for(employer)
    person = employee(employer, "612", TODAY.replace(year=TODAY.year - 50))
    upload = tmp_path / "kenshin.csv"
    upload.write_bytes(csv_bytes([row_for(person), row_for(person, 血圧上="abc", exam=TODAY)]))
    page = staff_page(browser, live_server.url, staff_user(world.insurer_a, "clerk"), size=size)
    page.goto(f"{live_server.url}/admin/employer_data/csvimport/upload/")
    page.get_by_label("事業所").select_option(value=str(employer.pk))
    page.get_by_label("列対応 (保存済み)").select_option(value=str(mapping.pk))
    page.get_by_label("CSVファイル (UTF-8 / Shift_JIS)").set_input_files(str(upload))
    with page.expect_navigation():
        page.locator("#content form [type=submit]").first.click()
    text = page.locator("#content").inner_text()
    assert "数値ではありません" in text and "血圧上" in text
    for word in ("bad_number", "not a number", "SPEC"):
        assert word not in text, text
    look(page, "csv-preview", size)
