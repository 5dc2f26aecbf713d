"""A database SUM of one-decimal measurements is read back exactly (SQLite sums binary floats)."""

from decimal import Decimal

import pytest

from rates.outcome_figures import exact_sum


@pytest.mark.parametrize(
    ("raw", "exact"),
    [
        (None, Decimal(0)),
        (5.900000000000006, Decimal("5.9")),  # a float from SQLite
        (Decimal("5.90000000000001"), Decimal("5.9")),  # the same, already converted by the DecimalField
        (Decimal("-12.3"), Decimal("-12.3")),  # PostgreSQL's exact numeric
        (Decimal("0"), Decimal("0.0")),
    ],
)
def test_exact_sum(raw, exact) -> None:
    assert exact_sum(raw) == exact
