"""SPEC §2.1: BMI from height and weight, half-up to 0.1 in decimal arithmetic; warn on a > 0.1 difference."""

from decimal import Decimal, localcontext

import pytest

from checkups.bmi import bmi_differs, compute_bmi

D = Decimal


@pytest.mark.parametrize(
    ("height", "weight", "expected"),
    [
        ("160", "63.8", "24.9"),  # 24.921875: below 25 (group B boundary, SPEC §2.2)
        ("160", "63.9", "25.0"),  # 24.9609375 rounds up to 25.0
        ("170", "72.2", "25.0"),  # 24.982…
        ("200", "99.4", "24.9"),  # exactly 24.85: half-up gives 24.9 (half-even would give 24.8)
        ("200", "99.8", "25.0"),  # exactly 24.95
        ("200", "99.6", "24.9"),  # exactly 24.90
        ("175.5", "80.0", "26.0"),  # 25.974…
        ("150", "45", "20.0"),
    ],
)
def test_compute_bmi(height: str, weight: str, expected: str) -> None:
    result = compute_bmi(D(height), D(weight))
    assert result == D(expected)
    assert str(result) == expected  # always one decimal


def test_compute_bmi_ignores_the_callers_decimal_context() -> None:
    with localcontext() as ctx:
        ctx.prec = 3
        assert compute_bmi(D("200"), D("99.4")) == D("24.9")


@pytest.mark.parametrize("height", ["0", "-170"])
def test_compute_bmi_rejects_non_positive_height(height: str) -> None:
    with pytest.raises(ValueError, match="height"):
        compute_bmi(D(height), D("60"))


@pytest.mark.parametrize(
    ("reported", "computed", "differs"),
    [
        ("25.0", "25.1", False),  # 0.1 is tolerated
        ("25.1", "25.0", False),
        ("25.0", "25.2", True),
        ("25.3", "25.1", True),
        ("25.11", "25.0", True),  # > 0.1, even by a little
        (None, "25.0", False),
        ("25.0", None, False),
    ],
)
def test_bmi_differs(reported: str | None, computed: str | None, differs: bool) -> None:
    as_decimal = lambda v: None if v is None else D(v)  # noqa: E731
    assert bmi_differs(as_decimal(reported), as_decimal(computed)) is differs
