import datetime as dt
import io
import stat
import zipfile

import pytest

from checkups.mhlw.archive import ArchiveLimits, build_archive, open_archive, open_upload
from checkups.mhlw.cda import parse_cda
from checkups.mhlw.errors import ArchiveError
from checkups.mhlw.safe_xml import validate_against_xsd
from tests.checkups.mhlw_samples import (
    NAMESPACE_PERIOD_3,
    NAMESPACE_PERIOD_4,
    ROOT,
    SAMPLE_CDA,
    SAMPLE_INDEX,
    sample_archive,
    zip_bytes,
)


def test_sample_archive_is_read() -> None:
    archive = open_archive(sample_archive(documents=2))
    assert archive.index is not None
    assert (archive.index.period, archive.index.interaction_type, archive.index.service_event_type) == (4, 6, 1)
    assert (archive.index.sender, archive.index.receiver, archive.index.total_record_count) == (
        "9999999999",
        "06999999",
        2,
    )
    assert archive.root_name == ROOT
    assert archive.warnings == []
    files = list(archive.data_files())
    assert len(files) == 2
    assert files[0][1] == SAMPLE_CDA


def test_third_period_namespace_is_accepted() -> None:
    archive = open_archive(sample_archive(index=SAMPLE_INDEX.replace(NAMESPACE_PERIOD_4, NAMESPACE_PERIOD_3)))
    assert archive.index is not None
    assert archive.index.period == 3


def test_unknown_namespace_is_rejected() -> None:
    with pytest.raises(ArchiveError, match="namespace"):
        open_archive(sample_archive(index=SAMPLE_INDEX.replace(NAMESPACE_PERIOD_4, b"urn:other")))


def test_record_count_mismatch_is_a_warning() -> None:
    entries = {
        f"{ROOT}/ix08_V08.xml": SAMPLE_INDEX.replace(b'value="1"/>', b'value="5"/>'),
        f"{ROOT}/DATA/h1.xml": SAMPLE_CDA,
    }
    assert open_archive(zip_bytes(entries)).warnings


def test_missing_index_is_rejected() -> None:
    with pytest.raises(ArchiveError, match=r"ix08_V08\.xml"):
        open_archive(zip_bytes({f"{ROOT}/DATA/h1.xml": SAMPLE_CDA}))


@pytest.mark.parametrize("name", ["../x.xml", f"{ROOT}/../../x.xml", "/etc/x.xml", "C:/x.xml", f"{ROOT}\\DATA\\x.xml"])
def test_path_traversal_entries_are_rejected(name: str) -> None:
    data = zip_bytes({f"{ROOT}/ix08_V08.xml": SAMPLE_INDEX, name: SAMPLE_CDA})
    with pytest.raises(ArchiveError, match="unsafe path"):
        open_archive(data)


def test_symlink_entry_is_rejected() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{ROOT}/ix08_V08.xml", SAMPLE_INDEX)
        link = zipfile.ZipInfo(f"{ROOT}/DATA/h1.xml")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(ArchiveError, match="Symbolic"):
        open_archive(buffer.getvalue())


def test_too_many_entries_are_rejected() -> None:
    entries = {f"{ROOT}/ix08_V08.xml": SAMPLE_INDEX} | {f"{ROOT}/DATA/h{i}.xml": b"<a/>" for i in range(11)}
    with pytest.raises(ArchiveError, match="entries exceed"):
        open_archive(zip_bytes(entries), ArchiveLimits(max_entries=10))


def test_high_compression_ratio_is_rejected() -> None:
    bomb = zip_bytes({f"{ROOT}/ix08_V08.xml": SAMPLE_INDEX, f"{ROOT}/DATA/h1.xml": b"\0" * (5 * 1024 * 1024)})
    with pytest.raises(ArchiveError, match="compression ratio"):
        open_archive(bomb)


def test_total_size_limit_is_enforced_from_headers() -> None:
    entries = {f"{ROOT}/ix08_V08.xml": SAMPLE_INDEX} | {f"{ROOT}/DATA/h{i}.xml": SAMPLE_CDA for i in range(5)}
    with pytest.raises(ArchiveError, match="unpacks to"):
        open_archive(zip_bytes(entries), ArchiveLimits(max_total_uncompressed=len(SAMPLE_CDA) * 3))


def _lying_zip(real: bytes, declared: int) -> bytes:
    """A ZIP whose central directory claims `declared` bytes for a member that really unpacks to `real`."""
    data = bytearray(zip_bytes({f"{ROOT}/ix08_V08.xml": SAMPLE_INDEX, f"{ROOT}/DATA/h1.xml": real}))
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = declared.to_bytes(4, "little")
    local = data.find(b"PK\x03\x04", 1)
    data[local + 22 : local + 26] = declared.to_bytes(4, "little")
    return bytes(data)


def test_lying_size_header_cannot_bomb() -> None:
    archive = open_archive(_lying_zip(b"x" * 200_000, declared=100))
    with pytest.raises(ArchiveError, match="cannot be unpacked"):
        list(archive.data_files())


def test_member_limit_is_enforced_while_reading() -> None:
    archive = open_archive(sample_archive(), ArchiveLimits(max_member=len(SAMPLE_CDA) + 10))
    archive._limits = ArchiveLimits(max_member=100)  # as if the header had understated the size
    with pytest.raises(ArchiveError, match="beyond the limits"):
        list(archive.data_files())


def test_not_a_zip_is_rejected() -> None:
    with pytest.raises(ArchiveError):
        open_archive(b"PK\x03\x04garbage")


def test_open_upload_accepts_a_single_cda() -> None:
    upload = open_upload(SAMPLE_CDA, "h1.xml")
    assert upload.index is None
    assert list(upload.data_files()) == [("h1.xml", SAMPLE_CDA)]
    assert open_upload(sample_archive(), "x.zip").index is not None
    with pytest.raises(ArchiveError):
        open_upload(b"\x89PNG....", "x.png")


def test_guidance_files_are_skipped_for_checkups() -> None:
    entries = {
        f"{ROOT}/ix08_V08.xml": SAMPLE_INDEX.replace(b'value="1"/>', b'value="2"/>'),
        f"{ROOT}/DATA/h1.xml": SAMPLE_CDA,
        f"{ROOT}/DATA/g1.xml": b"<x/>",
    }
    archive = open_archive(zip_bytes(entries))
    assert [name for name, _ in archive.data_files()] == [f"{ROOT}/DATA/h1.xml"]
    assert len(list(archive.data_files(checkup_only=False))) == 2


def test_build_archive_round_trip() -> None:
    document = parse_cda(SAMPLE_CDA)
    name, data = build_archive("06999999", "00000000", dt.date(2026, 4, 1), 1, [document, document], serial=2)
    assert name == "0006999999_00000000_202604012_1.zip"
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    root = name.removesuffix(".zip")
    assert f"{root}/ix08_V08.xml" in names
    assert f"{root}/DATA/h00069999992026040121000000.xml" in names
    assert f"{root}/XSD/coreschemas/voc_hcgv08.xsd" in names
    archive = open_archive(data)
    assert archive.index is not None
    assert (archive.index.period, archive.index.interaction_type, archive.index.total_record_count) == (4, 10, 2)
    assert validate_against_xsd(archive.read_member(f"{root}/ix08_V08.xml"), "ix") == []
    for _, cda in archive.data_files():
        assert validate_against_xsd(cda, "hc") == []
        assert parse_cda(cda).items_dict() == document.items_dict()


def test_sample_wrapped_in_archive_round_trips() -> None:
    """The brief's round trip: sample → archive with ix08 → parse → write → XSD-valid, same values."""
    archive = open_archive(sample_archive())
    ((_, cda),) = archive.data_files()
    document = parse_cda(cda, period=archive.index.period if archive.index else None)
    _, rebuilt = build_archive("9999999999", "06999999", dt.date(2026, 4, 1), 1, [document], interaction_type=6)
    ((_, written),) = open_archive(rebuilt).data_files()
    assert validate_against_xsd(written, "hc") == []
    assert parse_cda(written).items_dict() == document.items_dict()


def test_bad_serial_is_refused() -> None:
    with pytest.raises(ValueError, match="serial"):
        build_archive("9999999999", "06999999", dt.date(2026, 4, 1), 1, [], serial=10)
