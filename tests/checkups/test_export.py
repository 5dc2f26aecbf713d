"""MHLW export (checkups.exports, manage.py export_mhlw, admin action): round trip, XSD validity, access log."""

import io
import zipfile
from typing import Any

import pytest
from django.contrib.admin.sites import site
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from checkups.exports import ExportInvalid, checkups_export_mhlw
from checkups.intake_types import Submitter
from checkups.mhlw.archive import open_archive
from checkups.mhlw.cda import parse_cda
from checkups.mhlw.safe_xml import validate_against_xsd
from checkups.models import Checkup, ExportRun
from intake.uploads import upload_receive
from members.actors import Actor, ActorKind, actor_for_user
from members.models import AccessLog
from tests.checkups.mhlw_samples import SAMPLE_CDA
from tests.checkups.test_uploads_support import cda, sample_archive_fixed, sample_person
from tests.factories import PersonFactory

SYSTEM = Actor(kind=ActorKind.SUPERUSER, label="test")
OURS = {"9N501000000000011", "9N506000000000011"}  # replaced by our judgments (SPEC §2.9)


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the admin action's run stores its archive


def _import_sample(world) -> Checkup:
    sample_person(world.insurer_a)
    upload = upload_receive(submitter=Submitter(label="command"), data=sample_archive_fixed(), file_name="s.zip").upload
    return Checkup.objects.get(pk=upload.report[0]["checkup"])


def _documents(data: bytes) -> list:
    archive = open_archive(data)
    return [(name, raw) for name, raw in archive.data_files()]


def test_sample_round_trip_validates_and_keeps_the_item_values(world, tmp_path) -> None:
    checkup = _import_sample(world)
    out = tmp_path / "export.zip"
    call_command("export_mhlw", "--insurer", "06999999", "--fiscal-year", str(checkup.fiscal_year), "--out", str(out))
    data = out.read_bytes()
    archive = open_archive(data)
    assert archive.index is not None
    assert (archive.index.period, archive.index.interaction_type, archive.index.sender) == (4, 10, "06999999")
    root = zipfile.ZipFile(io.BytesIO(data)).namelist()[0].split("/")[0]
    assert validate_against_xsd(archive.read_member(f"{root}/ix08_V08.xml"), "ix") == []
    ((_, written),) = _documents(data)
    assert validate_against_xsd(written, "hc") == []
    original = parse_cda(SAMPLE_CDA)
    exported = parse_cda(written)
    values = {o.code: (o.value, o.unit, o.method_code, o.negated) for o in original.observations if o.code not in OURS}
    again = {o.code: (o.value, o.unit, o.method_code, o.negated) for o in exported.observations if o.code not in OURS}
    assert again == values
    assert exported.observation("9N506000000000011").value == str(checkup.guidance_level)
    assert exported.observation("9N501000000000011").value == str(checkup.metabolic_judgment)
    assert (
        exported.observation("9N511000000000049").author_name == original.observation("9N511000000000049").author_name
    )
    assert (exported.card_number, exported.card_branch, exported.birth_date) == ("1234567", "01", original.birth_date)


def test_export_writes_our_judgments_not_the_clinics(world) -> None:
    person = world.person_a
    upload_receive(
        submitter=Submitter(label="command"),
        data=cda(person, items={"9N506000000000011": ("CD", "3", "", "1.2.392.200119.6.3001")}),
        file_name="h.xml",
    )
    checkup = Checkup.objects.get()
    assert (checkup.clinic_guidance_level, checkup.guidance_level, checkup.clinic_mismatch) == (3, 1, True)
    result = checkups_export_mhlw(insurer=world.insurer_a, fiscal_year=2025, actor=SYSTEM)
    ((_, written),) = _documents(result.data)
    assert parse_cda(written).observation("9N506000000000011").value == "1"


def test_export_has_only_the_counted_checkups_of_the_year_and_insurer(world) -> None:
    other = PersonFactory(insurer=world.insurer_a, card_number="444")
    for person, exam in ((world.person_a, "2025-06-10"), (other, "2024-06-10"), (world.person_b, "2025-06-10")):
        upload_receive(submitter=Submitter(label="command"), data=cda(person, exam_date=_date(exam)), file_name=exam)
    result = checkups_export_mhlw(insurer=world.insurer_a, fiscal_year=2025, actor=SYSTEM)
    assert (result.count, result.person_ids) == (1, [world.person_a.pk])


def _date(text: str):
    import datetime as dt

    return dt.date.fromisoformat(text)


def test_every_exported_person_is_access_logged(world, alice) -> None:
    upload_receive(submitter=Submitter(label="command"), data=cda(world.person_a), file_name="h.xml")
    result = checkups_export_mhlw(insurer=world.insurer_a, fiscal_year=2025, actor=actor_for_user(alice))
    log = AccessLog.objects.get()
    assert (log.person_id, log.action, log.user) == (world.person_a.pk, AccessLog.Action.EXPORT, alice)
    assert log.target == "export:06999999:2025"
    assert result.count == 1


def test_staff_of_another_insurer_export_nothing_of_it(world, bob) -> None:
    upload_receive(submitter=Submitter(label="command"), data=cda(world.person_a), file_name="h.xml")
    result = checkups_export_mhlw(insurer=world.insurer_a, fiscal_year=2025, actor=actor_for_user(bob))
    assert result.count == 0


def test_invalid_output_fails_loudly(world, monkeypatch) -> None:
    upload_receive(submitter=Submitter(label="command"), data=cda(world.person_a), file_name="h.xml")
    from checkups import exports

    monkeypatch.setattr(exports, "validate_against_xsd", lambda doc, kind: ["line 1: broken"] if kind == "hc" else [])
    with pytest.raises(ExportInvalid, match="broken"):
        checkups_export_mhlw(insurer=world.insurer_a, fiscal_year=2025, actor=SYSTEM)
    assert not AccessLog.objects.exists()  # nothing handed out, nothing logged
    with pytest.raises(CommandError, match="invalid"):
        call_command("export_mhlw", "--insurer", "06999999", "--fiscal-year", "2025", "--out", "/tmp/never.zip")


def test_unknown_insurer_is_a_command_error(db, tmp_path) -> None:
    with pytest.raises(CommandError, match="no insurer"):
        call_command("export_mhlw", "--insurer", "01234567", "--fiscal-year", "2025", "--out", str(tmp_path / "x"))


def test_admin_action_downloads_the_same_export(world, alice) -> None:
    from checkups.admin_uploads import export_mhlw_action

    upload_receive(submitter=Submitter(label="command"), data=cda(world.person_a), file_name="h.xml")
    request = RequestFactory().post("/admin/checkups/checkup/")
    request.user = alice
    modeladmin: Any = site._registry.get(Checkup) or _FakeAdmin()
    response = export_mhlw_action(modeladmin, request, Checkup.objects.all())
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="0006999999_06999999_')
    ((_, written),) = _documents(response.getvalue())
    assert validate_against_xsd(written, "hc") == []
    run = ExportRun.objects.get()  # a run of the export page, with the day's first sequence number
    assert run.sequence == 0 and run.file_name in response["Content-Disposition"]
    logged = AccessLog.objects.filter(action=AccessLog.Action.EXPORT, user=alice)
    assert sorted(logged.values_list("target", flat=True)) == [f"export-run-download:{run.pk}", "export:06999999:2025"]
    second = export_mhlw_action(modeladmin, request, Checkup.objects.all())  # the same year again: a new name
    assert second["Content-Disposition"] != response["Content-Disposition"]


def test_admin_action_needs_one_year_and_insurer(world, alice) -> None:
    from checkups.admin_uploads import export_mhlw_action

    for exam in ("2025-06-10", "2024-06-10"):
        upload_receive(
            submitter=Submitter(label="command"), data=cda(world.person_a, exam_date=_date(exam)), file_name=exam
        )
    request = RequestFactory().post("/admin/")
    request.user = alice
    fake = _FakeAdmin()
    assert export_mhlw_action(fake, request, Checkup.objects.all()) is None  # type: ignore[arg-type]  # a stand-in admin
    assert "1つの保険者" in str(fake.messages[0])


class _FakeAdmin:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def message_user(self, request, message, level=None) -> None:
        self.messages.append(message)


def test_the_command_takes_the_days_next_number(world, tmp_path) -> None:
    upload_receive(submitter=Submitter(label="command"), data=cda(world.person_a), file_name="h.xml")
    for n in (1, 2):
        call_command(
            "export_mhlw", "--insurer", "06999999", "--fiscal-year", "2025", "--out", str(tmp_path / f"{n}.zip")
        )
    roots = {zipfile.ZipFile(tmp_path / f"{n}.zip").namelist()[0].split("/")[0] for n in (1, 2)}
    assert len(roots) == 2 and list(ExportRun.objects.order_by("sequence").values_list("sequence", "kind")) == [
        (0, "command"),
        (1, "command"),
    ]
