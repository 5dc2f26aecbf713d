"""Rates from counted cells: totals, breakdowns and the metabolic reduction rate (SPEC §6.1–§6.3, §6.5). Pure.

The database returns one `Cell` per (sex, age band, 本人/家族, employer) with four counts; everything else here
adds those few cells up, so the work per fiscal year does not depend on the number of members.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from members.age_basis import AGE_BANDS

Stratum = tuple[int, int]  # (sex, age band lower bound), SPEC §6.3


@dataclass(frozen=True)
class Cell:
    """Counts of one combination of the breakdown dimensions (SPEC §6.5)."""

    sex: int
    band: int  # lower bound of the 5-year age band (40, 45, … 70)
    relationship: str
    employer_id: int | None
    targets: int = 0  # 特定健診対象者 (SPEC §1.3)
    receivers: int = 0  # 特定健診受診者 (SPEC §6.1)
    guidance_targets: int = 0  # 特定保健指導対象者 (SPEC §6.2)
    guidance_completed: int = 0  # 特定保健指導終了者 (SPEC §6.2)

    @property
    def key(self) -> tuple[int, int, str, int | None]:
        return self.sex, self.band, self.relationship, self.employer_id


@dataclass(frozen=True)
class Fraction:
    numerator: int
    denominator: int

    @property
    def rate(self) -> float | None:
        """numerator ÷ denominator, None when nobody is in the denominator."""
        return self.numerator / self.denominator if self.denominator else None

    def as_dict(self) -> dict[str, int | float | None]:
        return {"numerator": self.numerator, "denominator": self.denominator, "rate": _round(self.rate)}


@dataclass(frozen=True)
class Totals:
    checkup: Fraction
    guidance: Fraction


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def totals(cells: Iterable[Cell]) -> Totals:
    cells = list(cells)
    return Totals(
        checkup=Fraction(sum(c.receivers for c in cells), sum(c.targets for c in cells)),
        guidance=Fraction(sum(c.guidance_completed for c in cells), sum(c.guidance_targets for c in cells)),
    )


BREAKDOWN_DIMENSIONS = ("sex", "age_band", "relationship", "employer")  # SPEC §6.5


def breakdown(
    cells: Iterable[Cell],
    *,
    sex_labels: Mapping[int, str],
    relationship_labels: Mapping[str, str],
    employer_labels: Mapping[int | None, str],
) -> list[dict]:
    """One row per value of each dimension, with numerator and denominator of both rates (SPEC §6.5)."""
    groups: dict[tuple[str, object], list[Cell]] = defaultdict(list)
    for cell in cells:
        groups["sex", cell.sex].append(cell)
        groups["age_band", cell.band].append(cell)
        groups["relationship", cell.relationship].append(cell)
        groups["employer", cell.employer_id].append(cell)
    band_labels = {band.low: band.label for band in AGE_BANDS}
    labels: dict[str, Mapping] = {
        "sex": sex_labels,
        "age_band": band_labels,
        "relationship": relationship_labels,
        "employer": employer_labels,
    }
    order = {dimension: index for index, dimension in enumerate(BREAKDOWN_DIMENSIONS)}
    rows = []
    for (dimension, key), members in sorted(groups.items(), key=lambda g: (order[g[0][0]], str(g[0][1]))):
        figures = totals(members)
        rows.append(
            {
                "dimension": dimension,
                "key": key,
                "label": str(labels[dimension].get(key, key if key is not None else "—")),
                "checkup": figures.checkup.as_dict(),
                "guidance": figures.guidance.as_dict(),
            }
        )
    return rows


def strata(cells: Iterable[Cell]) -> dict[Stratum, tuple[int, int]]:
    """(receivers, guidance targets) per sex × 5-year band (SPEC §6.3)."""
    result: dict[Stratum, tuple[int, int]] = {}
    for cell in cells:
        receivers, targets = result.get((cell.sex, cell.band), (0, 0))
        result[cell.sex, cell.band] = (receivers + cell.receivers, targets + cell.guidance_targets)
    return result


def standardised_estimate(stratum_counts: Mapping[Stratum, tuple[int, int]], standard: Mapping[Stratum, int]) -> float:
    """推定数 = Σ (guidance targets ÷ receivers) × standard population, over strata (SPEC §6.3).

    A stratum with no receivers this year has no rate and adds nothing (◆ there is nothing to standardise).
    """
    estimate = 0.0
    for stratum, population in standard.items():
        receivers, targets = stratum_counts.get(stratum, (0, 0))
        if receivers:
            estimate += targets / receivers * population
    return estimate


def reduction_rate(base_estimate: float, estimate: float) -> float | None:
    """(base − this) ÷ base (SPEC §6.3, rules-notes §3.2); None when the base year has no estimate."""
    if base_estimate <= 0:
        return None
    return (base_estimate - estimate) / base_estimate


def own_receivers_standard(stratum_counts: Mapping[Stratum, tuple[int, int]]) -> dict[Stratum, int]:
    """Default standard population: the base year's own receivers (SPEC §6.3)."""
    return {stratum: receivers for stratum, (receivers, _targets) in stratum_counts.items() if receivers}
