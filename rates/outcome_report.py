"""Outcome visibility from the database (見える化, SPEC §6.7): two grouped queries, no per-person loop.

1. Outcomes: the programmes of FY N checkups whose stored evaluation used a final evaluation, GROUP BY fiscal
   year, level, provider and mode, with one conditional COUNT per outcome category read from the point lines the
   rules stored (`guidance.completion.evaluate`), so no rule is computed twice.
2. The year after: the statutory report's guidance targets of FY N (the rates' targets, counted checkup and
   guidance denominator) who have a counted checkup in FY N+1, grouped as completers and never started, with the
   sums of the changes in waist and weight and the counts whose level improved or left the guidance targets.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from checkups.codes import GuidanceLevel
from guidance.codes import ProgrammeStatus
from guidance.contacts import INITIAL_KINDS, SUPPORT_KINDS
from guidance.models import Contact, Programme
from infra.json_sql import JsonArrayHas
from members.models import GuidanceProvider, Insurer

from .computation import (
    counted_checkup_relation,
    guidance_completed_condition,
    guidance_target_condition,
    target_condition,
    target_persons,
)
from .db import large_query_settings
from .outcome_figures import (
    FACE_TO_FACE_FORMS,
    LEVEL_KEYS,
    OUTCOME_KEYS,
    OUTCOME_RULES,
    REMOTE_FORMS,
    FollowUpCell,
    OutcomeCell,
    OutcomeCounts,
    OutcomeReport,
    Provider,
    exact_sum,
)

MODE_KINDS = tuple(sorted(str(kind) for kind in INITIAL_KINDS | SUPPORT_KINDS))  # SPEC §6.7: not the final
DIRECT_PROVIDER = "保険者直営"  # programmes without a contracted provider: the insurer's own staff
CHANGE = DecimalField(max_digits=12, decimal_places=1)


def final_evaluated(prefix: str = "") -> Q:
    """A final evaluation was used by the rules (`evaluation.final_evaluation_on` is a date, SPEC §5.3)."""
    key = f"{prefix}evaluation__final_evaluation_on"
    return Q(**{f"{key}__isnull": False}) & ~Q(**{key: None})


def _has_contact(forms: Iterable[int]) -> Exists:
    return Exists(Contact.objects.filter(programme=OuterRef("pk"), kind__in=MODE_KINDS, form__in=list(forms)))


def _mode() -> Case:
    """remote only / face-to-face only / mixed from the initial interview and support contacts (SPEC §6.7)."""
    face, remote = _has_contact(FACE_TO_FACE_FORMS), _has_contact(REMOTE_FORMS)
    return Case(
        When(face & remote, then=Value("mixed")),
        When(remote, then=Value("remote")),
        When(face, then=Value("face_to_face")),
        default=Value(None),
        output_field=CharField(),
    )


def _level_key() -> Case:
    return Case(
        *[When(level=level, then=Value(key)) for level, key in LEVEL_KEYS.items()],
        default=Value(None),
        output_field=CharField(),
    )


def evaluated_programmes(*, insurer_id: int, fiscal_years: Iterable[int]) -> QuerySet[Programme]:
    """Programmes of these years' checkups with a final evaluation; 対象外 ones are out of guidance (SPEC §5.6)."""
    return (
        Programme.objects.filter(insurer_id=insurer_id, fiscal_year__in=list(fiscal_years))
        .exclude(status=ProgrammeStatus.EXCLUDED)
        .filter(final_evaluated())
    )


def outcome_cells(*, insurer_id: int, fiscal_years: Iterable[int]) -> list[OutcomeCell]:
    """Counts per (fiscal year, level, provider, mode), in one grouped query (SPEC §6.7)."""
    outcomes = {
        f"outcome_{key}": Count("pk", filter=JsonArrayHas("evaluation", "lines", "rule", OUTCOME_RULES[key]))
        for key in OUTCOME_KEYS
    }
    query = (
        evaluated_programmes(insurer_id=insurer_id, fiscal_years=fiscal_years)
        .annotate(level_key=_level_key(), mode=_mode())
        .values("fiscal_year", "level_key", "provider_id", "mode")
        .annotate(
            final_evaluated=Count("pk"),
            completed=Count("pk", filter=Q(status=ProgrammeStatus.COMPLETED)),
            **outcomes,
        )
        .order_by()
    )
    with large_query_settings():
        rows: list[dict[str, Any]] = [dict(row) for row in query]
    return [
        OutcomeCell(
            fiscal_year=row["fiscal_year"],
            level=row["level_key"],
            provider_id=row["provider_id"],
            mode=row["mode"],
            counts=OutcomeCounts(
                final_evaluated=row["final_evaluated"],
                completed=row["completed"],
                outcomes={key: row[f"outcome_{key}"] for key in OUTCOME_KEYS},
            ),
        )
        for row in sorted(
            rows, key=lambda r: (r["fiscal_year"], str(r["level_key"]), str(r["provider_id"]), str(r["mode"]))
        )
    ]


def providers_of(cells: Iterable[OutcomeCell]) -> dict[int | None, Provider]:
    ids = {cell.provider_id for cell in cells}
    found: dict[int | None, Provider] = {
        pk: Provider(pk=pk, number=number, name=name)
        for pk, number, name in GuidanceProvider.objects.filter(pk__in=[i for i in ids if i is not None]).values_list(
            "pk", "number", "name"
        )
    }
    if None in ids:
        found[None] = Provider(pk=None, number=None, name=DIRECT_PROVIDER)
    return found


def _next_level() -> Coalesce:
    """FY N+1's level before the medication exception (SPEC §2.5a): starting medication is no improvement."""
    return Coalesce(F("following__guidance_level_without_medication"), F("following__guidance_level"))


def follow_up_cells(*, insurer_id: int, fiscal_year: int) -> dict[str, FollowUpCell]:
    """The year after (SPEC §6.7): FY N's guidance targets with a counted FY N+1 checkup, completers vs never
    started (no initial interview at all), in one grouped query."""
    counted = "counted__"
    completed = guidance_completed_condition(counted)
    never_started = Q(**{f"{counted}programme__isnull": True}) | Q(**{f"{counted}programme__initial_on__isnull": True})
    group = Case(
        When(completed, then=Value("completed")),
        When(never_started, then=Value("not_started")),
        default=Value(None),
        output_field=CharField(),
    )
    waist_pair = Q(following__waist_cm__isnull=False, counted__waist_cm__isnull=False)
    weight_pair = Q(following__weight_kg__isnull=False, counted__weight_kg__isnull=False)
    next_level = _next_level()
    improved = Q(next_level__lte=GuidanceLevel.INFORMATION) & Q(next_level__gt=F("counted__guidance_level"))
    still_target = guidance_target_condition("following__")
    query = (
        target_persons(insurer_id=insurer_id, fiscal_year=fiscal_year)
        .filter(target_condition(fiscal_year + 1))
        .annotate(
            counted=counted_checkup_relation(insurer_id=insurer_id, fiscal_year=fiscal_year),
            following=counted_checkup_relation(insurer_id=insurer_id, fiscal_year=fiscal_year + 1),
        )
        .filter(guidance_target_condition(counted), following__pk__isnull=False)
        .annotate(group=group, next_level=next_level)
        .values("group")
        .annotate(
            people=Count("pk"),
            waist_pairs=Count("pk", filter=waist_pair),
            waist_change_sum=Sum(
                F("following__waist_cm") - F("counted__waist_cm"), filter=waist_pair, output_field=CHANGE
            ),
            weight_pairs=Count("pk", filter=weight_pair),
            weight_change_sum=Sum(
                F("following__weight_kg") - F("counted__weight_kg"), filter=weight_pair, output_field=CHANGE
            ),
            level_improved=Count("pk", filter=improved),
            left_targets=Count("pk", filter=~still_target),
        )
        .order_by()
    )
    with large_query_settings():
        rows = list(query)
    return {
        row["group"]: FollowUpCell(
            group=row["group"],
            people=row["people"],
            waist_pairs=row["waist_pairs"],
            waist_change_sum=exact_sum(row["waist_change_sum"]),
            weight_pairs=row["weight_pairs"],
            weight_change_sum=exact_sum(row["weight_change_sum"]),
            level_improved=row["level_improved"],
            left_targets=row["left_targets"],
        )
        for row in rows
        if row["group"] is not None
    }


def outcome_report(*, insurer: Insurer, fiscal_year: int) -> OutcomeReport:
    cells = outcome_cells(insurer_id=insurer.pk, fiscal_years=[fiscal_year])
    return OutcomeReport(
        insurer_number=insurer.number,
        fiscal_year=fiscal_year,
        cells=tuple(cells),
        providers=providers_of(cells),
        follow_up=follow_up_cells(insurer_id=insurer.pk, fiscal_year=fiscal_year),
    )
