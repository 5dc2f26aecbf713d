"""SPEC §9.5 file checks through POST /api/v1/uploads/: each CDA against hc08_V08.xsd, the archive's parts compared.

A file failing its schema is refused with the schema's message and line while the other files go on; a receiver
that is not one of our insurers refuses the archive; every other disagreement is a warning on the upload's report
with its own code (real clinic systems write such archives: tests/fixtures/real/).
"""

import io
import zipfile
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from checkups.mhlw.cda import parse_cda
from checkups.mhlw.file_checks import archive_findings, parse_root_name
from checkups.models import Checkup, Upload
from tests.checkups.mhlw_samples import ROOT, SAMPLE_INDEX
from tests.checkups.test_uploads_support import archive_of, cda, zip_fixed
from tests.conftest import key_client
from tests.factories import InsurerFactory, PersonFactory

URL = "/api/v1/uploads/"
REAL = Path(__file__).parents[1] / "fixtures" / "real" / "5521111111_00280081_202405271_1.deid.zip"


@pytest.fixture
def clinic_api(clinic_x_key) -> APIClient:
    return key_client(clinic_x_key)


def _upload(client: APIClient, data: bytes, name: str = "a.zip"):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(URL, {"file": upload}, format="multipart")


def _codes(warnings: list[dict]) -> list[str]:
    return [w["code"] for w in warnings]


def test_a_file_failing_the_schema_is_refused_with_its_line_and_the_others_go_on(world, clinic_api) -> None:
    other = PersonFactory(insurer=world.insurer_a, card_number="555")
    broken = cda(other).replace(b'<birthTime value="19700615"/>', b'<birthTime value="1970-06-15"/>')
    assert broken != cda(other)
    response = _upload(clinic_api, archive_of([cda(world.person_a), broken]))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["summary"] == {"accepted": 1, "rejected": 1, "held": 0}
    (error,) = body["records"][1]["errors"]
    assert error["code"] == "schema_invalid"
    assert error["value"].endswith("000001.xml")  # the file
    assert "hc08_V08.xsd" in error["message_ja"] and "行目" in error["message_ja"]
    assert "birthTime" in error["message_en"] and "line " in error["message_en"]
    assert list(Checkup.objects.values_list("person_id", flat=True)) == [world.person_a.pk]


def test_an_archive_for_an_insurer_that_is_not_ours_is_refused(world, clinic_api) -> None:
    index = SAMPLE_INDEX.replace(b'extension="06999999"', b'extension="01234567"')
    assert index != SAMPLE_INDEX
    response = _upload(clinic_api, archive_of([cda(world.person_a)], index=index))
    assert response.status_code == 400, response.json()
    (error,) = response.json()["errors"]
    assert (error["code"], error["field"]) == ("unknown_receiver", "file")
    assert "01234567" in error["message_ja"] and "01234567" in error["message_en"]
    assert not Checkup.objects.exists()
    assert Upload.objects.get().status == Upload.Status.FAILED


def test_a_file_count_that_does_not_match_is_a_warning(world, clinic_api) -> None:
    entries = {f"{ROOT}/ix08_V08.xml": SAMPLE_INDEX.replace(b'value="1"/>', b'value="3"/>')}
    entries[f"{ROOT}/DATA/h99999999992026040100000000.xml"] = cda(world.person_a)
    response = _upload(clinic_api, zip_fixed(entries))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert _codes(body["warnings"]) == ["file_count_mismatch"]
    (warning,) = body["warnings"]
    assert warning["value"] == "3" and "3" in warning["message_en"] and "1 files" in warning["message_en"]
    assert body["summary"]["accepted"] == 1


def _real_people(insurer) -> None:
    """The four persons of the real archive, enrolled, so its records can be matched (SPEC §1.5)."""
    with zipfile.ZipFile(REAL) as archive:
        for name in archive.namelist():
            if "/DATA/" in name and name.endswith(".xml"):
                doc = parse_cda(archive.read(name))
                PersonFactory(
                    insurer=insurer,
                    card_symbol=doc.card_symbol,
                    card_number=doc.card_number,
                    card_branch=doc.card_branch or "00",
                    sex=doc.sex,
                    birth_date=doc.birth_date,
                )


def test_the_real_vendor_archive_names_each_oddity_as_a_warning(db, clinic_api) -> None:
    insurer = InsurerFactory(number="00280081", name="実データ保険者")
    _real_people(insurer)
    response = _upload(clinic_api, REAL.read_bytes(), REAL.name)
    assert response.status_code == 201, response.json()
    body = response.json()
    warnings = {w["code"]: w for w in body["warnings"]}
    # the folder says 5521111111, ix08 2899999900, the CDA files 2899999901–03 (SPEC §9.5: a warning)
    assert set(warnings) == {"sender_number_differs", "claims_old_namespace"}
    senders = warnings["sender_number_differs"]
    assert senders["value"] == "5521111111, 2899999900, 2899999901, 2899999902, 2899999903"
    assert "5521111111_00280081_202405271_1" in senders["message_en"] and "ix08_V08.xml" in senders["message_ja"]
    claims = warnings["claims_old_namespace"]
    assert "4 CLAIMS files" in claims["message_en"] and "第3期" in claims["message_ja"]
    # ix08 counts 8 files (4 DATA + 4 CLAIMS) and su08 4 persons: both agree, so no count warning
    assert body["summary"] == {"accepted": 4, "rejected": 0, "held": 0}, body["records"]
    assert Checkup.objects.filter(insurer=insurer).count() == 4
    assert Upload.objects.get().warnings == body["warnings"]


@pytest.mark.parametrize(
    ("name", "parsed"),
    [
        ("5521111111_00280081_202405271_1", ("5521111111", "00280081", "1")),
        ("5521111111_00280081_20240527_1", None),
        ("clinic-export", None),
    ],
)
def test_root_folder_name(name: str, parsed) -> None:
    assert parse_root_name(name) == parsed


def _findings(**overrides) -> list[str]:
    values = {
        "root_name": "9999999999_06999999_202604010_1",
        "index_sender": "9999999999",
        "index_receiver": "06999999",
        "index_service_event_type": 1,
        "index_file_count": 1,
        "data_names": ["r/DATA/h99999999992026040100000000.xml"],
        "claims_names": [],
        "claims_namespaces": {},
        "old_namespace": "old",
        "summary_subject_count": None,
        **overrides,
    }
    return [w["code"] for w in archive_findings(**values)]


@pytest.mark.parametrize(
    ("overrides", "codes"),
    [
        ({}, []),
        ({"index_sender": "9999999998"}, ["sender_number_differs"]),
        ({"root_name": "9999999999_06888888_202604010_1"}, ["receiver_number_differs"]),
        ({"root_name": "9999999999_06999999_202604010_2"}, ["service_event_type_differs"]),
        ({"root_name": "export"}, ["root_folder_name_unexpected"]),
        ({"index_file_count": 2}, ["file_count_mismatch"]),
        ({"summary_subject_count": 2}, ["summary_count_mismatch"]),
        ({"data_names": [], "index_file_count": 0}, ["no_data_files"]),
        (
            {
                "claims_names": ["r/CLAIMS/c1.xml"],
                "claims_namespaces": {"r/CLAIMS/c1.xml": "old"},
                "index_file_count": 2,
            },
            ["claims_old_namespace"],
        ),
    ],
)
def test_each_disagreement_has_its_own_code(overrides, codes) -> None:
    assert _findings(**overrides) == codes


def test_an_archive_whose_every_record_is_refused_answers_422_with_its_report(world, clinic_api) -> None:
    response = _upload(clinic_api, archive_of([cda(world.person_a, items={"9N736000000000011": "9"})]))
    assert response.status_code == 422, response.json()
    body = response.json()
    assert body["summary"] == {"accepted": 0, "rejected": 1, "held": 0}
    assert body["records"][0]["errors"][0]["code"] == "answer_not_in_set"
    assert not Checkup.objects.exists()


def test_a_file_naming_another_clinic_is_stored_under_that_clinic_with_the_sender_kept(
    world, clinic_api, clinic_x
) -> None:
    """◆ Decision: not refused (SPEC §9.5 lets a 代行機関 send for many clinics): the checkup's clinic is the one
    the file names, the sending key's clinic is kept as the sender (submitted_by_clinic), never the other way."""
    response = _upload(clinic_api, archive_of([cda(world.person_a, clinic_number="9999999997")]))
    assert response.status_code == 201, response.json()
    checkup = Checkup.objects.select_related("clinic").get()
    assert checkup.clinic.number == "9999999997"
    assert checkup.submitted_by_clinic == clinic_x
