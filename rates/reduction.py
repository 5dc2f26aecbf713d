"""The inputs of the metabolic reduction rate of one insurer (SPEC §6.3 revised): base year, base counts, standard.

MHLW's figure compares with FY2008 and standardises on the national population by sex × 5-year band. FY2008 is
before this system, so staff enter the insurer's FY2008 counts per stratum (`ReductionBaseStratum`) with the
standard population; without an entered base nothing is computed (the dashboard says what to enter).
"""

from dataclasses import dataclass

from members.models import Insurer

from .figures import Stratum
from .models import REDUCTION_TARGET_BASE_YEAR, ReductionBase, StandardPopulation


@dataclass(frozen=True)
class ReductionInputs:
    base_fiscal_year: int
    base_strata: dict[Stratum, tuple[int, int]] | None  # (receivers, guidance targets) entered; None: from data
    standard: dict[Stratum, int] | None  # named table or entered population; None: the base year's receivers

    @property
    def against_fy2008(self) -> bool:
        """Only a figure against FY2008 stands next to the 25 % target (SPEC §6.3)."""
        return self.base_fiscal_year == REDUCTION_TARGET_BASE_YEAR


def target_applies(base_fiscal_year: int | None) -> bool:
    return base_fiscal_year == REDUCTION_TARGET_BASE_YEAR


def reduction_inputs(*, insurer: Insurer) -> ReductionInputs | None:
    """The insurer's chosen base, or None when staff have entered none (SPEC §6.3: no silent default)."""
    base = ReductionBase.objects.filter(insurer=insurer).first()
    if base is None:
        return None
    rows = list(base.strata.values_list("sex", "age_from", "receivers", "guidance_targets", "standard_population"))
    entered = {(sex, age): (receivers, targets) for sex, age, receivers, targets, _pop in rows}
    standard: dict[Stratum, int] | None = None
    if base.standard_table:
        table = StandardPopulation.objects.filter(table=base.standard_table)
        standard = {(sex, age): n for sex, age, n in table.values_list("sex", "age_from", "population")} or None
    if standard is None and any(population is not None for *_rest, population in rows):
        standard = {(sex, age): population for sex, age, _r, _t, population in rows if population is not None}
    return ReductionInputs(base_fiscal_year=base.base_fiscal_year, base_strata=entered or None, standard=standard)
