"""The counts on the work-list tabs (issue #16): each the number of rows of the list it opens, cheap on a large
population.

The two programme lists are counted live, together, in one pass over the year's open programmes
(`lookahead.programme_list_counts`). 未受診 is targets minus receivers, which the rate snapshot already counts
with the same rule (`computation.fiscal_year_cells`: one implementation per rule); counting it live means
visiting every member of the insurer (seconds at a million), so the latest finished snapshot's figure is shown
with the time it was computed, and only an insurer and year without a snapshot are counted live.
"""

import datetime as dt
from dataclasses import dataclass

from . import lookahead
from .models import RateSnapshot


@dataclass(frozen=True)
class ListCount:
    count: int
    as_of: dt.datetime | None = None  # when the count was computed, if not now (a rate snapshot)


def no_checkup_count(*, insurer_id: int, fiscal_year: int) -> ListCount:
    latest = (
        RateSnapshot.objects.finished()
        .filter(insurer_id=insurer_id, fiscal_year=fiscal_year, computed_at__isnull=False)
        .order_by("-computed_at", "-pk")
        .values("checkup_denominator", "checkup_numerator", "computed_at")
        .first()
    )
    if latest is not None:  # SPEC §6.1: 対象者 − 受診者
        return ListCount(latest["checkup_denominator"] - latest["checkup_numerator"], latest["computed_at"])
    found = lookahead.no_checkup_targets(insurer_id=insurer_id, fiscal_year=fiscal_year).order_by()
    return ListCount(found.count())


def worklist_counts(*, insurer_id: int, fiscal_year: int, today: dt.date) -> dict[str, ListCount]:
    """The count of each work list (rates.worklists.KINDS) of an insurer and fiscal year, with no filter."""
    programmes = lookahead.programme_list_counts(insurer_id=insurer_id, fiscal_year=fiscal_year, today=today)
    return {
        "no-checkup": no_checkup_count(insurer_id=insurer_id, fiscal_year=fiscal_year),
        **{kind: ListCount(count) for kind, count in programmes.items()},
    }
