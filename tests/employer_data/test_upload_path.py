"""MHLW archive from an employer key (POST /api/v1/uploads/, the uploads module): the records reach the
submission counts and the ≥ 40 record without the questionnaire waits for staff like a CSV row does."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from checkups.mhlw.archive import build_archive
from checkups.models import Checkup
from demo.employer_data import layout_json
from employer_data.mapping import ColumnSpec, map_row
from employer_data.selectors import incomplete_checkups, submission_status_rows
from employer_data.services import checkup_complete_items, submission_request
from members.actors import actor_for_user
from tests.conftest import key_client
from tests.factories import UserFactory, api_key

from .helpers import TODAY, employee, employer_of, row_for

EMPLOYER_SENDER = "6631111116"  # formats-notes §1.2: an employer's archive


def _document(person, **overrides):
    specs = [ColumnSpec.from_json(c) for c in layout_json()]
    mapped = map_row(row_for(person, **overrides), specs, insurer_number="06999999", clinic_number="9999999998")
    assert not mapped.errors
    return mapped.document


def test_employer_archive_through_the_upload_api(world, alice) -> None:
    employer = employer_of(world.insurer_a)
    young = employee(employer, "951", dt.date(1999, 9, 9))
    older = employee(employer, "952", dt.date(1963, 3, 3))
    employee(employer, "953", dt.date(1971, 1, 1))  # expected, sends nothing
    submission_request(employer=employer, fiscal_year=2025, requested_on=dt.date(2025, 6, 1))
    name, data = build_archive(
        EMPLOYER_SENDER,
        "06999999",
        dt.date(2025, 12, 1),
        4,  # 実施区分 4 他の健診結果の受領分 (SPEC §7.2)
        [_document(young), _document(older, questionnaire=False)],
        interaction_type=6,
    )
    response = key_client(api_key("employer", employer=employer)).post(
        "/api/v1/uploads/", {"file": SimpleUploadedFile(name, data, content_type="application/zip")}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    assert Checkup.objects.filter(submitted_by_employer=employer, program="030").count() == 2

    actor = actor_for_user(alice)
    (row,) = [
        r
        for r in submission_status_rows(actor=actor, insurer_id=world.insurer_a.pk, fiscal_year=2025)
        if r.employer == employer
    ]
    assert row.status == "partial"  # 2 of 3 employees, shown at once whatever the route
    assert {b["key"]: (b["received"], b["expected"]) for b in row.counts.bands()} == {
        "under_40": (1, 1),
        "40_74": (1, 2),
        "75_plus": (0, 0),
    }
    (waiting,) = incomplete_checkups(actor=actor)
    assert (waiting.person_id == older.pk and not waiting.counts_for_fiscal_year) or not waiting.is_complete
    values = {"9N701000000000011": "2", "9N706000000000011": "2", "9N711000000000011": "2", "9N736000000000011": "3"}
    done = checkup_complete_items(
        checkup=Checkup.objects.get(pk=waiting.pk), values=values, reason="確認", user=UserFactory(), today=TODAY
    )
    assert done.is_complete and done.counts_for_fiscal_year
    assert not incomplete_checkups(actor=actor).exists()
