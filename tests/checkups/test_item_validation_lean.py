"""The lean validation of a JSON upload's items (issue #13: CPU per upload) gives DRF's result for every item:
the same validated item, or the same error through DRF's own path."""

from typing import Any

import pytest
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from checkups.serializers import CheckupInputSerializer
from checkups.serializers_items import CheckupItemSerializer

CODE = "9N001000000000001"
ITEMS: list[Any] = [
    {"code": CODE, "value": 170.0},
    {"code": CODE, "value": 170},
    {"code": CODE, "value": 24.90},
    {"code": CODE, "value": 1e-7},
    {"code": CODE, "value": float("nan")},
    {"code": CODE, "value": " 2 "},
    {"code": CODE, "value": ""},
    {"code": CODE, "value": "x" * 2000},
    {"code": CODE, "value": "x" * 2001},
    {"code": CODE, "value": "異常なし"},
    {"code": CODE, "value": True},
    {"code": CODE, "value": None},
    {"code": CODE, "value": [1]},
    {"code": CODE},
    {"value": 1},
    {"code": f" {CODE} ", "value": 1},
    {"code": "", "value": 1},
    {"code": "   ", "value": 1},
    {"code": "9" * 32, "value": 1},
    {"code": "9" * 33, "value": 1},
    {"code": "9N\x00", "value": 1},
    {"code": "9N\ud800", "value": 1},
    {"code": "コード", "value": 1},
    {"code": 12345, "value": 1},
    {"code": None, "value": 1},
    {"code": CODE, "value": 1, "method": ""},
    {"code": CODE, "value": 1, "method": " 1 "},
    {"code": CODE, "value": 1, "method": "1" * 16},
    {"code": CODE, "value": 1, "method": "1" * 17},
    {"code": CODE, "value": 1, "method": None},
    {"code": CODE, "value": 1, "method": 3},
    {"code": CODE, "value": 1, "unit": "mg/dL"},
    {"code": CODE, "value": 1, "unit": "   "},
    {"code": CODE, "value": 1, "unit": "u" * 33},
    {"code": CODE, "value": 1, "unit": "㎎"},
    {"code": CODE, "value": 1, "unit": "\x00"},
    {"code": CODE, "value": 1, "unit": "mg", "method": "1", "extra": "ignored"},
    None,
    "text",
    [CODE, 1],
]


def _plain(detail: Any) -> Any:
    """An error detail with each message's code (ErrorDetail compares by text only)."""
    if isinstance(detail, dict):
        return {key: _plain(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_plain(value) for value in detail]
    assert isinstance(detail, ErrorDetail)
    return (str(detail), detail.code)


def _drf(item: Any) -> Any:
    """DRF's own validation of the item (the serializer's fields), bypassing the lean path."""
    try:
        return serializers.Serializer.run_validation(CheckupItemSerializer(), item)
    except serializers.ValidationError as exc:
        return ("error", _plain(exc.detail))


def _ours(item: Any) -> Any:
    try:
        return CheckupItemSerializer().run_validation(item)
    except serializers.ValidationError as exc:
        return ("error", _plain(exc.detail))


@pytest.mark.parametrize("item", ITEMS, ids=repr)
def test_an_item_validates_as_drf_validates_it(item: Any) -> None:
    ours, drf = _ours(item), _drf(item)
    assert ours == drf
    assert type(ours) is type(drf)


def test_a_list_of_items_keeps_drfs_errors_by_position() -> None:
    data = {
        "insurer_number": "06999999",
        "card_number": "1",
        "sex": 1,
        "birth_date": "1970-01-01",
        "exam_date": "2025-04-01",
        "program": "010",
        "items": [{"code": CODE, "value": 1}, {"code": "", "value": 1}, {"code": CODE, "value": None}],
    }
    serializer = CheckupInputSerializer(data=data)
    assert not serializer.is_valid()
    errors = _plain(serializer.errors["items"])
    assert {
        position: {name: [code for _, code in found] for name, found in e.items()} for position, e in errors.items()
    } == {
        1: {"code": ["blank"]},
        2: {"value": ["null"]},
    }
    assert serializer.validated_data == {}
