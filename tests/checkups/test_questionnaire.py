"""SPEC §4: the 22-item questionnaire, versioned by fiscal year; validation (§4.4); derived smoking/drinking (§4.3)."""

import pytest

from checkups.questionnaire import (
    AnswerError,
    answer_label,
    drinks_at_risk,
    is_current_smoker,
    question,
    questions_for,
    validate_answer,
)
from infra.i18n import in_language
from members.codes import Sex

EXPECTED_4TH = [
    (1, "med_blood_pressure", "9N701000000000011"),
    (2, "med_glucose", "9N706000000000011"),
    (3, "med_lipids", "9N711000000000011"),
    (4, "history_stroke", "9N716000000000011"),
    (5, "history_heart", "9N721000000000011"),
    (6, "history_kidney", "9N726000000000011"),
    (7, "anaemia", "9N731000000000011"),
    (8, "smoking", "9N736000000000011"),
    (9, "weight_gain_since_20", "9N741000000000011"),
    (10, "exercise_habit", "9N746000000000011"),
    (11, "physical_activity", "9N751000000000011"),
    (12, "walking_speed", "9N756000000000011"),
    (13, "chewing", "9N872000000000011"),
    (14, "eating_speed", "9N766000000000011"),
    (15, "late_dinner", "9N771000000000011"),
    (16, "snacking", "9N782000000000011"),
    (17, "skips_breakfast", "9N781000000000011"),
    (18, "drinking_frequency", "9N786000000000011"),
    (19, "drinking_amount", "9N791000000000011"),
    (20, "sleep_rest", "9N796000000000011"),
    (21, "lifestyle_intention", "9N801000000000011"),
    (22, "guidance_history", "9N808000000000011"),
]


@pytest.mark.parametrize(("number", "field", "item_code"), EXPECTED_4TH)
def test_4th_period_table(number: int, field: str, item_code: str) -> None:
    q = questions_for(2024)[number - 1]
    assert (q.number, q.field, q.item_code) == (number, field, item_code)
    assert q.text_ja
    assert q.text_en
    assert q.answer_set_oid.startswith("1.2.392.200119.6.")
    assert all(in_language(label, "ja") and in_language(label, "en") for label in q.answers.values())


@pytest.mark.parametrize("fiscal_year", [2018, 2023, 2024, 2029])
def test_22_unique_items(fiscal_year: int) -> None:
    questions = questions_for(fiscal_year)
    assert [q.number for q in questions] == list(range(1, 23))
    assert len({q.field for q in questions}) == 22
    assert len({q.item_code for q in questions}) == 22


@pytest.mark.parametrize(
    ("field", "oid", "codes"),
    [
        ("smoking", "1.2.392.200119.6.24060", (1, 2, 3)),  # SPEC §4.2
        ("drinking_frequency", "1.2.392.200119.6.24040", (1, 2, 3, 4, 5, 6, 7, 8)),
        ("drinking_amount", "1.2.392.200119.6.24050", (1, 2, 3, 4, 5)),
        ("guidance_history", "1.2.392.200119.6.2003", (1, 2)),
        ("med_blood_pressure", "1.2.392.200119.6.2003", (1, 2)),
        ("chewing", "1.2.392.200119.6.18030", (1, 2, 3)),
        ("eating_speed", "1.2.392.200119.6.2004", (1, 2, 3)),
        ("snacking", "1.2.392.200119.6.18040", (1, 2, 3)),
        ("lifestyle_intention", "1.2.392.200119.6.2007", (1, 2, 3, 4, 5)),
    ],
)
def test_4th_period_answer_sets(field: str, oid: str, codes: tuple[int, ...]) -> None:
    q = question(field, 2024)
    assert q.answer_set_oid == oid
    assert q.allowed_codes == codes


@pytest.mark.parametrize(
    ("field", "item_code", "oid", "codes"),
    [
        ("smoking", "9N736000000000011", "1.2.392.200119.6.2003", (1, 2)),
        ("drinking_frequency", "9N786000000000011", "1.2.392.200119.6.2005", (1, 2, 3)),
        ("drinking_amount", "9N791000000000011", "1.2.392.200119.6.2006", (1, 2, 3, 4)),
        ("guidance_wish", "9N806000000000011", "1.2.392.200119.6.2003", (1, 2)),
    ],
)
def test_3rd_period_differences(field: str, item_code: str, oid: str, codes: tuple[int, ...]) -> None:
    q = question(field, 2023)
    assert (q.item_code, q.answer_set_oid, q.allowed_codes) == (item_code, oid, codes)


def test_q22_changed_between_periods() -> None:
    assert questions_for(2023)[21].field == "guidance_wish"
    assert questions_for(2024)[21].field == "guidance_history"
    with pytest.raises(KeyError):
        question("guidance_history", 2023)
    with pytest.raises(KeyError):
        question("guidance_wish", 2024)


def test_unchanged_questions_are_shared() -> None:
    unchanged = {1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 20, 21}
    for old, new in zip(questions_for(2023), questions_for(2024), strict=True):
        assert (old == new) is (old.number in unchanged)


@pytest.mark.parametrize("value", [1, 2, "1", " 2 ", None, ""])
def test_validate_answer_accepts(value: object) -> None:
    assert validate_answer(question("med_glucose", 2024), value) is None


@pytest.mark.parametrize("value", [0, 3, "3", "x", True, 1.0, "１"])
def test_validate_answer_rejects_with_item_value_and_set(value: object) -> None:
    error = validate_answer(question("med_glucose", 2024), value)
    assert isinstance(error, AnswerError)
    assert (error.field, error.item_code, error.value, error.allowed) == (
        "med_glucose",
        "9N706000000000011",
        value,
        (1, 2),
    )
    assert repr(value) in error.message_ja
    assert "1, 2" in error.message_ja
    assert "1, 2" in error.message_en


@pytest.mark.parametrize(
    ("field", "value", "fiscal_year", "ok"),
    [
        ("smoking", 3, 2024, True),
        ("smoking", 3, 2023, False),  # 3rd period: yes/no only
        ("drinking_frequency", 8, 2024, True),
        ("drinking_frequency", 9, 2024, False),
        ("drinking_frequency", 4, 2023, False),
        ("drinking_amount", 5, 2024, True),
        ("drinking_amount", 5, 2023, False),
        ("drinking_amount", 6, 2024, False),
        ("lifestyle_intention", 5, 2024, True),
        ("lifestyle_intention", 6, 2024, False),
    ],
)
def test_validate_answer_by_period(field: str, value: int, fiscal_year: int, ok: bool) -> None:
    assert (validate_answer(question(field, fiscal_year), value) is None) is ok


@pytest.mark.parametrize(
    ("field", "code", "fiscal_year", "lang", "label"),
    [
        ("smoking", 2, 2024, "ja", "以前は吸っていたが、最近1か月間は吸っていない"),
        ("smoking", 2, 2023, "ja", "いいえ"),
        ("smoking", 1, 2024, "en", "Yes"),
        ("drinking_frequency", 8, 2024, "ja", "飲まない(飲めない)"),
        ("drinking_frequency", 3, 2023, "ja", "ほとんど飲まない(飲めない)"),
        ("drinking_amount", 4, 2024, "ja", "3〜5合未満"),
        ("drinking_amount", 4, 2023, "ja", "3合以上"),
        ("eating_speed", 1, 2024, "en", "Fast"),
        ("smoking", 9, 2024, "ja", None),
        ("smoking", None, 2024, "ja", None),
    ],
)
def test_answer_label(field: str, code: int | None, fiscal_year: int, lang: str, label: str | None) -> None:
    assert answer_label(field, code, fiscal_year, lang) == label


def test_answer_label_unknown_field() -> None:
    with pytest.raises(KeyError):
        answer_label("no_such_field", 1, 2024)


@pytest.mark.parametrize(
    ("code", "fiscal_year", "expected"),
    [
        (1, 2024, True),  # SPEC §4.3: Q8 = 1
        (2, 2024, False),  # former smoker is not a current smoker
        (3, 2024, False),
        (None, 2024, None),
        (4, 2024, None),
        (1, 2023, True),
        (2, 2023, False),  # 3rd period: 2 = いいえ
        (3, 2023, None),  # not a 3rd-period code
    ],
)
def test_is_current_smoker(code: int | None, fiscal_year: int, expected: bool | None) -> None:
    assert is_current_smoker(code, fiscal_year) is expected


# SPEC §4.3, every cell: rows are Q18 frequency 1–8, columns Q19 amount 1–5; R = risk-raising.
DRINKING_TABLE = {
    Sex.MALE: {1: "..RRR", 2: "..RRR", 3: "...RR", 4: "....R", 5: "....R", 6: ".....", 7: ".....", 8: "....."},
    Sex.FEMALE: {1: ".RRRR", 2: ".RRRR", 3: ".RRRR", 4: "...RR", 5: "....R", 6: ".....", 7: ".....", 8: "....."},
}
DRINKING_CELLS = [
    (sex, frequency, amount, row[amount - 1] == "R")
    for sex, rows in DRINKING_TABLE.items()
    for frequency, row in rows.items()
    for amount in range(1, 6)
]


@pytest.mark.parametrize(("sex", "frequency", "amount", "expected"), DRINKING_CELLS)
def test_drinks_at_risk_every_cell(sex: int, frequency: int, amount: int, expected: bool) -> None:
    assert len(DRINKING_CELLS) == 80
    assert drinks_at_risk(sex, frequency, amount) is expected
    assert drinks_at_risk(sex, frequency, amount, fiscal_year=2024) is expected


@pytest.mark.parametrize("sex", [Sex.MALE, Sex.FEMALE])
@pytest.mark.parametrize(
    ("frequency", "expected"),
    [(1, None), (2, None), (3, None), (4, None), (5, None), (6, False), (7, False), (8, False), (None, None)],
)
def test_drinks_at_risk_without_amount(sex: int, frequency: int | None, expected: bool | None) -> None:
    assert drinks_at_risk(sex, frequency, None) is expected


@pytest.mark.parametrize(
    ("sex", "frequency", "amount", "expected"),
    [
        (Sex.MALE, 1, 3, True),  # 毎日 × 2〜3合
        (Sex.MALE, 1, 4, True),  # 毎日 × 3合以上
        (Sex.MALE, 1, 2, False),
        (Sex.FEMALE, 1, 2, True),  # 毎日 × 1〜2合
        (Sex.FEMALE, 1, 1, False),
        (Sex.MALE, 2, 1, False),  # 時々 × 1合未満: no covered cell is risky
        (Sex.FEMALE, 2, 1, False),
        (Sex.MALE, 2, 3, None),  # 時々 covers 週5〜6日 (risky) and 週3〜4日 (not)
        (Sex.FEMALE, 2, 2, None),
        (Sex.MALE, 2, 4, None),
        (Sex.MALE, 3, None, False),  # ほとんど飲まない
        (Sex.MALE, 1, None, None),
        (Sex.MALE, 4, 1, None),  # not a 3rd-period code
    ],
)
def test_drinks_at_risk_3rd_period(sex: int, frequency: int, amount: int | None, expected: bool | None) -> None:
    assert drinks_at_risk(sex, frequency, amount, fiscal_year=2023) is expected
