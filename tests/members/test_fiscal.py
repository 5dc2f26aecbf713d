import datetime as dt

import pytest

from members.fiscal import fiscal_year_of


@pytest.mark.parametrize(
    ("day", "fiscal_year"),
    [
        (dt.date(2024, 3, 31), 2023),
        (dt.date(2024, 4, 1), 2024),
        (dt.date(2025, 3, 31), 2024),
        (dt.date(2025, 1, 1), 2024),
    ],
)
def test_fiscal_year_runs_april_to_march(day: dt.date, fiscal_year: int) -> None:
    assert fiscal_year_of(day) == fiscal_year
