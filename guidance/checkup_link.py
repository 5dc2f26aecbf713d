"""How a judged checkup reaches its guidance programme (SPEC §5.1): the `checkups.programme_link.ProgrammeLink`
that the intake, a restratification and guidance's own corrections hand to judging (issue #12: an explicit
argument, not a signal; checkups never import guidance)."""

import datetime as dt

from django.db.models import Exists, OuterRef

# the module, not its names: guidance.services corrects checkups with this link (guidance.checkup_corrections),
# so either may be imported first
from . import services
from .models import Programme


class GuidanceProgrammes:
    """Guidance's side of judging: which checkups have or make a programme, and the sync after a judgment."""

    def has_programme(self) -> Exists:
        return Exists(Programme.objects.filter(checkup_id=OuterRef("pk")))

    def has_programme_sql(self, checkup: str) -> str:
        return f"EXISTS (SELECT 1 FROM {Programme._meta.db_table} g WHERE g.checkup_id = {checkup}.id)"  # noqa: S608

    def makes_programme(
        self, *, level: int | None, medication_excluded: bool, age_at_fy_end: int, birth_date: dt.date, counted: bool
    ) -> bool:
        return services.checkup_makes_programme(
            level=level,
            medication_excluded=medication_excluded,
            age_at_fy_end=age_at_fy_end,
            birth_date=birth_date,
            counted=counted,
        )

    def sync(self, checkup_ids: list[int]) -> None:
        services.programmes_sync_for_checkups(checkup_ids=checkup_ids)


PROGRAMMES = GuidanceProgrammes()
