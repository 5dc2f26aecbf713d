"""What judging needs of the guidance programmes, handed in by whoever judges (issue #12: checkups never import
guidance). The intake, a restratification and guidance's own corrections pass `guidance.checkup_link.PROGRAMMES`;
a caller that passes None judges the checkups and touches no programme."""

import datetime as dt
from typing import Protocol

from django.db.models import Exists


class ProgrammeLink(Protocol):
    def has_programme(self) -> Exists:
        """ORM expression: whether the checkup `OuterRef("pk")` has a programme."""
        ...

    def has_programme_sql(self, checkup: str) -> str:
        """SQL boolean: whether the checkup of table alias `checkup` has a programme."""
        ...

    def makes_programme(
        self, *, level: int | None, medication_excluded: bool, age_at_fy_end: int, birth_date: dt.date, counted: bool
    ) -> bool:
        """Whether a checkup of these values makes a programme (SPEC §5.1)."""
        ...

    def sync(self, checkup_ids: list[int]) -> None:
        """Create, re-level or remove the not-started programmes of these (re)judged checkups."""
        ...
