"""Judging with the programmes following (SPEC §2, §5.1): the checkups' judge run given guidance's
`ProgrammeLink`, for the intake's writes, a whole-year restratification and staff corrections."""

from collections.abc import Callable, Sequence
from typing import Any

from checkups.judging import JUDGE_BATCH_SIZE
from checkups.judging import checkups_judge as checkups_judge_only
from guidance.checkup_corrections import checkup_correct_item
from guidance.checkup_link import PROGRAMMES


def checkups_judge(
    *,
    checkup_ids: Sequence[int] | None = None,
    fiscal_year: int | None = None,
    insurer_id: int | None = None,
    batch_size: int = JUDGE_BATCH_SIZE,
    on_progress: Callable[[int, int], None] | None = None,
    sync_programmes: bool = True,
    processes: int = 1,
    pk_range: tuple[int, int] | None = None,
) -> int:
    """`checkups.judging.checkups_judge`, then the guidance programmes of the judged checkups synced in the same
    batch transaction (`sync_programmes=False`: judged only)."""
    return checkups_judge_only(
        checkup_ids=checkup_ids,
        fiscal_year=fiscal_year,
        insurer_id=insurer_id,
        batch_size=batch_size,
        on_progress=on_progress,
        programmes=PROGRAMMES if sync_programmes else None,
        processes=processes,
        pk_range=pk_range,
    )


def checkups_restratify(*, fiscal_year: int, insurer_id: int | None = None, **kwargs: Any) -> int:
    """Bulk restratification of a whole fiscal year (SPEC §2): the Celery task's service and the `restratify`
    command's. Any year, past ones included: the age basis is recomputed from the birth dates (SPEC §1.2), the
    levels re-judged with the year's rules, and not-started programmes follow (started ones keep theirs)."""
    return checkups_judge(fiscal_year=fiscal_year, insurer_id=insurer_id, **kwargs)


__all__ = ["checkup_correct_item", "checkups_judge", "checkups_restratify"]
