"""Enrollment on a day (資格, SPEC §1.5, §9.5): a person counts for the insurer only while enrolled.

An enrollment runs from `acquired_on` (資格取得日) up to the day before `lost_on` (資格喪失日). One pure rule
(`enrolled_on`) over a person's periods; the periods of a whole chunk of records come in one query
(`not_enrolled`), and one record is a chunk of one.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping

from infra.bulk import where_in

from .models import Enrollment

Period = tuple[dt.date, dt.date | None]


def enrolled_on(periods: Iterable[Period], day: dt.date) -> bool:
    """Whether one of the periods covers the day (the 資格喪失日 itself is no longer covered)."""
    return any(acquired <= day and (lost is None or day < lost) for acquired, lost in periods)


def not_enrolled[K: Hashable](visits: Mapping[K, tuple[int, dt.date | None]]) -> set[K]:
    """The keys whose (person id, exam date) falls outside every enrollment of the person, in one query.

    A missing exam date is not judged here (the record's validation refuses it first)."""
    person_ids = {pid for pid, day in visits.values() if day is not None}
    if not person_ids:
        return set()
    periods: dict[int, list[Period]] = defaultdict(list)
    rows = where_in(Enrollment.objects.order_by(), "person_id", person_ids).values_list(
        "person_id", "acquired_on", "lost_on"
    )
    for person_id, acquired, lost in rows:
        periods[person_id].append((acquired, lost))
    return outside_enrollment(visits, periods)


def outside_enrollment[K: Hashable](
    visits: Mapping[K, tuple[int, dt.date | None]], periods: Mapping[int, Iterable[Period]]
) -> set[K]:
    """`not_enrolled` over periods already read (e.g. with the persons, `members.matching.people_by_card`)."""
    return {key for key, (pid, day) in visits.items() if day is not None and not enrolled_on(periods.get(pid, ()), day)}
