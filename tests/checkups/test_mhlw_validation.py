import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from checkups.bmi import compute_bmi as computed_bmi
from checkups.mhlw.cda import parse_cda
from checkups.mhlw.document import CheckupDocument, Observation
from checkups.mhlw.validation import ValidationReport, validate_document
from tests.checkups.mhlw_samples import SAMPLE_CDA

TODAY = dt.date(2026, 4, 1)
MEAL = "9N141000000000011"
FASTING_TG = "3F015000002327101"
RANDOM_TG = "3F015129902327101"
RANDOM_GLUCOSE = "3D010129901926101"


@pytest.fixture
def doc() -> CheckupDocument:
    return parse_cda(SAMPLE_CDA)


def codes(report: ValidationReport) -> set[tuple[str, str]]:
    return {(e.field, e.code) for e in report.errors}


def set_value(doc: CheckupDocument, code: str, value: str | None, **changes: Any) -> None:
    observation = doc.observation(code)
    assert observation is not None
    observation.value = value
    for name, new in changes.items():
        setattr(observation, name, new)


def test_sample_is_clean(doc: CheckupDocument) -> None:
    report = validate_document(doc, today=TODAY)
    assert report.errors == []
    assert report.warnings == []
    assert report.ok


def test_unknown_item_code(doc: CheckupDocument) -> None:
    doc.observations.append(Observation(code="9Z999999999999999", value_type="ST", value="x"))
    report = validate_document(doc, today=TODAY)
    assert ("items[9Z999999999999999]", "unknown_item_code") in codes(report)


def test_answer_outside_its_set_names_item_value_and_set(doc: CheckupDocument) -> None:
    set_value(doc, "9N736000000000011", "4")
    report = validate_document(doc, today=TODAY)
    (error,) = [e for e in report.errors if e.code == "answer_not_in_set"]
    assert error.field == "items[9N736000000000011]"
    assert error.value == "4"
    assert "喫煙" in error.message_ja and "'4'" in error.message_ja and "3:いいえ" in error.message_ja


@pytest.mark.parametrize(("period", "answer", "ok"), [(4, "3", True), (3, "3", False), (3, "2", True)])
def test_questionnaire_answer_set_follows_the_period(doc: CheckupDocument, period: int, answer: str, ok: bool) -> None:
    set_value(doc, "9N736000000000011", answer)
    report = validate_document(doc, today=TODAY, period=period)
    assert ("items[9N736000000000011]", "answer_not_in_set") not in codes(report) if ok else codes(report)


@pytest.mark.parametrize(
    ("item", "timing", "ok"),
    [
        (FASTING_TG, "2", True),
        (FASTING_TG, "3", False),
        (FASTING_TG, None, False),
        (RANDOM_TG, "2", False),
        (RANDOM_TG, "3", True),
        (RANDOM_TG, "4", True),
        (RANDOM_GLUCOSE, "2", False),
        (RANDOM_GLUCOSE, "3", True),
    ],
)
def test_meal_timing_links(doc: CheckupDocument, item: str, timing: str | None, ok: bool) -> None:
    doc.observations = [o for o in doc.observations if o.code not in (FASTING_TG, MEAL, "3D010000001926101")]
    doc.observations.append(Observation(code=item, value_type="PQ", value="120", unit="mg/dL"))
    if timing:
        doc.observations.append(
            Observation(code=MEAL, value_type="CD", value=timing, code_system="1.2.392.200119.6.2202")
        )
    report = validate_document(doc, today=TODAY)
    assert ((f"items[{item}]", "meal_timing_required") not in codes(report)) is ok


def test_missing_required_group(doc: CheckupDocument) -> None:
    doc.observations = [o for o in doc.observations if not o.code.startswith("9N0161")]
    report = validate_document(doc, today=TODAY)
    assert ("groups[A]", "required_group_missing") in codes(report)


def test_glucose_group_is_met_by_hba1c_alone(doc: CheckupDocument) -> None:
    doc.observations = [o for o in doc.observations if o.code != "3D010000001926101"]
    assert ("groups[bcd]", "required_group_missing") not in codes(validate_document(doc, today=TODAY))
    doc.observations = [o for o in doc.observations if not o.code.startswith("3D046")]
    assert ("groups[bcd]", "required_group_missing") in codes(validate_document(doc, today=TODAY))


def test_missing_required_item_and_doctor_name(doc: CheckupDocument) -> None:
    doc.observations = [o for o in doc.observations if o.code != "9N001000000000001"]
    set_value(doc, "9N511000000000049", "所見なし", author_name="")
    found = codes(validate_document(doc, today=TODAY))
    assert ("items[9N001000000000001]", "required_item_missing") in found
    assert ("items[9N516000000000049]", "required_item_missing") in found


def test_dependent_item_required_only_with_finding(doc: CheckupDocument) -> None:
    set_value(doc, "9N056000000000011", "1")
    assert ("items[9N056160400000049]", "required_item_missing") in codes(validate_document(doc, today=TODAY))


def test_not_performed_counts_only_with_reason(doc: CheckupDocument) -> None:
    set_value(doc, "1A020000000191111", None, negated=True)
    assert ("groups[K]", "required_group_missing") in codes(validate_document(doc, today=TODAY))
    doc.observations.append(
        Observation(code="9N512000000000011", value_type="CD", value="1", code_system="1.2.392.200119.6.24080")
    )
    assert ("groups[K]", "required_group_missing") not in codes(validate_document(doc, today=TODAY))


def test_employer_checkup_lists_specific_checkup_gaps_separately(doc: CheckupDocument) -> None:
    doc.program = "030"
    doc.observations = [o for o in doc.observations if o.code != "9N701000000000011"]
    report = validate_document(doc, today=TODAY)
    # 業務歴 is CASE03 only: a gap the employer may lawfully leave, so a warning that never blocks the record
    assert ("items[9N051000000000049]", "required_item_missing") not in codes(report)
    assert "items[9N051000000000049]" in {w.field for w in report.warnings}
    assert report.ok
    missing = {e.field for e in report.missing_for_specific_checkup}
    assert "items[9N701000000000011]" in missing  # 服薬1 is CASE01 = 1, CASE03 = 0
    assert "items[9N051000000000049]" not in missing


@pytest.mark.parametrize(
    ("unit", "ok"), [("mg/dL", True), ("mg/dl", True), ("MG/DL", True), ("mmol/L", False), ("", False)]
)
def test_unit_mismatch(doc: CheckupDocument, unit: str, ok: bool) -> None:
    set_value(doc, "3F070000002327101", "52", unit=unit)
    assert (("items[3F070000002327101]", "unit_mismatch") not in codes(validate_document(doc, today=TODAY))) is ok


@pytest.mark.parametrize(
    ("code", "value", "ok"),
    [
        ("9N001000000000001", "100", True),
        ("9N001000000000001", "99.9", False),
        ("9N001000000000001", "250", True),
        ("9N001000000000001", "250.1", False),
        ("3D046000001906202", "3", True),
        ("3D046000001906202", "2.9", False),
        ("3F015000002327101", "5000", True),
        ("3F015000002327101", "5001", False),
        ("9A751000000000001", "49", False),
    ],
)
def test_plausible_ranges(doc: CheckupDocument, code: str, value: str, ok: bool) -> None:
    set_value(doc, code, value)
    assert ((f"items[{code}]", "out_of_plausible_range") not in codes(validate_document(doc, today=TODAY))) is ok


def test_out_of_range_flag_skips_plausibility(doc: CheckupDocument) -> None:
    set_value(doc, FASTING_TG, "9999", out_of_range="H")
    assert (f"items[{FASTING_TG}]", "out_of_plausible_range") not in codes(validate_document(doc, today=TODAY))


@pytest.mark.parametrize(
    ("code", "value", "ok"),
    [
        ("9N001000000000001", "170.2", True),
        ("9N001000000000001", "170", True),
        ("9N001000000000001", "170.25", False),
        ("3C015000002327101", "0.925", False),
        ("9N001000000000001", "abc", False),
        ("9N001000000000001", "NaN", False),
    ],
)
def test_number_format(doc: CheckupDocument, code: str, value: str, ok: bool) -> None:
    set_value(doc, code, value)
    assert ((f"items[{code}]", "bad_format") not in codes(validate_document(doc, today=TODAY))) is ok


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: setattr(d, "exam_date", dt.date(2026, 4, 2)), ("exam_date", "exam_date_in_future")),
        (lambda d: setattr(d, "birth_date", dt.date(2026, 3, 15)), ("birth_date", "birth_date_not_before_exam")),
        (lambda d: setattr(d, "birth_date", dt.date(1905, 3, 14)), ("birth_date", "age_out_of_range")),
        (lambda d: setattr(d, "insurer_number", "6999999"), ("insurer_number", "bad_insurer_number")),
        (lambda d: setattr(d, "insurer_number", "0699999A"), ("insurer_number", "bad_insurer_number")),
        (lambda d: setattr(d, "card_branch", "1"), ("card_branch", "bad_format")),
        (lambda d: setattr(d, "sex", 3), ("sex", "bad_sex")),
        (lambda d: setattr(d, "program", "060"), ("program", "unsupported_program")),
    ],
)
def test_header_sanity(
    doc: CheckupDocument, change: Callable[[CheckupDocument], None], expected: tuple[str, str]
) -> None:
    assert expected not in codes(validate_document(doc, today=TODAY))
    change(doc)
    assert expected in codes(validate_document(doc, today=TODAY))


def test_exam_today_and_age_120_are_accepted(doc: CheckupDocument) -> None:
    doc.exam_date = TODAY
    doc.birth_date = dt.date(1906, 4, 1)
    assert not {"exam_date_in_future", "age_out_of_range"} & {
        e.code for e in validate_document(doc, today=TODAY).errors
    }


@pytest.mark.parametrize(
    ("height", "weight", "expected"),
    [("170.2", "72.5", "25.0"), ("160", "64", "25.0"), ("100", "20.05", "20.1"), ("200", "100.2", "25.1")],
)
def test_computed_bmi_rounds_half_up(height: str, weight: str, expected: str) -> None:
    assert computed_bmi(Decimal(height), Decimal(weight)) == Decimal(expected)


@pytest.mark.parametrize(
    ("sent", "warn"), [("25.0", False), ("25.1", False), ("25.2", True), ("24.9", False), ("24.8", True)]
)
def test_bmi_mismatch_warning(doc: CheckupDocument, sent: str, warn: bool) -> None:
    assert computed_bmi(Decimal("170.2"), Decimal("72.5")) == Decimal("25.0")
    set_value(doc, "9N011000000000001", sent)
    warnings = {w.code for w in validate_document(doc, today=TODAY).warnings}
    assert ("bmi_mismatch" in warnings) is warn
