"""Facts about a guidance programme and its contacts (SPEC §5.2, §5.3), and the dates derived from them.

Plain frozen values: the rules in `points`, `completion` and `rules` read these and never touch the database.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from guidance.action_plan import ActionPlan
from guidance.behaviour import BehaviourChange, behaviour_changes
from guidance.codes import (
    ContactForm,
    ContactKind,
    DropoutReason,
    ExclusionCause,
    ProgrammeLevel,
)
from guidance.months import add_months_clamped

INITIAL_KINDS = frozenset({ContactKind.INITIAL, ContactKind.INITIAL_PART1, ContactKind.INITIAL_PART2})
# The kinds that open the initial interview; a split interview starts at ① (SPEC §5.3)
INITIAL_START_KINDS = frozenset({ContactKind.INITIAL, ContactKind.INITIAL_PART1})
# 中間評価 counts as a continuous-support contact (SPEC §5.2)
SUPPORT_KINDS = frozenset({ContactKind.CONTINUOUS, ContactKind.INTERIM})
FORBIDDEN_INITIAL_FORMS = frozenset({ContactForm.TELEPHONE, ContactForm.EMAIL_CHAT})  # SPEC §5.2
FINAL_EVALUATION_MONTHS = 3  # SPEC §5.3: final evaluation no earlier than 3 months after the initial interview

Number = Decimal | int | float | str


def _decimal(value: Number | None) -> Decimal | None:
    """Measurements are compared in Decimal (SPEC §5.5); floats go through str to avoid binary noise."""
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value))


@dataclass(frozen=True, kw_only=True)
class ContactFacts:
    """One contact (SPEC §5.2). `behaviour_changes` are the changed behaviours reported at a final evaluation,
    each with the day it began (SPEC §5.5; a bare category string has no start date). `participants` is the
    group size of a group contact; `action_plan` the plan set at an initial interview (SPEC §5.2)."""

    kind: ContactKind
    form: ContactForm
    date: dt.date
    minutes: int | None = None
    automated: bool = False
    weight_kg: Decimal | None = None
    waist_cm: Decimal | None = None
    systolic_mmhg: Decimal | None = None
    diastolic_mmhg: Decimal | None = None
    behaviour_changes: tuple[BehaviourChange, ...] = ()
    has_guidance_content: bool = True
    # SPEC §5.3: measured or sent objectively, not only self-declared
    measurements_self_declared: bool = False
    participants: int | None = None
    action_plan: ActionPlan | None = None

    def __post_init__(self) -> None:
        for name in ("weight_kg", "waist_cm", "systolic_mmhg", "diastolic_mmhg"):
            object.__setattr__(self, name, _decimal(getattr(self, name)))
        object.__setattr__(self, "behaviour_changes", behaviour_changes(self.behaviour_changes))
        object.__setattr__(self, "action_plan", ActionPlan.of(self.action_plan))

    @property
    def categories(self) -> frozenset[str]:
        return frozenset(change.category for change in self.behaviour_changes)

    def same_contact(self, other: "ContactFacts") -> bool:
        """SPEC §5.8: identical = same date, kind and form (within one programme)."""
        return (self.date, ContactKind(self.kind), ContactForm(self.form)) == (
            other.date,
            ContactKind(other.kind),
            ContactForm(other.form),
        )


@dataclass(frozen=True, kw_only=True)
class ProgrammeFacts:
    """A programme (SPEC §5.1) as of `today`, with its recorded contacts in any order."""

    level: ProgrammeLevel
    exam_date: dt.date
    exam_weight_kg: Decimal | None
    exam_waist_cm: Decimal | None
    today: dt.date  # passed in, so the rules stay pure
    contacts: tuple[ContactFacts, ...] = ()
    dropped_out_on: dt.date | None = None
    dropout_reason: DropoutReason | None = None
    excluded_cause: ExclusionCause | None = None
    # The programme's action plan (SPEC §5.2): set at the initial interview, required to complete
    action_plan: ActionPlan | None = None
    # The level a corrected checkup now gives this started programme, awaiting a staff decision (SPEC §5.6)
    pending_level: ProgrammeLevel | None = None
    # The corrected checkup gives this started programme no level at all (情報提供, 判定不能): staff decide (SPEC §5.6)
    pending_level_loss: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "exam_weight_kg", _decimal(self.exam_weight_kg))
        object.__setattr__(self, "exam_waist_cm", _decimal(self.exam_waist_cm))
        object.__setattr__(self, "contacts", tuple(self.contacts))
        object.__setattr__(self, "action_plan", ActionPlan.of(self.action_plan))

    def plan(self) -> ActionPlan | None:
        """The plan in force: the programme's, else the latest one sent with an initial interview."""
        if self.action_plan is not None:
            return self.action_plan
        sent = [c.action_plan for _, c in by_date(self.contacts) if c.action_plan is not None]
        return sent[-1] if sent else None


def final_evaluation_earliest(initial_date: dt.date) -> dt.date:
    """First day a final evaluation (実績評価) may be held (SPEC §5.3).

    `initial_date` is the whole initial interview, or ① of a split one.
    """
    return add_months_clamped(initial_date, FINAL_EVALUATION_MONTHS)


def by_date(contacts: tuple[ContactFacts, ...]) -> list[tuple[int, ContactFacts]]:
    """Contacts with their original index, in date order (stable for same-day contacts)."""
    return sorted(enumerate(contacts), key=lambda pair: pair[1].date)


def initial_start(contacts: tuple[ContactFacts, ...]) -> ContactFacts | None:
    """The contact that started the initial interview: the whole interview or ① (SPEC §5.3)."""
    starts = [c for _, c in by_date(contacts) if c.kind in INITIAL_START_KINDS]
    return starts[0] if starts else None


def initial_completed_on(contacts: tuple[ContactFacts, ...]) -> dt.date | None:
    """Date the initial interview was complete: the whole interview, or ② after ① (SPEC §5.2)."""
    ordered = [c for _, c in by_date(contacts)]
    whole = [c.date for c in ordered if c.kind == ContactKind.INITIAL]
    part1 = [c.date for c in ordered if c.kind == ContactKind.INITIAL_PART1]
    part2 = [c.date for c in ordered if c.kind == ContactKind.INITIAL_PART2 and part1 and c.date >= part1[0]]
    candidates = whole[:1] + part2[:1]
    return min(candidates) if candidates else None


def last_human_contact(contacts: tuple[ContactFacts, ...]) -> dt.date | None:
    """Most recent contact made by a person; automated messages are no contact (SPEC §5.2, §5.6)."""
    dates = [c.date for c in contacts if not c.automated]
    return max(dates) if dates else None
