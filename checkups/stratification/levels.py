"""Steps 3–4 (SPEC §2.4–§2.6): the level table, the age and medication exceptions, and missing facts enumerated."""

from collections.abc import Mapping
from itertools import product
from typing import Any

from checkups.codes import GuidanceLevel

_I, _M, _N = GuidanceLevel.INTENSIVE, GuidanceLevel.MOTIVATIONAL, GuidanceLevel.INFORMATION
# SPEC §2.4: level by group and number of risks ①–④ (④ counted only with one of ①–③), index = count 0–4.
LEVEL_BY_RISK_COUNT: Mapping[str, tuple[GuidanceLevel, ...]] = {
    "A": (_N, _M, _I, _I, _I),
    "B": (_N, _M, _M, _I, _I),
}
_LEVEL_A, _LEVEL_B = LEVEL_BY_RISK_COUNT["A"], LEVEL_BY_RISK_COUNT["B"]
EXCEPTION_AGE = "age_65_74"  # SPEC §2.5b: age basis 65 or more (stored code, kept although 75 is included)

# The yes/no facts a level depends on, in `levels_known` argument order; an unknown one is enumerated (SPEC §2.6 ◆).
FACTS = ("waist", "bmi", "blood_pressure", "lipids", "glucose", "smoking", "medication")
Levels = tuple[GuidanceLevel, GuidanceLevel, GuidanceLevel]


def levels_known(a: bool, b: bool, bp: bool, lip: bool, glu: bool, smk: bool, med: bool, senior: bool) -> Levels:
    """(steps 1–3 level, level after the age exception, final level) for fully known facts (SPEC §2.2–§2.5)."""
    if a:
        table = _LEVEL_A
    elif b:
        table = _LEVEL_B
    else:
        return _N, _N, _N
    n = bp + lip + glu
    if n and smk:  # SPEC §2.3 ④: smoking counts only with one of ①–③
        n += 1
    step3 = table[n]
    without_med = _M if senior and step3 is _I else step3  # SPEC §2.5b
    return step3, without_med, _N if med else without_med  # SPEC §2.5a


def enumerate_levels(facts: tuple[bool | None, ...], senior: bool) -> tuple[Levels, tuple[str, ...], bool]:
    """SPEC §2.6 ◆: try every value of the unknown facts; a level that varies is 判定不能.

    Returns the three levels, the unknown facts that can change the final level, and whether 積極的支援 was
    possible before the age exception (so the age exception is reported when it may have applied).
    """
    unknown = [i for i, fact in enumerate(facts) if fact is None]
    outcomes: dict[tuple[bool, ...], Levels] = {}
    for combo in product((False, True), repeat=len(unknown)):
        values: list[Any] = list(facts)  # every None is replaced by a bool below
        for i, value in zip(unknown, combo, strict=True):
            values[i] = value
        a, b, bp, lip, glu, smk, med = values
        outcomes[combo] = levels_known(a, b, bp, lip, glu, smk, med, senior)
    levels = []
    for k in range(3):
        seen = {outcome[k] for outcome in outcomes.values()}
        levels.append(seen.pop() if len(seen) == 1 else GuidanceLevel.UNDETERMINED)
    reasons = []
    for pos, fact_index in enumerate(unknown):
        for combo, outcome in outcomes.items():
            if not combo[pos] and outcomes[(*combo[:pos], True, *combo[pos + 1 :])][2] != outcome[2]:
                reasons.append(FACTS[fact_index])
                break
    intensive_possible = any(outcome[0] is _I for outcome in outcomes.values())
    return (levels[0], levels[1], levels[2]), tuple(reasons), intensive_possible
