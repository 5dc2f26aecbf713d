"""The SQL side of the rates: who is a target, who received a checkup, who completed guidance (SPEC §1.3, §6).

One grouped query per fiscal year, no per-person loop: the targets LEFT JOIN their counted checkup and its
programme, grouped by the breakdown dimensions, with conditional counts. Works on SQLite and PostgreSQL.
"""

from django.db.models import Case, Count, Exists, FilteredRelation, IntegerField, OuterRef, Q, QuerySet, Value, When

from checkups.codes import GuidanceLevel
from checkups.models import Checkup
from guidance.codes import ProgrammeStatus
from members.age_basis import AGE_BANDS, band_birth_window, born_window_q, target_age_q
from members.models import Enrollment, Exclusion, InsuredPerson

from .db import large_query_settings
from .figures import Cell
from .periods import whole_year

# SPEC §6.2: the guidance denominator is people stratified 積極的支援 or 動機付け支援 (medication excluded)
GUIDANCE_LEVELS = (GuidanceLevel.INTENSIVE, GuidanceLevel.MOTIVATIONAL)


def enrolled_all_year(fiscal_year: int, person_ref: str = "pk") -> Exists:
    """One enrollment covering April 1 of N through March 31 of N+1 without interruption (SPEC §1.3).

    `lost_on` is the first day not enrolled, so enrolled on March 31 means lost_on after it.
    """
    first, last = whole_year(fiscal_year)
    return Exists(
        Enrollment.objects.filter(person=OuterRef(person_ref), acquired_on__lte=first).filter(
            Q(lost_on__isnull=True) | Q(lost_on__gt=last)
        )
    )


def excluded_in_year(fiscal_year: int, person_ref: str = "pk") -> Exists:
    """An exclusion (SPEC §1.4) whose period touches the fiscal year removes the person from its denominators."""
    first, last = whole_year(fiscal_year)
    return Exists(
        Exclusion.objects.filter(person=OuterRef(person_ref), starts_on__lte=last).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=first)
        )
    )


def target_condition(fiscal_year: int, *, prefix: str = "", person_ref: str = "pk") -> Q:
    """特定健診対象者 of FY N (SPEC §1.3) as a WHERE clause; `prefix` reaches the person from another model.

    The age part is `members.age_basis.is_target_age` as birth-date bounds: age basis ≥ 40 and no 75th birthday
    by March 31 of N+1 (FY2024: born 1950-04-01 … 1985-04-01)."""
    return (
        target_age_q(fiscal_year, f"{prefix}birth_date")
        & Q(enrolled_all_year(fiscal_year, person_ref))
        & ~Q(excluded_in_year(fiscal_year, person_ref))
    )


def target_persons(*, insurer_id: int, fiscal_year: int) -> QuerySet[InsuredPerson]:
    return InsuredPerson.objects.filter(insurer_id=insurer_id).filter(target_condition(fiscal_year))


def counted_checkups(*, insurer_id: int, fiscal_year: int) -> QuerySet[Checkup]:
    """The targets' checkups that make them receivers (SPEC §6.1, §7.1): counted for the year and complete."""
    return Checkup.objects.filter(
        insurer_id=insurer_id,
        person__insurer_id=insurer_id,
        fiscal_year=fiscal_year,
        counts_for_fiscal_year=True,
        is_complete=True,
    ).filter(target_condition(fiscal_year, prefix="person__", person_ref="person_id"))


def receiver_persons(*, insurer_id: int, fiscal_year: int) -> Exists:
    return Exists(counted_checkups(insurer_id=insurer_id, fiscal_year=fiscal_year).filter(person=OuterRef("pk")))


def guidance_level_condition(prefix: str = "") -> Q:
    """The checkup's part of 特定保健指導対象者 (SPEC §6.2): level 1/2, not on medication."""
    return Q(**{f"{prefix}guidance_level__in": GUIDANCE_LEVELS, f"{prefix}medication_excluded": False})


def guidance_target_condition(prefix: str = "") -> Q:
    """特定保健指導対象者 (SPEC §6.2, §5.6): level 1/2, not on medication, programme not made 対象外."""
    return guidance_level_condition(prefix) & ~Q(**{f"{prefix}programme__status": ProgrammeStatus.EXCLUDED})


def guidance_completed_condition(prefix: str = "") -> Q:
    """終了者 (SPEC §6.2, §5.4–§5.5): within the denominator and the checkup's programme reached 終了.

    The programme hangs off the checkup, so a completion in FY N+1 still counts for the checkup's FY N.
    """
    return guidance_target_condition(prefix) & Q(**{f"{prefix}programme__status": ProgrammeStatus.COMPLETED})


def age_band_case(fiscal_year: int, field: str) -> Case:
    """The age band's lower bound from the birth date, in SQL (SPEC §6.3, §6.6: 5-year bands of the age basis,
    age basis 75 of an April-1 birth in 70–74): `members.age_basis.band_of` as birth-date bounds."""
    whens = [
        When(born_window_q(band_birth_window(fiscal_year, band), field), then=Value(band.low)) for band in AGE_BANDS
    ]
    return Case(*whens, default=Value(None), output_field=IntegerField())


def counted_checkup_relation(*, insurer_id: int, fiscal_year: int) -> FilteredRelation:
    """A person's counted, complete checkup of FY N as a LEFT JOIN (SPEC §6.1, §7.1), for `annotate(counted=…)`.

    At most one row per person (`uniq_counted_checkup_per_year`), so the targets stay one row each.
    """
    return FilteredRelation(
        "checkups",
        condition=Q(
            checkups__insurer_id=insurer_id,
            checkups__fiscal_year=fiscal_year,
            checkups__counts_for_fiscal_year=True,
            checkups__is_complete=True,
        ),
    )


def fiscal_year_cells(*, insurer_id: int, fiscal_year: int) -> list[Cell]:
    """All four counts of FY N per (sex, age band, 本人/家族, employer), in one grouped query.

    Targets LEFT JOIN their counted checkup of the year (at most one: `uniq_counted_checkup_per_year`) LEFT JOIN
    its programme, so each target is one row and every count is a conditional COUNT over those rows.
    """
    grouped = (
        target_persons(insurer_id=insurer_id, fiscal_year=fiscal_year)
        .annotate(
            counted=counted_checkup_relation(insurer_id=insurer_id, fiscal_year=fiscal_year),
            band=age_band_case(fiscal_year, "birth_date"),
        )
        .values("sex", "band", "relationship", "employer_id")
        .annotate(
            targets=Count("pk"),
            receivers=Count("counted__pk"),
            guidance_targets=Count("counted__pk", filter=guidance_target_condition("counted__")),
            guidance_completed=Count("counted__pk", filter=guidance_completed_condition("counted__")),
        )
        .order_by()
    )
    with large_query_settings():
        rows = list(grouped)
    cells = [
        Cell(
            sex=row["sex"],
            band=row["band"],
            relationship=row["relationship"],
            employer_id=row["employer_id"],
            targets=row["targets"],
            receivers=row["receivers"],
            guidance_targets=row["guidance_targets"],
            guidance_completed=row["guidance_completed"],
        )
        for row in rows
    ]
    return sorted(cells, key=lambda cell: str(cell.key))
