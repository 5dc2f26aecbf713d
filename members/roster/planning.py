"""Planning a roster: what applying the file would change, compared with the database without writing."""

import datetime as dt
from dataclasses import dataclass, field

from ..models import Employer, Enrollment, InsuredPerson, Insurer
from .columns import PERSON_FIELDS, CardKey, RosterRow


@dataclass
class RosterPlan:
    """What applying the file would do; computed without writing (the admin preview shows it)."""

    rows: list[RosterRow]
    new_persons: list[RosterRow] = field(default_factory=list)
    changed_persons: list[tuple[int, dict[str, list[object]]]] = field(default_factory=list)
    unchanged_count: int = 0
    new_enrollments: list[tuple[CardKey, dt.date, dt.date | None]] = field(default_factory=list)
    changed_enrollments: list[tuple[int, int, dt.date | None, dt.date | None]] = field(default_factory=list)
    new_employer_codes: list[str] = field(default_factory=list)

    @property
    def is_noop(self) -> bool:
        return not (self.new_persons or self.changed_persons or self.new_enrollments or self.changed_enrollments)


def plan_roster(rows: list[RosterRow], *, insurer: Insurer) -> RosterPlan:
    """Compare the file with the database in a few set-based queries (no query per person)."""
    plan = RosterPlan(rows=rows)
    employers = dict(Employer.objects.filter(insurer=insurer).values_list("code", "pk"))
    plan.new_employer_codes = sorted({r.employer_code for r in rows if r.employer_code} - employers.keys())
    existing = {
        (p.card_symbol, p.card_number, p.card_branch): p
        for p in InsuredPerson.objects.filter(insurer=insurer, card_number__in={r.card[1] for r in rows})
    }
    enrollments: dict[tuple[int, dt.date], Enrollment] = {
        (e.person_id, e.acquired_on): e for e in Enrollment.objects.filter(person__in=[p.pk for p in existing.values()])
    }
    planned_cards: set[CardKey] = set()
    for row in rows:
        person = existing.get(row.card)
        if person is None:
            if row.card not in planned_cards:
                plan.new_persons.append(row)
                planned_cards.add(row.card)
            plan.new_enrollments.append((row.card, row.acquired_on, row.lost_on))
            continue
        if row.card not in planned_cards:
            planned_cards.add(row.card)
            desired = desired_fields(row, employers)
            changes = {
                name: [jsonable(getattr(person, name)), jsonable(desired[name])]
                for name in PERSON_FIELDS
                if desired[name] != getattr(person, name) and not (name == "employer_id" and desired[name] is None)
            }
            if changes:
                plan.changed_persons.append((person.pk, changes))
            else:
                plan.unchanged_count += 1
        enrollment = enrollments.get((person.pk, row.acquired_on))
        if enrollment is None:
            plan.new_enrollments.append((row.card, row.acquired_on, row.lost_on))
        elif enrollment.lost_on != row.lost_on:
            plan.changed_enrollments.append((enrollment.pk, person.pk, enrollment.lost_on, row.lost_on))
    return plan


def desired_fields(row: RosterRow, employers: dict[str, int]) -> dict[str, object]:
    return {
        "name_kana": row.name_kana,
        "sex": row.sex,
        "birth_date": row.birth_date,
        "relationship": row.relationship,
        "employer_id": employers.get(row.employer_code) if row.employer_code else None,
    }


def jsonable(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value
