"""Reads for employer data: who owes what (SPEC §7.3), counts by age band, records staff must complete (SPEC §7.1).

Counts are grouped queries over the whole insurer-year (three queries whatever the number of employees).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, QuerySet, Value, When

from checkups.mhlw.itemtable import (
    PROGRAM_EMPLOYER_CHECKUP,
    PROGRAM_SPECIFIC_CHECKUP,
    ItemDef,
    item,
    required_groups,
    required_items,
)
from checkups.mhlw.validation_rules import INSURER_COMPUTED_ITEMS
from checkups.models import Checkup, HeldRecord
from infra.i18n import StrOrPromise
from members.actors import Actor
from members.age_basis import born_window_q
from members.codes import Relationship
from members.fiscal import fiscal_year_end, fiscal_year_start
from members.models import Employer, Enrollment, InsuredPerson

from .age_bands import BANDS, band_birth_bounds
from .models import IncompleteCheckupQuerySet, IncompleteEmployerCheckup, Submission, SubmissionStatus
from .status import submission_status


@dataclass
class Counts:
    """Employees expected (本人, enrolled in the year) vs persons with employer data received, by age band."""

    expected: dict[str, int] = field(default_factory=dict)
    received: dict[str, int] = field(default_factory=dict)
    held: int = 0  # received records not yet matched to a person (SPEC §1.5)

    @property
    def expected_total(self) -> int:
        return sum(self.expected.values())

    @property
    def received_total(self) -> int:
        return sum(self.received.values()) + self.held

    def bands(self) -> list[dict[str, object]]:
        return [
            {
                "key": b.key,
                "label": b.label,
                "expected": self.expected.get(b.key, 0),
                "received": self.received.get(b.key, 0),
                "owed": max(0, self.expected.get(b.key, 0) - self.received.get(b.key, 0)),
            }
            for b in BANDS
        ]


def _birth_band_case(fiscal_year: int, field: str = "birth_date") -> Case:
    """`age_bands.band_of` in SQL, from the person's birth date (SPEC §1.2, §1.3, §7.1)."""
    whens = [When(born_window_q(band_birth_bounds(band, fiscal_year), field), then=Value(band.key)) for band in BANDS]
    return Case(*whens, default=Value(BANDS[0].key), output_field=CharField())


def expected_employees(*, insurer_id: int, fiscal_year: int) -> QuerySet[InsuredPerson]:
    """本人 (insured employees) of the insurer's employers enrolled at some time in the fiscal year."""
    enrolled = Enrollment.objects.filter(person=OuterRef("pk"), acquired_on__lte=fiscal_year_end(fiscal_year)).filter(
        Q(lost_on__isnull=True) | Q(lost_on__gt=fiscal_year_start(fiscal_year))
    )
    return InsuredPerson.objects.filter(
        insurer_id=insurer_id, relationship=Relationship.SELF, employer__isnull=False
    ).filter(Exists(enrolled))


def submission_counts(*, insurer_id: int, fiscal_year: int) -> dict[int, Counts]:
    counts: dict[int, Counts] = defaultdict(Counts)
    expected = (
        expected_employees(insurer_id=insurer_id, fiscal_year=fiscal_year)
        .annotate(band=_birth_band_case(fiscal_year))
        .values("employer_id", "band")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in expected:
        counts[row["employer_id"]].expected[row["band"]] = row["n"]
    received = (
        Checkup.objects.filter(
            insurer_id=insurer_id,
            fiscal_year=fiscal_year,
            program=PROGRAM_EMPLOYER_CHECKUP,
            submitted_by_employer__isnull=False,
        )
        .annotate(band=_birth_band_case(fiscal_year, "person__birth_date"))
        .values("submitted_by_employer_id", "band")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
    )
    for got in received:
        counts[got["submitted_by_employer_id"]].received[got["band"]] = got["n"]
    held = (
        HeldRecord.objects.filter(
            insurer_id=insurer_id,
            status=HeldRecord.Status.HELD,
            submitted_by_employer__isnull=False,
            exam_date__gte=fiscal_year_start(fiscal_year),
            exam_date__lte=fiscal_year_end(fiscal_year),
        )
        .values("submitted_by_employer_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for waiting in held:
        counts[waiting["submitted_by_employer_id"]].held = waiting["n"]
    return dict(counts)


def live_status(submission: Submission | None, counts: Counts) -> SubmissionStatus:
    """The status from the current counts (SPEC §7.3), so records that arrived by any route (API upload, CSV,
    paper) show at once; the stored `status` is the same rule's result at the last refresh."""
    return submission_status(
        requested=submission is not None and submission.requested_on is not None,
        expected=counts.expected_total,
        received=counts.received_total,
        confirmed_complete=submission is not None and submission.confirmed_complete,
    )


@dataclass
class StatusRow:
    employer: Employer
    submission: Submission | None
    counts: Counts

    @property
    def status(self) -> str:
        return live_status(self.submission, self.counts)

    @property
    def status_label(self) -> StrOrPromise:
        return SubmissionStatus(self.status).label


STATUS_ORDER = {
    SubmissionStatus.NONE: 0,
    SubmissionStatus.REQUESTED: 1,
    SubmissionStatus.PARTIAL: 2,
    SubmissionStatus.RECEIVED: 3,
}


def submission_status_rows(*, actor: Actor, insurer_id: int, fiscal_year: int) -> list[StatusRow]:
    """Every employer of the insurer with its submission and counts; those who owe most come first."""
    employers = list(Employer.objects.visible_to(actor).filter(insurer_id=insurer_id).order_by("code"))
    submissions = {
        s.employer_id: s
        for s in Submission.objects.visible_to(actor).filter(insurer_id=insurer_id, fiscal_year=fiscal_year)
    }
    counts = submission_counts(insurer_id=insurer_id, fiscal_year=fiscal_year)
    rows = [StatusRow(e, submissions.get(e.pk), counts.get(e.pk, Counts())) for e in employers]
    return sorted(rows, key=lambda r: (STATUS_ORDER[SubmissionStatus(r.status)], r.employer.code))


def outstanding_rows(rows: list[StatusRow]) -> list[StatusRow]:
    """Employers that still owe the year's data: not requested, requested, or partly received (SPEC §7.3)."""
    return [row for row in rows if row.status != SubmissionStatus.RECEIVED]


def outstanding_submission_count(*, actor: Actor, insurer_id: int, fiscal_year: int) -> int:
    """The staff home's count: the rows of the status page filtered to 未受領 (the same rows, the same rule)."""
    return len(outstanding_rows(submission_status_rows(actor=actor, insurer_id=insurer_id, fiscal_year=fiscal_year)))


def requested_items() -> dict[str, list[ItemDef] | list[tuple[str, list[str]]]]:
    """What the request letter lists: 事業者健診 items (CASE03) and the 特定健診 questionnaire items the insurer
    also needs from 40 (CASE01 items missing from CASE03; SPEC §7.1, §9.4)."""
    employer = [d for d in required_items(PROGRAM_EMPLOYER_CHECKUP) if d.code not in INSURER_COMPUTED_ITEMS]
    employer_codes = {d.code for d in employer}
    extra = [
        d
        for d in required_items(PROGRAM_SPECIFIC_CHECKUP)
        if d.code not in employer_codes and d.code not in INSURER_COMPUTED_ITEMS
    ]
    groups = [
        (letter, sorted({d.name for c in codes if (d := item(c))}))
        for letter, codes in required_groups(PROGRAM_EMPLOYER_CHECKUP).items()
    ]
    return {"employer_items": employer, "groups": groups, "specific_extra": extra}


def incomplete_checkups(*, actor: Actor) -> IncompleteCheckupQuerySet:
    return IncompleteEmployerCheckup.objects.visible_to(actor).incomplete_specific()
