"""The figures of the statutory report (法定報告, SPEC §6.6): what is counted, per stratum and in total. Pure.

The database returns one `StatutoryCounts` per (sex, 5-year band); this module fills the strata nobody is in
(the report always has all 14 rows), adds them up and computes the two rates the way the published figures
round them (half-up to one decimal of a percentage, SPEC §6.6).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

from members.age_basis import AGE_BANDS, AgeBand
from members.codes import Sex

# SPEC §6.6: sex 1 男, 2 女 × the 5-year bands 40-44 … 70-74, always all 14 rows, in this order
REPORT_SEXES: tuple[int, ...] = (Sex.MALE.value, Sex.FEMALE.value)
RATE_DECIMALS = Decimal("0.1")  # SPEC §6.6: percentages rounded half-up to one decimal

Stratum = tuple[int, int]  # (sex, lower bound of the age band)


@dataclass(frozen=True)
class StatutoryCounts:
    """The counts of one stratum (SPEC §6.6); field order is the order of the report's columns."""

    checkup_targets: int = 0  # SPEC §1.3
    checkup_examined: int = 0  # SPEC §6.1
    guidance_targets_intensive: int = 0  # SPEC §6.6, §2.5 (動機付け支援相当 stays here)
    guidance_targets_motivational: int = 0
    guidance_started_intensive: int = 0  # initial interview done (both parts of a split one)
    guidance_started_motivational: int = 0
    guidance_completed_intensive: int = 0  # 終了 (SPEC §5.4, §5.5)
    guidance_completed_motivational: int = 0
    guidance_completed_equivalent: int = 0  # completed 動機付け支援相当 (SPEC §2.8), inside _intensive
    metabolic_syndrome: int = 0  # 9N501 = 1 基準該当 (SPEC §3.3)
    metabolic_reserve: int = 0  # 9N501 = 2 予備群該当
    medication_bp: int = 0  # Q1 = 1 (SPEC §4)
    medication_glucose: int = 0  # Q2 = 1
    medication_lipids: int = 0  # Q3 = 1

    def __add__(self, other: "StatutoryCounts") -> "StatutoryCounts":
        return StatutoryCounts(**{name: getattr(self, name) + getattr(other, name) for name in FIGURE_NAMES})

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in FIGURE_NAMES}

    @property
    def guidance_targets(self) -> int:
        return self.guidance_targets_intensive + self.guidance_targets_motivational

    @property
    def guidance_completed(self) -> int:
        return self.guidance_completed_intensive + self.guidance_completed_motivational


FIGURE_NAMES: tuple[str, ...] = tuple(field.name for field in fields(StatutoryCounts))


@dataclass(frozen=True)
class StatutoryRow:
    sex: int
    band: AgeBand
    counts: StatutoryCounts


@dataclass(frozen=True)
class StatutoryReport:
    """One insurer's fiscal year: 14 rows and the totals (SPEC §6.6)."""

    insurer_number: str
    fiscal_year: int
    rows: tuple[StatutoryRow, ...]

    @property
    def totals(self) -> StatutoryCounts:
        total = StatutoryCounts()
        for row in self.rows:
            total += row.counts
        return total

    @property
    def checkup_rate(self) -> Decimal | None:
        """特定健診実施率 = examined ÷ targets (SPEC §6.1, §6.6), a percentage."""
        totals = self.totals
        return percent_half_up(totals.checkup_examined, totals.checkup_targets)

    @property
    def guidance_rate(self) -> Decimal | None:
        """特定保健指導実施率 = completed ÷ guidance targets, both levels (SPEC §6.2, §6.6), a percentage."""
        totals = self.totals
        return percent_half_up(totals.guidance_completed, totals.guidance_targets)


def percent_half_up(numerator: int, denominator: int) -> Decimal | None:
    """numerator ÷ denominator as a percentage rounded half-up to 0.1 (SPEC §6.6); None with nobody counted."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(RATE_DECIMALS, rounding=ROUND_HALF_UP)


def band_label(band: AgeBand) -> str:
    """The band as the report writes it: "40-44" (SPEC §6.6)."""
    return f"{band.low}-{band.high}"


def report_rows(counts: Mapping[Stratum, StatutoryCounts]) -> tuple[StatutoryRow, ...]:
    """All 14 strata in report order; a stratum the database did not return is all zeros."""
    return tuple(
        StatutoryRow(sex=sex, band=band, counts=counts.get((sex, band.low), StatutoryCounts()))
        for sex in REPORT_SEXES
        for band in AGE_BANDS
    )


def add_up(cells: Iterable[tuple[Stratum, StatutoryCounts]]) -> dict[Stratum, StatutoryCounts]:
    """Counts per stratum, adding cells that share one (e.g. several grouped queries' partial counts)."""
    result: dict[Stratum, StatutoryCounts] = {}
    for stratum, counts in cells:
        result[stratum] = result.get(stratum, StatutoryCounts()) + counts
    return result
