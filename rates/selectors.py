"""Reads: latest snapshots, targets, and the API/dashboard representation of a snapshot."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, QuerySet

from members.actors import Actor
from members.models import Insurer

from . import worklist_counts
from .models import RateSnapshot, RateTarget, TargetScope
from .reduction import target_applies
from .worklist_counts import ListCount


@dataclass(frozen=True)
class Targets:
    """Targets as fractions 0–1 (SPEC §6.4); `national` is the 全保険者 row for comparison."""

    checkup: Decimal | None
    guidance: Decimal | None
    metabolic_reduction: Decimal | None
    national_checkup: Decimal | None
    national_guidance: Decimal | None


def _fraction(percent: Decimal | None) -> Decimal | None:
    return None if percent is None else percent / Decimal(100)


def targets_for(*, insurer: Insurer) -> Targets:
    """The insurer type's row (falling back to the national one) of the latest target year (SPEC §6.4)."""
    rows = {row.scope: row for row in RateTarget.objects.order_by("target_fiscal_year")}
    national = rows.get(TargetScope.NATIONAL)
    own = rows.get(insurer.insurer_type, national)
    return Targets(
        checkup=_fraction(own.checkup_percent) if own else None,
        guidance=_fraction(own.guidance_percent) if own else None,
        # SPEC §6.3: the 25 % reduction is a national target; insurer-type rows may leave it empty
        metabolic_reduction=_fraction(
            (own.metabolic_reduction_percent if own and own.metabolic_reduction_percent is not None else None)
            or (national.metabolic_reduction_percent if national else None)
        ),
        national_checkup=_fraction(national.checkup_percent) if national else None,
        national_guidance=_fraction(national.guidance_percent) if national else None,
    )


def insurers_for(*, actor: Actor) -> QuerySet[Insurer]:
    return Insurer.objects.visible_to(actor).order_by("number")


def snapshot_latest(*, insurer: Insurer, fiscal_year: int) -> RateSnapshot | None:
    return RateSnapshot.objects.finished().filter(insurer=insurer, fiscal_year=fiscal_year).order_by("-pk").first()


def snapshots_by_year(*, insurer: Insurer) -> list[RateSnapshot]:
    """The latest finished snapshot of every fiscal year, oldest year first (for the trend charts)."""
    finished = RateSnapshot.objects.finished().filter(insurer=insurer)
    latest_ids = finished.values("fiscal_year").annotate(latest=Max("pk")).values("latest")
    return list(finished.filter(pk__in=latest_ids).order_by("fiscal_year"))


def _as_float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def snapshot_payload(*, snapshot: RateSnapshot, targets: Targets) -> dict:
    """The API shape of a snapshot (issue #7)."""
    metabolic = None
    if snapshot.metabolic_reduction is not None:
        metabolic = {
            "base_fiscal_year": snapshot.metabolic_base_year,
            "base_estimate": snapshot.metabolic_base_estimate,
            "estimate": snapshot.metabolic_estimate,
            "rate": snapshot.metabolic_reduction,
            # SPEC §6.3: the 25 % target is a reduction against FY2008; another base year has no target
            "target": _as_float(targets.metabolic_reduction) if target_applies(snapshot.metabolic_base_year) else None,
        }
    return {
        "insurer": snapshot.insurer.number,
        "fiscal_year": snapshot.fiscal_year,
        "computed_at": snapshot.computed_at.isoformat() if snapshot.computed_at else None,
        "checkup": {
            "numerator": snapshot.checkup_numerator,
            "denominator": snapshot.checkup_denominator,
            "rate": snapshot.checkup_rate,
            "target": _as_float(targets.checkup),
        },
        "guidance": {
            "numerator": snapshot.guidance_numerator,
            "denominator": snapshot.guidance_denominator,
            "rate": snapshot.guidance_rate,
            "target": _as_float(targets.guidance),
        },
        "metabolic_reduction": metabolic,
        "breakdown": snapshot.breakdown,
    }


def worklist_count(*, actor: Actor, kind: str, insurer: Insurer, fiscal_year: int, today: dt.date) -> ListCount:
    """The rows of a work list of an insurer the actor sees, as its tab counts them (rates.worklist_counts)."""
    if not actor.sees_insurer(insurer.pk):
        return ListCount(0)  # another insurer's programmes are never counted
    return worklist_counts.worklist_count(kind=kind, insurer_id=insurer.pk, fiscal_year=fiscal_year, today=today)
