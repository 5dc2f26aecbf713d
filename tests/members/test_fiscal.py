import datetime as dt

import pytest

from members.fiscal import age_at_fiscal_year_end, fiscal_year_of


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
    ("birth", "fiscal_year", "age"),
    [
        (dt.date(1960, 3, 31), 2024, 65),  # turns 65 on March 31, 2025: within FY2024
        (dt.date(1960, 4, 1), 2024, 64),  # turns 65 on April 1, 2025: FY2025 (SPEC §1.2 ◆)
        (dt.date(1985, 3, 31), 2024, 40),
        (dt.date(1985, 4, 1), 2024, 39),
        (dt.date(1960, 2, 29), 2024, 65),
    ],
)
def test_age_basis_is_the_age_on_march_31(birth: dt.date, fiscal_year: int, age: int) -> None:
    assert age_at_fiscal_year_end(birth, fiscal_year) == age
