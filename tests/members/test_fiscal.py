import datetime as dt

import pytest

from members.fiscal import fiscal_year_of, month_end, month_start


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


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (dt.date(2026, 12, 3), dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
        (dt.date(2026, 11, 30), dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
        (dt.date(2027, 2, 1), dt.date(2027, 2, 1), dt.date(2027, 2, 28)),
        (dt.date(2028, 2, 15), dt.date(2028, 2, 1), dt.date(2028, 2, 29)),  # leap year
    ],
)
def test_month_start_and_end(day: dt.date, start: dt.date, end: dt.date) -> None:
    assert (month_start(day), month_end(day)) == (start, end)
