"""Outcome visibility (特定保健指導の見える化, SPEC §6.7): what is counted, added up and averaged. Pure.

The database returns `OutcomeCell`s — counts per (fiscal year, level, provider, mode) of the programmes that had a
final evaluation — and one `FollowUpCell` per comparison group of the year after. This module adds cells up
into the report's breakdowns and turns sums into means rounded half-up to 0.1.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal

from guidance.codes import BehaviourCategory, ContactForm, ProgrammeLevel

# The outcome categories of the report (issue #17 keys) and the point lines of the rules that earn them
# (guidance.points, SPEC §5.5): 2cm·2kg includes the 0.024 row; 1cm·1kg only applies without the 180 row.
OUTCOME_RULES: dict[str, tuple[str, ...]] = {
    "2cm2kg": ("outcome_2cm_2kg", "outcome_weight_0024"),
    "1cm1kg": ("outcome_1cm_1kg",),
    "diet": (f"behaviour_{BehaviourCategory.DIET.value}",),
    "exercise": (f"behaviour_{BehaviourCategory.EXERCISE.value}",),
    "smoking": (f"behaviour_{BehaviourCategory.SMOKING.value}",),
    "rest": (f"behaviour_{BehaviourCategory.REST.value}",),
    "other": (f"behaviour_{BehaviourCategory.OTHER.value}",),
}
OUTCOME_KEYS: tuple[str, ...] = tuple(OUTCOME_RULES)

# SPEC §6.7 by level; ◆ 動機付け支援相当 (SPEC §2.8) with the intensive ones, as in the statutory report (SPEC §6.6)
LEVEL_KEYS: dict[int, str] = {
    ProgrammeLevel.INTENSIVE: "intensive",
    ProgrammeLevel.MOTIVATIONAL: "motivational",
    ProgrammeLevel.MOTIVATIONAL_EQUIVALENT: "intensive",
}
# SPEC §6.7 mode, from the forms of the initial interview and the support contacts (SPEC §5.2) ◆: telephone and
# email/chat are not face to face, so they count as remote with the ICT forms.
FACE_TO_FACE_FORMS: tuple[int, ...] = (ContactForm.INDIVIDUAL_IN_PERSON, ContactForm.GROUP_IN_PERSON)
REMOTE_FORMS: tuple[int, ...] = (
    ContactForm.INDIVIDUAL_REMOTE,
    ContactForm.GROUP_REMOTE,
    ContactForm.TELEPHONE,
    ContactForm.EMAIL_CHAT,
)
MODE_KEYS: tuple[str, ...] = ("remote", "face_to_face", "mixed")
MEAN_DECIMALS = Decimal("0.1")  # issue #17: means rounded to 0.1 (half-up, like the published figures)
FOLLOW_UP_GROUPS: tuple[str, ...] = ("completed", "not_started")


def mode_of(*, face_to_face: bool, remote: bool) -> str | None:
    """remote only / face-to-face only / mixed (SPEC §6.7); None without any contact of those kinds."""
    if face_to_face and remote:
        return "mixed"
    if remote:
        return "remote"
    if face_to_face:
        return "face_to_face"
    return None


@dataclass(frozen=True)
class OutcomeCounts:
    """Programmes with a final evaluation, how many completed, and each outcome category met (SPEC §6.7)."""

    final_evaluated: int = 0
    completed: int = 0
    outcomes: Mapping[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOME_KEYS, 0))

    def __add__(self, other: "OutcomeCounts") -> "OutcomeCounts":
        return OutcomeCounts(
            final_evaluated=self.final_evaluated + other.final_evaluated,
            completed=self.completed + other.completed,
            outcomes={key: self.outcomes[key] + other.outcomes[key] for key in OUTCOME_KEYS},
        )

    def as_dict(self) -> dict:
        return {
            "final_evaluated": self.final_evaluated,
            "completed": self.completed,
            "outcomes": {key: self.outcomes[key] for key in OUTCOME_KEYS},
        }


@dataclass(frozen=True)
class OutcomeCell:
    fiscal_year: int
    level: str  # LEVEL_KEYS value
    provider_id: int | None
    mode: str | None
    counts: OutcomeCounts


@dataclass(frozen=True)
class Provider:
    pk: int | None
    number: str | None
    name: str


@dataclass(frozen=True)
class FollowUpCell:
    """One comparison group of the year after (SPEC §6.7): sums, so means are exact before rounding."""

    group: str  # FOLLOW_UP_GROUPS
    people: int = 0
    waist_pairs: int = 0
    waist_change_sum: Decimal = Decimal(0)  # FY N+1 − FY N, cm (negative: smaller waist)
    weight_pairs: int = 0
    weight_change_sum: Decimal = Decimal(0)
    level_improved: int = 0
    left_targets: int = 0


def mean_half_up(total: Decimal, count: int) -> Decimal | None:
    """total ÷ count rounded half-up to 0.1; None when nobody has both values."""
    if not count:
        return None
    return (Decimal(total) / count).quantize(MEAN_DECIMALS, rounding=ROUND_HALF_UP)


def exact_sum(value: object) -> Decimal:
    """A database SUM of one-decimal values as an exact Decimal (SQLite sums them as binary floats)."""
    if value is None:
        return Decimal(0)
    # SQLite's float sum may arrive already as Decimal("5.90000000000001"); a sum of one-decimal values has one
    return Decimal(str(value)).quantize(MEAN_DECIMALS)


def add_up(cells: Iterable[OutcomeCell]) -> OutcomeCounts:
    total = OutcomeCounts()
    for cell in cells:
        total += cell.counts
    return total


def grouped(cells: Iterable[OutcomeCell], key: str) -> dict[object, OutcomeCounts]:
    result: dict[object, OutcomeCounts] = {}
    for cell in cells:
        value = getattr(cell, key)
        result[value] = result.get(value, OutcomeCounts()) + cell.counts
    return result


def follow_up_dict(cell: FollowUpCell | None) -> dict:
    cell = cell or FollowUpCell(group="")
    waist, weight = (
        mean_half_up(cell.waist_change_sum, cell.waist_pairs),
        mean_half_up(cell.weight_change_sum, cell.weight_pairs),
    )
    return {
        "people": cell.people,
        "mean_waist_change_cm": None if waist is None else float(waist),
        "mean_weight_change_kg": None if weight is None else float(weight),
        "level_improved": cell.level_improved,
        "left_targets": cell.left_targets,
    }


@dataclass(frozen=True)
class OutcomeReport:
    insurer_number: str
    fiscal_year: int
    cells: tuple[OutcomeCell, ...]  # of this fiscal year
    providers: Mapping[int | None, Provider]
    follow_up: Mapping[str, FollowUpCell]

    @property
    def totals(self) -> OutcomeCounts:
        return add_up(self.cells)

    def by_level(self) -> dict[str, OutcomeCounts]:
        found = grouped(self.cells, "level")
        return {key: found.get(key, OutcomeCounts()) for key in ("intensive", "motivational")}

    def by_mode(self) -> dict[str, OutcomeCounts]:
        found = grouped(self.cells, "mode")
        return {key: found.get(key, OutcomeCounts()) for key in MODE_KEYS}

    def by_provider(self) -> list[tuple[Provider, OutcomeCounts]]:
        found = grouped(self.cells, "provider_id")
        rows = [(self.providers[pk], counts) for pk, counts in found.items() if pk is None or isinstance(pk, int)]
        return sorted(rows, key=lambda row: (row[0].number is None, row[0].number or ""))


FOLLOW_UP_FIELDS = tuple(f.name for f in fields(FollowUpCell))
