"""manage.py import_mhlw: archives and single CDA files, a summary (or --json), idempotent re-import."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from checkups.models import Checkup, HeldRecord
from tests.checkups.test_uploads_support import archive_of, cda, sample_archive_fixed, sample_person


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_mhlw", *args, stdout=out)
    return out.getvalue()


def test_imports_archives_and_xml_files_with_a_summary(world, tmp_path) -> None:
    sample_person(world.insurer_a)
    archive = tmp_path / "9999999999_06999999_202604010_1.zip"
    archive.write_bytes(sample_archive_fixed())
    single = tmp_path / "h1.xml"
    single.write_bytes(cda(world.person_a, items={"9N736000000000011": "9"}))
    text = _run(str(archive), str(single))
    assert "1 accepted, 0 rejected, 0 held of 1" in text
    assert "0 accepted, 1 rejected, 0 held of 1" in text
    assert "9N736000000000011" in text
    assert Checkup.objects.count() == 1


def test_json_summary_and_reimport_is_idempotent(world, tmp_path) -> None:
    path = tmp_path / "a.zip"
    path.write_bytes(archive_of([cda(world.person_a), cda(None, card_number="0")]))
    first = json.loads(_run(str(path), "--json"))
    second = json.loads(_run(str(path), "--json"))
    (summary,) = first["files"]
    assert (summary["status"], summary["accepted"], summary["held"], summary["already_imported"]) == (
        "done",
        1,
        1,
        False,
    )
    assert [r["status"] for r in summary["records"]] == ["accepted", "held"]
    assert second["files"][0]["already_imported"] is True
    assert second["files"][0]["upload"] == summary["upload"]
    assert (Checkup.objects.count(), HeldRecord.objects.count()) == (1, 1)


def test_unsafe_file_is_reported(world, tmp_path) -> None:
    path = tmp_path / "bad.zip"
    path.write_bytes(b"PK\x03\x04 broken")
    text = _run(str(path))
    assert "failed" in text and "file error" in text


def test_missing_path_is_an_error(db, tmp_path) -> None:
    with pytest.raises(CommandError, match="not a file"):
        _run(str(tmp_path / "nope.zip"))
