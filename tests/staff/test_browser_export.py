"""Export a fiscal year's archive in real Chromium (issue #16): from the checkup list to the export page, choose the
year, create the file, download it; the ZIP holds the index and one CDA per counted checkup. A run still being
built shows its progress and the page offers the download once it is done. The page fits 1280 px and a phone."""

import datetime as dt
import io
import zipfile

import pytest

from checkups.export_runs import export_run_build, export_run_request
from checkups.intake_types import Submitter
from checkups.models import ExportRun
from intake.uploads import upload_receive
from tests.checkups.test_uploads_support import cda
from tests.factories import PersonFactory, staff_user

from .conftest import look, staff_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def checkups(world) -> None:
    """Two counted checkups in FY2025, one in FY2026."""
    people = [world.person_a] + [
        PersonFactory(insurer=world.insurer_a, card_number=f"{n}", birth_date=dt.date(1968, 5, 5)) for n in (112, 113)
    ]
    for person, exam in zip(people, (dt.date(2025, 6, 10), dt.date(2025, 7, 1), dt.date(2026, 6, 10)), strict=True):
        upload_receive(submitter=Submitter(label="command"), data=cda(person, exam_date=exam), file_name=f"{exam}.xml")


def test_export_a_fiscal_years_archive(browser, live_server, world, checkups) -> None:
    page = staff_page(browser, live_server.url, staff_user(world.insurer_a, "nurse"))
    page.goto(f"{live_server.url}/admin/checkups/checkup/")
    page.get_by_role("link", name="送付ファイルを作成(国の様式)").click()
    assert page.get_by_role("heading", name="健診結果の送付ファイル作成").is_visible()
    assert world.insurer_a.name in page.locator("#content").inner_text()  # one insurer: shown, not chosen
    page.get_by_label("年度").select_option(label="2025年度")
    with page.expect_navigation():
        page.get_by_role("button", name="送付ファイルを作成").click()
    run = ExportRun.objects.get()
    assert run.status == ExportRun.Status.DONE and run.count == 2
    history = page.locator("#export-runs").inner_text()
    assert run.file_name in history and "2025年度" in history and "2 件" in history
    with page.expect_download() as download_info:
        page.get_by_role("link", name="ダウンロード").first.click()
    download = download_info.value
    assert download.suggested_filename == run.file_name
    with open(download.path(), "rb") as body:
        names = zipfile.ZipFile(io.BytesIO(body.read())).namelist()
    root = run.file_name.removesuffix(".zip")
    assert f"{root}/ix08_V08.xml" in names
    assert len([n for n in names if n.startswith(f"{root}/DATA/h")]) == 2

    page.get_by_label("年度").select_option(label="2026年度")  # the same day, another year: a name of its own
    with page.expect_navigation():
        page.get_by_role("button", name="送付ファイルを作成").click()
    second = ExportRun.objects.latest("pk")
    assert second.sequence == run.sequence + 1 and second.file_name != run.file_name
    assert second.file_name in page.locator("#export-runs").inner_text()
    look(page, "export", "desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    look(page, "export", "phone")
    page.context.close()


def test_a_run_being_built_shows_progress_then_the_download(browser, live_server, world, checkups) -> None:
    nurse = staff_user(world.insurer_a, "nurse")
    run = export_run_request(insurer=world.insurer_a, fiscal_year=2025, requested_by=nurse)  # queued, not built
    page = staff_page(browser, live_server.url, nurse, size="phone")
    page.goto(f"{live_server.url}/admin/checkups/exportrun/")
    assert page.get_by_role("progressbar").is_visible()
    assert run.file_name in page.locator("#export-progress").inner_text()
    look(page, "export-running", "phone")
    export_run_build(run_id=run.pk)  # the worker finishes; the page's poll sees it and reloads
    page.get_by_role("link", name="ダウンロード").wait_for()
    assert not page.locator("#export-progress").count()
    page.context.close()
