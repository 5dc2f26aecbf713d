from decimal import Decimal

import pytest

from checkups.mhlw import itemtable


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("1:特記すべきことあり、2:特記すべきことなし", {"1": "特記すべきことあり", "2": "特記すべきことなし"}),
        ("１：Ａ、２：Ｂ", {"1": "A", "2": "B"}),
        (
            "2:食後10時間以上、3:3.5時間以上10時間未満、4:３．５時間未満",
            {"2": "食後10時間以上", "3": "3.5時間以上10時間未満", "4": "3.5時間未満"},
        ),
        (
            "0：詳細健診以外で実施、1：検査結果による心電図検査対象者。2：不整脈",
            {"0": "詳細健診以外で実施", "1": "検査結果による心電図検査対象者", "2": "不整脈"},
        ),
        ("", {}),
    ],
)
def test_parse_answers_normalises_full_width(note: str, expected: dict[str, str]) -> None:
    assert itemtable.parse_answers(note) == expected


def test_item_definitions_come_from_the_table() -> None:
    height = itemtable.item("9N001000000000001")
    assert height is not None
    assert (height.name, height.value_type, height.unit, height.format) == ("身長", "PQ", "cm", "NNN.N")
    assert height.requirement_checkup == "1"
    smoking = itemtable.item("9N736000000000011")
    assert smoking is not None
    assert smoking.answer_oid == "1.2.392.200119.6.24060"
    assert set(smoking.answers) == {"1", "2", "3"}
    assert itemtable.item("0000000000000000X") is None


def test_third_period_answer_sets_differ() -> None:
    smoking = itemtable.item("9N736000000000011", period=3)
    assert smoking is not None
    assert set(smoking.answers) == {"1", "2"}
    assert itemtable.item("9N806000000000011", period=3) is not None
    assert itemtable.item("9N806000000000011", period=4) is None


def test_series_group_and_author_columns() -> None:
    creatinine = itemtable.item("3C015161602399911")
    assert creatinine is not None
    assert (creatinine.group_id, creatinine.group_relation) == ("3C015161002399949", "RSON")
    assert itemtable.author_parents()["9N516000000000049"] == ("9N511000000000049",)


def test_required_groups_merge_lower_case_glucose_letters() -> None:
    groups = itemtable.required_groups("010")
    assert "3D046000001906202" in groups[itemtable.LOWERCASE_GROUP_KEY]  # HbA1c (d)
    assert "3D010129901926101" in groups[itemtable.LOWERCASE_GROUP_KEY]  # 随時血糖 (c)
    assert {"A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L"} <= set(groups)
    assert "W" in itemtable.required_groups("030")


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("NNN.N", Decimal("999.9")), ("NN.NN", Decimal("99.99")), ("NNNNN", Decimal("99999")), ("256", None), ("", None)],
)
def test_max_value_for_format(fmt: str, expected: Decimal | None) -> None:
    assert itemtable.max_value_for_format(fmt) == expected
