"""The counts on the work-list tabs and the home (issue #16): each the number of rows of the list it opens, cheap on
a large population.

A count is exact and live while counting is cheap: it visits at most `LIVE_COUNT_MAX_ROWS` rows (the members to
look at for 未受診, the open programmes for the two programme lists). Above that (a large insurer: 387,745
未受診 and 50,099 open programmes at 1,000,000 members take 1.2 s and 0.25 s to count), the tab shows the figure
of the latest finished rate snapshot, which counts with the same rules (one implementation per rule: 未受診 is the
snapshot's targets − receivers, SPEC §6.1; the programme lists are `lookahead.programme_list_counts`, stored in the
snapshot's look-ahead), labelled with the time it was computed; the list itself is always live. Without such a
snapshot the count is live whatever the size.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from . import lookahead
from .models import RateSnapshot

# Above this many rows to visit, a tab shows the snapshot's count with its time instead of counting live (about
# 100 ms of counting on PostgreSQL, measured in bench/staff_pages_bench.py)
LIVE_COUNT_MAX_ROWS = 20_000

PROGRAMME_LISTS = ("finishable", "at-risk")
SNAPSHOT_LISTS_KEY = "lists"  # RateSnapshot.lookahead["guidance"][…]: the programme lists' counts (services._lookahead)


@dataclass(frozen=True)
class ListCount:
    count: int
    as_of: dt.datetime | None = None  # when the count was computed, if not now (a rate snapshot)


def _latest_snapshot(*, insurer_id: int, fiscal_year: int) -> dict[str, Any] | None:
    row = (
        RateSnapshot.objects.finished()
        .filter(insurer_id=insurer_id, fiscal_year=fiscal_year, computed_at__isnull=False)
        .order_by("-computed_at", "-pk")
        .values("checkup_denominator", "checkup_numerator", "guidance_denominator", "lookahead", "computed_at")
        .first()
    )
    return dict(row) if row is not None else None


def _no_checkup(snapshot: dict[str, Any] | None, *, insurer_id: int, fiscal_year: int) -> ListCount:
    if snapshot is not None and snapshot["checkup_denominator"] > LIVE_COUNT_MAX_ROWS:  # SPEC §6.1: 対象者 − 受診者
        return ListCount(snapshot["checkup_denominator"] - snapshot["checkup_numerator"], snapshot["computed_at"])
    found = lookahead.no_checkup_targets(insurer_id=insurer_id, fiscal_year=fiscal_year).order_by()
    return ListCount(found.count())


def _programme_lists(
    snapshot: dict[str, Any] | None, *, insurer_id: int, fiscal_year: int, today: dt.date
) -> dict[str, ListCount]:
    stored = ((snapshot or {}).get("lookahead") or {}).get("guidance", {}).get(SNAPSHOT_LISTS_KEY)
    if snapshot is not None and stored and snapshot["guidance_denominator"] > LIVE_COUNT_MAX_ROWS:
        return {kind: ListCount(stored.get(kind, 0), snapshot["computed_at"]) for kind in PROGRAMME_LISTS}
    counts = lookahead.programme_list_counts(insurer_id=insurer_id, fiscal_year=fiscal_year, today=today)
    return {kind: ListCount(counts[kind]) for kind in PROGRAMME_LISTS}


def worklist_counts(*, insurer_id: int, fiscal_year: int, today: dt.date) -> dict[str, ListCount]:
    """The count of each work list (rates.worklists.KINDS) of an insurer and fiscal year, with no filter."""
    snapshot = _latest_snapshot(insurer_id=insurer_id, fiscal_year=fiscal_year)
    return {
        "no-checkup": _no_checkup(snapshot, insurer_id=insurer_id, fiscal_year=fiscal_year),
        **_programme_lists(snapshot, insurer_id=insurer_id, fiscal_year=fiscal_year, today=today),
    }


def worklist_count(*, kind: str, insurer_id: int, fiscal_year: int, today: dt.date) -> ListCount:
    """The count of one work list, as its tab shows it (for the home)."""
    snapshot = _latest_snapshot(insurer_id=insurer_id, fiscal_year=fiscal_year)
    if kind in PROGRAMME_LISTS:
        return _programme_lists(snapshot, insurer_id=insurer_id, fiscal_year=fiscal_year, today=today)[kind]
    return _no_checkup(snapshot, insurer_id=insurer_id, fiscal_year=fiscal_year)
