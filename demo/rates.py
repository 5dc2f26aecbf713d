"""Demo step (seed_demo): snapshots for every fiscal year with checkups, so the dashboard shows a trend."""

import datetime as dt
from typing import Any

from checkups.models import Checkup
from rates.models import RateSnapshot
from rates.services import rate_snapshot_compute_now


def seed(population: Any, *, today: dt.date) -> str:
    """Compute the demo insurer's snapshots; works with whatever the checkup and guidance demos created."""
    insurer = population.insurer
    years = sorted(set(Checkup.objects.filter(insurer=insurer).values_list("fiscal_year", flat=True)))
    done = []
    for year in years:
        snapshot = rate_snapshot_compute_now(insurer=insurer, fiscal_year=year, today=today)
        if snapshot.status == RateSnapshot.Status.DONE:
            done.append(f"FY{year} 健診 {_percent(snapshot.checkup_rate)} 指導 {_percent(snapshot.guidance_rate)}")
    return "; ".join(done) if done else "no checkups yet, no rate snapshots"


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"
