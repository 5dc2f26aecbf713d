"""Pure pieces: unit conversions, date reading, recoding, mapping checks, age bands, submission status."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from employer_data.age_bands import band_of
from employer_data.mapping import ColumnSpec, map_row, mapping_problems, parse_date
from employer_data.models import SubmissionStatus
from employer_data.status import submission_status
from employer_data.units import CONVERSIONS, convert


@pytest.mark.parametrize(
    ("key", "value", "digits", "expected"),
    [
        ("glucose_mmol_l", "5.2", 0, "94"),  # 93.683 → 94
        ("glucose_mmol_l", "5.55", 0, "100"),  # 99.989 → 100: the 空腹時血糖 100 boundary (SPEC §2.3)
        ("glucose_mmol_l", "5.49", 0, "99"),  # 98.908
        ("triglycerides_mmol_l", "1.20", 0, "106"),  # 106.284
        ("triglycerides_mmol_l", "1.69", 0, "150"),  # 149.68 → 150: the TG 150 boundary (SPEC §2.3)
        ("cholesterol_mmol_l", "1.03", 0, "40"),  # 39.83 → 40: HDL 40 boundary
        ("creatinine_umol_l", "88.4", 2, "1.00"),
        ("hba1c_jds_to_ngsp", "5.2", 1, "5.6"),  # 1.02 × 5.2 + 0.25 = 5.554 → 5.6 (SPEC §2.3 HbA1c 5.6)
        ("hba1c_jds_to_ngsp", "6.1", 1, "6.5"),  # 6.472 → 6.5
        ("height_m", "1.705", 1, "170.5"),
    ],
)
def test_conversions_round_half_up_to_the_item_format(key: str, value: str, digits: int, expected: str) -> None:
    assert convert(Decimal(value), CONVERSIONS[key], digits) == Decimal(expected)


@given(st.decimals(min_value=Decimal("0.1"), max_value=Decimal("50"), places=2))
def test_glucose_conversion_is_monotonic(value: Decimal) -> None:
    conversion = CONVERSIONS["glucose_mmol_l"]
    assert convert(value, conversion, 0) <= convert(value + Decimal("0.01"), conversion, 0)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-06-10", dt.date(2025, 6, 10)),
        ("2025/6/10", dt.date(2025, 6, 10)),
        ("20250610", dt.date(2025, 6, 10)),
        ("２０２５／０６／１０", dt.date(2025, 6, 10)),  # full width
        ("R7.6.10", dt.date(2025, 6, 10)),
        ("令和7年6月10日", dt.date(2025, 6, 10)),
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        ("H31.4.30", dt.date(2019, 4, 30)),
        ("S45.1.1", dt.date(1970, 1, 1)),
        ("2025-02-30", None),
        ("R7.13.1", None),
        ("昨日", None),
    ],
)
def test_parse_date(raw: str, expected: dt.date | None) -> None:
    assert parse_date(raw) == expected


SPECS = [
    ColumnSpec("番号", "card_number"),
    ColumnSpec("生年月日", "birth_date"),
    ColumnSpec("性別", "sex"),
    ColumnSpec("受診日", "exam_date"),
    ColumnSpec("尿糖", "item", "1A020000000191111", {"陰性": "1"}),
    ColumnSpec("服薬", "item", "9N701000000000011"),
    ColumnSpec("血糖", "item", "3D010000001926101", conversion="glucose_mmol_l"),
]


@pytest.mark.parametrize(
    ("cells", "code", "value", "error"),
    [
        ({"尿糖": "陰性"}, "1A020000000191111", "1", None),  # saved recoding
        ({"尿糖": "-"}, "1A020000000191111", "1", None),  # the answer label itself
        ({"尿糖": "3"}, "1A020000000191111", "3", None),  # the code itself
        ({"尿糖": "弱陽性"}, "1A020000000191111", None, "answer_not_in_set"),
        ({"服薬": "服薬なし"}, "9N701000000000011", "2", None),
        ({"血糖": "５．２"}, "3D010000001926101", "94", None),  # full-width digits, converted
        ({"血糖": "5,2"}, "3D010000001926101", None, "bad_number"),  # ◆ ambiguous comma refused
        ({"血糖": "abc"}, "3D010000001926101", None, "bad_number"),
    ],
)
def test_map_row_recodes_and_converts(cells: dict, code: str, value: str | None, error: str | None) -> None:
    raw = {"番号": "1", "生年月日": "S45.1.1", "性別": "男", "受診日": "2025/6/10", **cells}
    mapped = map_row(raw, SPECS, insurer_number="06999999")
    items = mapped.document.items_dict()
    assert (items[code]["value"] if code in items else None) == value
    assert [e.code for e in mapped.errors] == ([error] if error else [])
    assert (mapped.document.sex, mapped.document.birth_date) == (1, dt.date(1970, 1, 1))


@pytest.mark.parametrize(("sex", "expected"), [("男", 1), ("女性", 2), ("F", 2), ("２", 2), ("3", None)])
def test_sex_column(sex: str, expected: int | None) -> None:
    mapped = map_row({"番号": "1", "性別": sex}, SPECS, insurer_number="06999999")
    assert mapped.document.sex == expected
    assert bool(mapped.errors) == (expected is None)


def test_mapping_problems() -> None:
    assert mapping_problems(SPECS) == []
    problems = mapping_problems(
        [
            ColumnSpec("x", "item", "0000"),
            ColumnSpec("HDL", "item", "3F070000002327101", conversion="glucose_mmol_l"),
            ColumnSpec("尿糖", "item", "1A020000000191111", {"陰性": "9"}),
            ColumnSpec("y", "unknown"),
        ]
    )
    assert len(problems) == 8  # 4 required roles + unknown code + wrong conversion + bad recode + bad role


@pytest.mark.parametrize(
    ("birth", "band"),
    [
        (dt.date(1986, 3, 31), "40_74"),  # 40 on March 31, 2026 (SPEC §1.2)
        (dt.date(1986, 4, 1), "40_74"),  # reaches 40 at the end of March 31, 2026 (SPEC §1.2 revised)
        (dt.date(1986, 4, 2), "under_40"),  # 39
        (dt.date(1951, 4, 2), "40_74"),  # 74 at the end of FY2025
        (dt.date(1951, 4, 1), "40_74"),  # age basis 75, 75th birthday April 1, 2026: still a target (SPEC §1.3)
        (dt.date(1951, 3, 31), "75_plus"),  # 75th birthday inside FY2025
        (dt.date(1950, 4, 1), "75_plus"),  # 75th birthday April 1, 2025, the year's first day
    ],
)
def test_age_band_uses_the_fiscal_year_end(birth: dt.date, band: str) -> None:
    assert band_of(birth, 2025).key == band


@pytest.mark.parametrize(
    ("requested", "expected", "received", "confirmed", "status"),
    [
        (False, 10, 0, False, SubmissionStatus.NONE),
        (True, 10, 0, False, SubmissionStatus.REQUESTED),
        (True, 10, 0, True, SubmissionStatus.REQUESTED),  # nothing received is never "received"
        (True, 10, 9, False, SubmissionStatus.PARTIAL),
        (True, 10, 10, False, SubmissionStatus.RECEIVED),
        (False, 10, 3, True, SubmissionStatus.RECEIVED),
        (False, 0, 1, False, SubmissionStatus.RECEIVED),
    ],
)
def test_submission_status(requested: bool, expected: int, received: int, confirmed: bool, status: str) -> None:
    actual = submission_status(requested=requested, expected=expected, received=received, confirmed_complete=confirmed)
    assert actual == status
