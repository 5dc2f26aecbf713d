"""The FY2029 targets (SPEC §6.4) are defined once in rates.targets; the seeded, editable rows start from them."""

from decimal import Decimal

import pytest

from members.codes import InsurerType
from rates.models import RateTarget, TargetScope
from rates.selectors import targets_for
from rates.targets import FY2029_TARGETS, INSURER_TYPE_TARGETS, NATIONAL_TARGETS, TARGET_FISCAL_YEAR
from tests.factories import InsurerFactory


def test_one_row_per_scope_and_the_published_national_figures() -> None:
    assert set(FY2029_TARGETS) == set(TargetScope.values)
    assert set(INSURER_TYPE_TARGETS) == set(InsurerType.values)
    assert (NATIONAL_TARGETS.checkup, NATIONAL_TARGETS.guidance, NATIONAL_TARGETS.metabolic_reduction) == (
        Decimal(70),
        Decimal(45),
        Decimal(25),
    )  # SPEC §6.4 / §6.3: 70 %, 45 %, 25 %


@pytest.mark.django_db
def test_the_data_migration_seeded_exactly_these_targets() -> None:
    seeded = {
        row.scope: (row.checkup_percent, row.guidance_percent, row.metabolic_reduction_percent)
        for row in RateTarget.objects.filter(target_fiscal_year=TARGET_FISCAL_YEAR)
    }
    assert seeded == {scope: (t.checkup, t.guidance, t.metabolic_reduction) for scope, t in FY2029_TARGETS.items()}


@pytest.mark.django_db
def test_an_edited_row_wins_over_the_module_defaults() -> None:
    """Editable data stays in the database (SPEC §6.4 ◆): the selectors read the rows, not the constants."""
    RateTarget.objects.filter(scope=InsurerType.SINGLE_KENPO).update(checkup_percent=Decimal(95))
    targets = targets_for(insurer=InsurerFactory(insurer_type=InsurerType.SINGLE_KENPO))
    assert targets.checkup == Decimal("0.95")
    assert targets.metabolic_reduction == Decimal("0.25")  # the national 25 % (SPEC §6.3)
