"""The statutory report archive (SPEC §6.6, §9): every counted checkup and every reportable programme as files,
each valid against the 4th-period XSDs, and a summary whose figures are the report's."""

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from checkups.export_runs import export_run_request
from checkups.mhlw.safe_xml import parse_xml, validate_against_xsd
from checkups.models import Checkup, ExportRun, ExportRunKind
from members.models import AccessLog
from rates import statutory_export
from rates import tasks as rates_tasks
from rates.models import StatutoryExport
from rates.statutory_export import SUMMARY_CSV, SUMMARY_JSON
from rates.statutory_format import as_json
from rates.statutory_report import statutory_report
from tests.factories import ClinicFactory, staff_user

from .population import FY


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the stored archives go to a temporary directory


@pytest.fixture
def archive(hand_built, tmp_path, capsys):
    Checkup.objects.update(clinic=ClinicFactory(number="1311111111", name="架空健診クリニック"))  # who examined
    out = tmp_path / "report.zip"
    call_command("statutory_export", insurer="06999999", fiscal_year=FY, out=str(out))
    assert "17 checkup files" in capsys.readouterr().out
    return zipfile.ZipFile(io.BytesIO(out.read_bytes()))


def _inner(archive: zipfile.ZipFile, suffix: str) -> zipfile.ZipFile:
    name = next(n for n in archive.namelist() if n.endswith(suffix))
    return zipfile.ZipFile(io.BytesIO(archive.read(name)))


def test_layout(archive):
    names = archive.namelist()
    assert SUMMARY_JSON in names and SUMMARY_CSV in names
    assert sorted(n[-6:] for n in names if n.endswith(".zip")) == ["_1.zip", "_2.zip"]  # 実施区分 1 and 2


def test_every_counted_checkup_is_a_valid_file(archive, hand_built):
    checkups = _inner(archive, "_1.zip")
    data = [n for n in checkups.namelist() if "/DATA/" in n]
    assert len(data) == statutory_report(insurer=hand_built, fiscal_year=FY).totals.checkup_examined == 17
    for name in data:
        assert validate_against_xsd(parse_xml(checkups.read(name)), "hc") == [], name
    index = next(n for n in checkups.namelist() if n.endswith("ix08_V08.xml"))
    assert validate_against_xsd(parse_xml(checkups.read(index)), "ix") == []


def test_every_reportable_programme_is_a_valid_guidance_file(archive):
    guidance = _inner(archive, "_2.zip")
    data = [n for n in guidance.namelist() if "/DATA/" in n]
    assert len(data) == 10  # 11 programmes, the one never started has nothing to report
    for name in data:
        assert validate_against_xsd(parse_xml(guidance.read(name)), "hg") == [], name


def test_summary_equals_the_report(archive, hand_built):
    summary = json.loads(archive.read(SUMMARY_JSON))
    report = as_json(statutory_report(insurer=hand_built, fiscal_year=FY))
    assert summary["totals"] == report["totals"] and summary["rows"] == report["rows"]
    files = summary["files"]
    assert files["checkup_files"] == report["totals"]["checkup_examined"]
    # 21 開始 (in progress), 22 実績評価 (the 5 completed), 23 途中終了 ×2, 24 対象外, 25 初回未完了
    assert files["guidance_files_by_category"] == {"21": 1, "22": 5, "23": 2, "24": 1, "25": 1}
    completed = report["totals"]["guidance_completed_intensive"] + report["totals"]["guidance_completed_motivational"]
    assert files["guidance_files_by_category"]["22"] == completed
    assert archive.read(SUMMARY_CSV).startswith("\ufeff性別,年齢階級,特定健診対象者数".encode())


def test_exported_people_are_in_their_access_log(archive, hand_built):
    logged = AccessLog.objects.filter(action=AccessLog.Action.EXPORT, target__startswith="statutory-export:")
    assert logged.values("person_id").distinct().count() == 17


# ---------------------------------------------------------------- in the admin, with progress


def test_admin_builds_it_with_progress_and_serves_it_to_the_insurers_staff(
    hand_built, world, django_capture_on_commit_callbacks
):
    Checkup.objects.update(clinic=ClinicFactory(number="1311111111", name="架空健診クリニック"))
    alice = Client()
    alice.force_login(staff_user(hand_built, "alice"))
    page = reverse("admin:rates_statutoryreportpage_changelist")
    query: dict[str, str | int] = {"insurer": "06999999", "fiscal_year": FY}
    assert "提出用ファイルを作成" in alice.get(page, query).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = alice.post(reverse("admin:rates_statutory_export"), {"insurer": "06999999", "fiscal_year": FY})
    assert response.status_code == 302
    export = StatutoryExport.objects.get()
    assert export.status == StatutoryExport.Status.DONE and export.progress == 100  # eager Celery in tests
    progress = alice.get(reverse("admin:rates_statutory_export_progress", args=[export.pk])).json()
    assert progress["status"] == "done" and progress["progress"] == 100
    html = alice.get(page, query).content.decode()
    assert "特定健診 17 件" in html and "提出用ファイルをダウンロード" in html
    download = alice.get(reverse("admin:rates_statutory_export_download", args=[export.pk]))
    body = download.getvalue()
    assert json.loads(zipfile.ZipFile(io.BytesIO(body)).read(SUMMARY_JSON))["totals"]["checkup_examined"] == 17
    assert AccessLog.objects.filter(target=f"statutory-export-download:{export.pk}").count() == 17

    bob = Client()
    bob.force_login(staff_user(world.insurer_b, "bob"))
    assert bob.get(reverse("admin:rates_statutory_export_progress", args=[export.pk])).status_code == 404
    assert bob.get(reverse("admin:rates_statutory_export_download", args=[export.pk])).status_code == 404
    assert bob.post(reverse("admin:rates_statutory_export"), {"insurer": "06999999"}).status_code == 404


def test_a_failed_build_says_why(hand_built, monkeypatch, django_capture_on_commit_callbacks):

    monkeypatch.setattr(statutory_export, "build_archive", lambda **kwargs: (_ for _ in ()).throw(ValueError("boom")))
    with django_capture_on_commit_callbacks(execute=True):
        export = rates_tasks.statutory_export_request(insurer=hand_built, fiscal_year=FY, requested_by=None)
    export.refresh_from_db()
    assert export.status == StatutoryExport.Status.FAILED and "boom" in export.error and not export.file


def test_the_checkup_archive_inside_takes_the_days_number(archive, hand_built):
    """The inner checkup archive is named like any other of the day (SPEC §9.1): the export page's next one differs."""
    bundled = ExportRun.objects.get()
    assert (bundled.kind, bundled.sequence, bundled.status, bundled.count) == (ExportRunKind.STATUTORY, 0, "done", 17)
    assert bundled.file_name in archive.namelist()
    following = export_run_request(insurer=hand_built, fiscal_year=FY, requested_by=None)
    assert following.sequence == 1 and following.file_name != bundled.file_name
