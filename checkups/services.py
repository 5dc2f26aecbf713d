"""Write paths for checkups: judge (one or a whole fiscal year), correct an item, reject a held record.

Receiving records (store, hold, link a held record) and the calls that make programmes follow a judgment live in
the intake (`intake.services`, issue #12); this module keeps the checkups' own writes and re-exports the judging
and correction steps from the modules named for them.
"""

from typing import Any

from django.utils import timezone

from .corrections import CorrectionRefused, checkup_correct_item
from .judging import JUDGE_BATCH_SIZE, checkup_pk_slices, checkups_choose_counted, checkups_judge
from .models import Checkup, HeldRecord
from .programme_link import ProgrammeLink


def held_record_reject(*, held: HeldRecord, user: Any) -> None:
    held.status, held.resolved_by, held.resolved_at = HeldRecord.Status.REJECTED, user, timezone.now()
    held.save(update_fields=["status", "resolved_by", "resolved_at"])


def checkup_fiscal_years(*, insurer_id: int | None = None) -> list[int]:
    queryset = Checkup.objects.all() if insurer_id is None else Checkup.objects.filter(insurer_id=insurer_id)
    # order_by(): without it the model's ordering joins the DISTINCT and every checkup row comes back
    return sorted(set(queryset.order_by().values_list("fiscal_year", flat=True).distinct()))


__all__ = [
    "JUDGE_BATCH_SIZE",
    "CorrectionRefused",
    "ProgrammeLink",
    "checkup_correct_item",
    "checkup_fiscal_years",
    "checkup_pk_slices",
    "checkups_choose_counted",
    "checkups_judge",
    "held_record_reject",
]
