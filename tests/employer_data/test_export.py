"""Under-40 employer checkups exported as a 4th-period archive that validates against the MHLW XSDs."""

import datetime as dt

from django.core.management import call_command

from checkups.mhlw.archive import open_archive
from checkups.mhlw.cda import parse_cda
from checkups.mhlw.safe_xml import validate_against_xsd
from employer_data.services import csv_import_confirm, csv_import_prepare

from .helpers import TODAY, csv_bytes, employee, employer_of, mapping_for, row_for


def test_export_under_40_archive_validates(world, tmp_path) -> None:
    employer = employer_of(world.insurer_a)
    young = employee(employer, "901", dt.date(1998, 8, 8))
    old = employee(employer, "902", dt.date(1968, 8, 8))
    record, _ = csv_import_prepare(
        insurer=world.insurer_a,
        employer=employer,
        mapping=mapping_for(employer),
        data=csv_bytes([row_for(young), row_for(old)]),
        file_name="x.csv",
        uploaded_by_id=None,
        today=TODAY,
    )
    assert csv_import_confirm(csv_import=record, today=TODAY).stored_count == 2
    out = tmp_path / "under40.zip"
    call_command("export_employer_data", insurer="06999999", fiscal_year=2025, under_40=True, out=str(out))

    archive = open_archive(out.read_bytes())
    assert archive.index is not None and archive.index.service_event_type == 4
    assert validate_against_xsd(archive.read_member(f"{archive.root_name}/ix08_V08.xml"), "ix") == []
    files = list(archive.data_files())
    assert len(files) == 1  # the ≥ 40 record is not in the under-40 export
    for _, data in files:
        assert validate_against_xsd(data, "hc") == []
        document = parse_cda(data)
        assert (document.card_number, document.program, document.report_category) == ("901", "030", "41")
        assert document.observation("3D010000001926101") is not None
