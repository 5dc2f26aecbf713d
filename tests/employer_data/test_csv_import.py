"""CSV import with a saved mapping (issue #6 acceptance): Shift_JIS, unit conversion, bad rows reported with row,
column, value and rule, re-import without duplicates, under-40 out of the rates, ≥ 40 counted, ≥ 40 without the
medication questions incomplete until staff complete it."""

import datetime as dt
from decimal import Decimal

import pytest

from checkups.codes import Source
from checkups.models import Checkup, CheckupCorrection, HeldRecord
from employer_data.models import CsvImport, Submission, SubmissionStatus
from employer_data.services import (
    checkup_complete_items,
    csv_import_confirm,
    csv_import_prepare,
    submissions_refresh,
)
from intake.services import checkup_store
from rates.computation import counted_checkups, fiscal_year_cells
from tests.checkups.documents import document
from tests.factories import UserFactory

from .helpers import TODAY, csv_bytes, employee, employer_of, mapping_for, row_for

MEDICATION_CODES = ["9N701000000000011", "9N706000000000011", "9N711000000000011", "9N736000000000011"]


@pytest.fixture
def scene(world):
    employer = employer_of(world.insurer_a)
    people = {
        "young": employee(employer, "701", dt.date(1995, 5, 5)),  # 年度末年齢 30 in FY2025
        "old": employee(employer, "702", dt.date(1970, 1, 1)),  # 56
        "nomed": employee(employer, "703", dt.date(1965, 3, 3)),  # 61
        "bad": employee(employer, "704", dt.date(1980, 2, 2)),
        "bad2": employee(employer, "705", dt.date(1975, 7, 7)),
    }
    rows = [
        row_for(people["young"]),
        row_for(people["old"], {"血糖(mmol/L)": "5.2", "中性脂肪(mmol/L)": "1.20"}),
        row_for(people["nomed"], questionnaire=False),
        row_for(people["bad"], {"血圧上": "abc"}),
        row_for(people["bad2"], HbA1c="25.0"),
        {**row_for(people["old"]), "保険証番号": "799"},  # nobody has card 799 → held (SPEC §1.5)
    ]
    data = csv_bytes(rows)
    return employer, mapping_for(employer), people, data


def _prepare(employer, mapping, data, name="kenshin.csv"):
    return csv_import_prepare(
        insurer=employer.insurer,
        employer=employer,
        mapping=mapping,
        data=data,
        file_name=name,
        uploaded_by_id=None,
        today=TODAY,
    )


def _import(employer, mapping, data, name="kenshin.csv") -> CsvImport:
    record, _ = _prepare(employer, mapping, data, name)
    return csv_import_confirm(csv_import=record, today=TODAY)


def _receivers(insurer_id: int, fiscal_year: int = 2025) -> int:
    return sum(cell.receivers for cell in fiscal_year_cells(insurer_id=insurer_id, fiscal_year=fiscal_year))


def test_shift_jis_file_with_saved_mapping_preview_then_import(scene) -> None:
    employer, mapping, people, data = scene
    data.decode("cp932")  # really Shift_JIS: the Japanese header is not UTF-8
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    record, preview = _prepare(employer, mapping, data)
    assert (record.encoding, record.row_count, record.rejected_count, record.status) == ("shift_jis", 6, 2, "previewed")
    assert Checkup.objects.count() == 0  # nothing stored before confirm
    old_cells = {c["column"]: c for c in preview[1]["cells"]}
    assert (old_cells["血糖(mmol/L)"]["raw"], old_cells["血糖(mmol/L)"]["stored"]) == ("5.2", "94 mg/dL")
    assert old_cells["尿糖"]["raw"] == "陰性" and old_cells["尿糖"]["stored"] == "1"  # recoded 陰性 → 1
    assert old_cells["生年月日"]["stored"] == dt.date(1970, 1, 1)

    record = csv_import_confirm(csv_import=record, today=TODAY)
    assert (record.stored_count, record.held_count, record.rejected_count, record.incomplete_count) == (3, 1, 2, 1)
    stored = Checkup.objects.filter(submitted_by_employer=employer)
    assert {c.person_id for c in stored} == {people[k].pk for k in ("young", "old", "nomed")}
    assert {(c.program, c.source) for c in stored} == {("030", Source.EMPLOYER)}
    held = HeldRecord.objects.get()
    assert held.submitted_by_employer == employer and held.document["card_number"] == "799"


def test_unit_conversion_mmol_to_mg_dl(scene) -> None:
    employer, mapping, people, data = scene
    _import(employer, mapping, data)
    checkup = Checkup.objects.get(person=people["old"])
    # 5.2 mmol/L × 18.016 = 93.68 → 94 mg/dL (format NNNN); 1.20 × 88.57 = 106.28 → 106 mg/dL
    assert checkup.glucose_fasting == Decimal("94")
    assert checkup.triglycerides_fasting == Decimal("106")
    assert checkup.items["3D010000001926101"]["unit"] == "mg/dL"


def test_failing_rows_are_reported_with_row_column_value_and_rule_others_imported(scene) -> None:
    employer, mapping, _, data = scene
    record = _import(employer, mapping, data)
    by_line = {entry["line"]: entry for entry in record.report}
    bad = by_line[5]["errors"]
    assert by_line[5]["result"] == "rejected"
    assert [(e["column"], e["value"], e["code"]) for e in bad] == [("血圧上", "abc", "bad_number")]
    assert "数値ではありません" in bad[0]["message_ja"] and "not a number" in bad[0]["message_en"]
    bad2 = by_line[6]["errors"]
    assert [(e["column"], e["value"], e["code"]) for e in bad2] == [("HbA1c", "25.0", "out_of_plausible_range")]
    assert "妥当範囲" in bad2[0]["message_ja"] and "plausible range" in bad2[0]["message_en"]
    assert {by_line[n]["result"] for n in (2, 3, 4)} == {"stored"}


def test_reimport_of_the_same_file_adds_nothing(scene) -> None:
    employer, mapping, _, data = scene
    _import(employer, mapping, data)
    counts = (Checkup.objects.count(), HeldRecord.objects.count())
    again, _ = _prepare(employer, mapping, data, name="kenshin (2).csv")
    assert again.status == CsvImport.Status.DUPLICATE
    assert csv_import_confirm(csv_import=again, today=TODAY).status == CsvImport.Status.DUPLICATE
    # the same rows in another file (UTF-8 this time) replace, never duplicate
    text = data.decode("cp932").encode("utf-8-sig")
    other = _import(employer, mapping, text, name="kenshin-utf8.csv")
    assert other.status == CsvImport.Status.IMPORTED and other.stored_count == 3
    assert (Checkup.objects.count(), HeldRecord.objects.count()) == counts


def test_under_40_record_is_stored_matched_and_kept_out_of_the_rates(scene) -> None:
    employer, mapping, people, data = scene
    _import(employer, mapping, data)
    young = Checkup.objects.get(person=people["young"])
    assert (young.age_at_fy_end, young.program, young.height_cm is not None) == (30, "030", True)
    counted = counted_checkups(insurer_id=employer.insurer_id, fiscal_year=2025)
    assert not counted.filter(person=people["young"]).exists()
    assert _receivers(employer.insurer_id) == 1  # only the complete ≥ 40 record


def test_40_plus_record_with_the_items_counts(scene) -> None:
    employer, mapping, people, data = scene
    _import(employer, mapping, data)
    old = Checkup.objects.get(person=people["old"])
    assert old.is_complete and old.counts_for_fiscal_year and old.missing_items == []
    assert counted_checkups(insurer_id=employer.insurer_id, fiscal_year=2025).filter(pk=old.pk).exists()


def test_40_plus_without_medication_questions_is_incomplete_until_completed(scene) -> None:
    employer, mapping, people, data = scene
    _import(employer, mapping, data)
    checkup = Checkup.objects.get(person=people["nomed"])
    assert not checkup.is_complete
    assert [m["field"] for m in checkup.missing_items] == [f"items[{c}]" for c in MEDICATION_CODES]
    assert _receivers(employer.insurer_id) == 1
    staff = UserFactory(username="hokenshi")

    checkup = checkup_complete_items(
        checkup=checkup, values={MEDICATION_CODES[0]: "2"}, reason="本人に電話で確認", user=staff, today=TODAY
    )
    assert not checkup.is_complete and len(checkup.missing_items) == 3  # still not counted
    assert _receivers(employer.insurer_id) == 1

    rest = dict(zip(MEDICATION_CODES[1:], ["2", "2", "3"], strict=True))
    checkup = checkup_complete_items(checkup=checkup, values=rest, reason="本人に電話で確認", user=staff, today=TODAY)
    assert checkup.is_complete and checkup.missing_items == [] and checkup.counts_for_fiscal_year
    assert checkup.med_blood_pressure == 2 and checkup.current_smoker is False
    assert CheckupCorrection.objects.filter(checkup=checkup).count() == 4
    assert _receivers(employer.insurer_id) == 2


def test_clinic_and_employer_checkup_of_one_person_only_one_counts(scene) -> None:
    employer, mapping, people, data = scene
    # A clinic 特定健診 in May (complete) and the employer's in June (complete): both kept, the earlier counts.
    clinic, _ = checkup_store(
        person=people["old"], document=document(people["old"], exam_date=dt.date(2025, 5, 20)), source="clinic_api"
    )
    # For "nomed" the clinic one comes later but is complete; the employer one is incomplete → the clinic's counts.
    later, _ = checkup_store(
        person=people["nomed"], document=document(people["nomed"], exam_date=dt.date(2025, 9, 1)), source="clinic_api"
    )
    _import(employer, mapping, data)
    old = Checkup.objects.filter(person=people["old"], fiscal_year=2025)
    assert old.count() == 2 and old.filter(counts_for_fiscal_year=True).get().pk == clinic.pk
    nomed = Checkup.objects.filter(person=people["nomed"], fiscal_year=2025)
    assert nomed.count() == 2 and nomed.filter(counts_for_fiscal_year=True).get().pk == later.pk
    assert _receivers(employer.insurer_id) == 2  # one each, never two for a person-year


def test_import_updates_the_submission_status(scene) -> None:
    employer, mapping, _, data = scene
    _import(employer, mapping, data)
    submission = Submission.objects.get(employer=employer, fiscal_year=2025)
    # 5 employees expected, 3 matched + 1 held received → partial
    assert (submission.status, submission.last_received_on) == (SubmissionStatus.PARTIAL, TODAY)
    submission.confirmed_complete = True
    submission.save()
    submissions_refresh(insurer_id=employer.insurer_id, fiscal_year=2025)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RECEIVED
