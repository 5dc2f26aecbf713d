"""健診結果の送付ファイル作成 (issue #16): the export page, its background run, unique names within a day, scope."""

import datetime as dt
import io
import zipfile

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from checkups.export_runs import ExportSequenceExhausted, export_run_request
from checkups.intake_types import Submitter
from checkups.models import ExportRun
from intake.uploads import upload_receive
from members.models import AccessLog
from tests.checkups.test_uploads_support import cda
from tests.factories import PersonFactory, staff_user

PAGE = "admin:checkups_exportrun_changelist"
DAY = dt.date(2026, 12, 3)


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the archives go to a temporary directory


@pytest.fixture
def two_years(world):
    """One counted checkup in FY2025 and one in FY2026 for insurer A."""
    later = PersonFactory(insurer=world.insurer_a, card_number="112", birth_date=dt.date(1968, 5, 5))
    for person, exam in ((world.person_a, dt.date(2025, 6, 10)), (later, dt.date(2026, 6, 10))):
        upload_receive(submitter=Submitter(label="command"), data=cda(person, exam_date=exam), file_name=f"{exam}.xml")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _export(client: Client, fiscal_year: int, capture) -> ExportRun:
    with capture(execute=True):
        response = client.post(
            reverse("admin:checkups_exportrun_start"), {"insurer": "06999999", "fiscal_year": fiscal_year}
        )
    assert response.status_code == 302 and response["Location"] == reverse(PAGE)
    return ExportRun.objects.latest("pk")


def test_page_offers_the_own_insurer_and_years_as_japanese_labels(world, alice_client, two_years) -> None:
    html = alice_client.get(reverse(PAGE)).content.decode()
    assert "健診結果の送付ファイル作成" in html and "A健保" in html
    assert "2025年度" in html and "2026年度" in html and "FY20" not in html
    assert '<select name="insurer"' not in html  # one insurer: nothing to choose
    assert world.insurer_b.name not in html


def test_a_user_of_two_insurers_chooses(world, two_years) -> None:
    nurse = staff_user(world.insurer_a, "nurse")
    staff_user(world.insurer_b, "nurse")  # the same user, member of B too
    html = _client(nurse).get(reverse(PAGE)).content.decode()
    assert '<select name="insurer"' in html and world.insurer_b.name in html


def test_export_a_year_then_download_it(world, alice, alice_client, two_years, django_capture_on_commit_callbacks):
    run = _export(alice_client, 2025, django_capture_on_commit_callbacks)
    assert run.status == ExportRun.Status.DONE and run.progress == 100 and run.count == 1  # eager Celery in tests
    progress = alice_client.get(reverse("admin:checkups_exportrun_progress", args=[run.pk])).json()
    assert progress == {"status": "done", "label": "完了", "progress": 100, "stage": "完了", "error": ""}
    html = alice_client.get(reverse(PAGE)).content.decode()
    assert run.file_name in html and "ダウンロード" in html and "1 件" in html
    download = alice_client.get(reverse("admin:checkups_exportrun_download", args=[run.pk]))
    assert download["Content-Disposition"] == f'attachment; filename="{run.file_name}"'
    names = zipfile.ZipFile(io.BytesIO(download.getvalue())).namelist()
    root = run.file_name.removesuffix(".zip")
    assert f"{root}/ix08_V08.xml" in names and len([n for n in names if "/DATA/h" in n]) == 1
    logged = AccessLog.objects.filter(action=AccessLog.Action.EXPORT, target=f"export-run-download:{run.pk}")
    assert list(logged.values_list("person_id", "user")) == [(world.person_a.pk, alice.pk)]


def test_two_exports_of_a_day_get_different_names(world, alice_client, two_years, django_capture_on_commit_callbacks):
    first = _export(alice_client, 2025, django_capture_on_commit_callbacks)
    second = _export(alice_client, 2026, django_capture_on_commit_callbacks)
    again = _export(alice_client, 2025, django_capture_on_commit_callbacks)
    assert [first.sequence, second.sequence, again.sequence] == [0, 1, 2]
    assert len({first.file_name, second.file_name, again.file_name}) == 3
    day = f"{first.created_on:%Y%m%d}"
    assert first.file_name == f"0006999999_06999999_{day}0_1.zip"
    assert second.file_name == f"0006999999_06999999_{day}1_1.zip"
    with zipfile.ZipFile(second.file.open("rb")) as archive:  # the folder and DATA names carry the number too
        assert all(n.startswith(f"0006999999_06999999_{day}1_1/") for n in archive.namelist())
        assert any(f"/DATA/h0006999999{day}11" in n for n in archive.namelist())


def test_the_sequence_counts_per_insurer_and_day(world, alice) -> None:
    assert export_run_request(insurer=world.insurer_a, fiscal_year=2025, requested_by=alice, today=DAY).sequence == 0
    assert export_run_request(insurer=world.insurer_b, fiscal_year=2025, requested_by=None, today=DAY).sequence == 0
    assert export_run_request(insurer=world.insurer_a, fiscal_year=2026, requested_by=alice, today=DAY).sequence == 1
    next_day = DAY + dt.timedelta(days=1)
    assert (
        export_run_request(insurer=world.insurer_a, fiscal_year=2025, requested_by=alice, today=next_day).sequence == 0
    )


def test_ten_a_day_then_refused(world, alice, alice_client) -> None:
    for _ in range(10):
        export_run_request(insurer=world.insurer_a, fiscal_year=2025, requested_by=alice, today=DAY)
    with pytest.raises(ExportSequenceExhausted):
        export_run_request(insurer=world.insurer_a, fiscal_year=2025, requested_by=alice, today=DAY)
    assert ExportRun.objects.count() == 10


def test_the_database_refuses_a_second_run_with_the_same_number(world) -> None:
    ExportRun.objects.create(insurer=world.insurer_a, fiscal_year=2025, created_on=DAY, sequence=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        ExportRun.objects.create(insurer=world.insurer_a, fiscal_year=2026, created_on=DAY, sequence=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        ExportRun.objects.create(insurer=world.insurer_a, fiscal_year=2026, created_on=DAY, sequence=10)


def test_a_running_export_shows_its_progress(world, alice, alice_client) -> None:
    run = export_run_request(insurer=world.insurer_a, fiscal_year=2025, requested_by=alice)
    ExportRun.objects.filter(pk=run.pk).update(
        status=ExportRun.Status.RUNNING, progress=40, stage="特定健診情報ファイル"
    )
    html = alice_client.get(reverse(PAGE)).content.decode()
    assert 'id="export-progress"' in html and 'value="40"' in html and "特定健診情報ファイル" in html
    assert reverse("admin:checkups_exportrun_progress", args=[run.pk]) in html
    assert alice_client.get(reverse("admin:checkups_exportrun_download", args=[run.pk])).status_code == 404


def test_a_failed_export_says_why_in_staff_words(
    world, alice_client, two_years, monkeypatch, django_capture_on_commit_callbacks
):
    from checkups import exports

    monkeypatch.setattr(exports, "validate_against_xsd", lambda doc, kind: ["line 1: broken"])
    run = _export(alice_client, 2025, django_capture_on_commit_callbacks)
    assert run.status == ExportRun.Status.FAILED and "broken" in run.error and not run.file
    html = alice_client.get(reverse(PAGE)).content.decode()
    assert "国の定める様式に合わない記録があったため" in html and "broken" not in html
    assert not AccessLog.objects.exists()  # nothing handed out, nothing logged


def test_another_insurers_run_answers_404(world, alice, bob, two_years, django_capture_on_commit_callbacks) -> None:
    run = _export(_client(alice), 2025, django_capture_on_commit_callbacks)
    other = _client(bob)
    for name in (
        "admin:checkups_exportrun_progress",
        "admin:checkups_exportrun_download",
        "admin:checkups_exportrun_change",
    ):
        assert other.get(reverse(name, args=[run.pk])).status_code == 404, name
    assert run.file_name not in other.get(reverse(PAGE)).content.decode()
    response = other.post(reverse("admin:checkups_exportrun_start"), {"insurer": "06999999", "fiscal_year": 2025})
    assert response.status_code == 404 and ExportRun.objects.count() == 1


def test_the_checkup_list_links_to_the_page(alice_client) -> None:
    html = alice_client.get(reverse("admin:checkups_checkup_changelist")).content.decode()
    assert reverse(PAGE) in html and "送付ファイルを作成" in html


@pytest.mark.parametrize("runs", [0, 5])
def test_page_query_count_is_constant(world, alice, alice_client, two_years, runs, django_assert_num_queries) -> None:
    for year in range(runs):
        export_run_request(insurer=world.insurer_a, fiscal_year=2020 + year, requested_by=alice)
    alice_client.get(reverse(PAGE))  # warm the session
    # session, user, memberships, insurers, years, runs (with insurer and requester), 2 permission reads: the same
    # with no run and with five (the session is saved once a minute, config.middleware.IdleSessionMiddleware)
    with django_assert_num_queries(8):
        assert alice_client.get(reverse(PAGE)).status_code == 200


def test_start_and_download_query_counts(
    world, alice, alice_client, two_years, django_assert_num_queries, django_capture_on_commit_callbacks
) -> None:
    run = _export(alice_client, 2025, django_capture_on_commit_callbacks)
    with django_assert_num_queries(4):
        alice_client.get(reverse("admin:checkups_exportrun_progress", args=[run.pk]))
    # session, user, memberships, the run, its people, the job title, one bulk insert to the access log
    with django_assert_num_queries(7):
        alice_client.get(reverse("admin:checkups_exportrun_download", args=[run.pk])).getvalue()


@pytest.fixture
def english(alice_client):
    alice_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    yield alice_client
    translation.activate(settings.LANGUAGE_CODE)  # the middleware leaves the thread in English


def test_the_page_in_english(english, two_years, django_capture_on_commit_callbacks) -> None:
    _export(english, 2025, django_capture_on_commit_callbacks)
    html = english.get(reverse(PAGE)).content.decode()
    for text in ("Create checkup submission files", "Submission files created", "FY2025", "Download", "Created by"):
        assert text in html
    assert "送付ファイル" not in html and "年度" not in html
