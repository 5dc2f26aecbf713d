"""What a sender is told with a record that was stored (issue #13): stored, but something needs their attention.

- `another_checkup_counts`: the person has another checkup of the same fiscal year that counts for it (SPEC §6.1,
  §7.1: the complete one, else the earlier); this one is kept but not counted.
- `clinic_level_differs`: the clinic sent its own 保健指導レベル or メタボ判定 and ours differs; both are kept, ours is
  used (SPEC §2.9). The warning names both values.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from infra.i18n import message

from .codes import GuidanceLevel, MetabolicJudgment
from .mhlw.findings import RecordError, finding
from .models import Checkup

ANOTHER_CHECKUP_COUNTS = "another_checkup_counts"
CLINIC_LEVEL_DIFFERS = "clinic_level_differs"


@dataclass(frozen=True, slots=True)
class StoredFacts:
    counted: bool
    counted_exam_date: dt.date | None  # the exam that counts for the year instead, when this one does not
    guidance_level: int | None
    clinic_guidance_level: int | None
    metabolic_judgment: int | None
    clinic_metabolic_judgment: int | None


def stored_warnings(facts: StoredFacts) -> list[RecordError]:
    """The warnings of one stored record (a pure rule over its stored facts)."""
    warnings: list[RecordError] = []
    if not facts.counted and facts.counted_exam_date is not None:
        date = facts.counted_exam_date.isoformat()
        text = _("この年度は %(date)s の健診が数えられます。この記録は保存しましたが実施率には数えません(SPEC §6.1)")
        warnings.append(finding("exam_date", ANOTHER_CHECKUP_COUNTS, date, message(text, date=date)))
    pairs = (
        ("clinic_guidance_level", GuidanceLevel, facts.clinic_guidance_level, facts.guidance_level),
        ("clinic_metabolic_judgment", MetabolicJudgment, facts.clinic_metabolic_judgment, facts.metabolic_judgment),
    )
    for field, choices, sent, ours in pairs:
        if sent is not None and ours is not None and sent != ours:
            text = _(
                "健診機関の判定 %(sent)s は保険者の判定 %(ours)s と異なります。保険者の判定を使います(SPEC §2.9)。"
            )
            labels = {"sent": choices(sent).label, "ours": choices(ours).label}
            warnings.append(
                finding(field, CLINIC_LEVEL_DIFFERS, f"{sent}→{ours}", message(text, **labels))  # both values
            )
    return warnings


def stored_warnings_for(checkup_ids: Iterable[int]) -> dict[int, list[RecordError]]:
    """The warnings of stored checkups, in two queries at most (the counted exams only when one is not counted)."""
    return {pk: stored_warnings(facts) for pk, facts in stored_facts_for(checkup_ids).items()}


def stored_facts_for(checkup_ids: Iterable[int]) -> dict[int, StoredFacts]:
    """What the sender is told of stored checkups (their levels, and what the warnings read), in two queries at
    most (the counted exams only when one is not counted)."""
    checkup_ids = list(checkup_ids)
    if not checkup_ids:
        return {}
    rows = list(
        Checkup.objects.filter(pk__in=checkup_ids)
        .order_by()
        .values_list(
            "pk",
            "person_id",
            "fiscal_year",
            "counts_for_fiscal_year",
            "guidance_level",
            "clinic_guidance_level",
            "metabolic_judgment",
            "clinic_metabolic_judgment",
        )
    )
    not_counted = {(row[1], row[2]) for row in rows if not row[3]}
    counted_dates: dict[tuple[int, int], dt.date] = {}
    if not_counted:
        for person_id, fiscal_year, exam_date in Checkup.objects.filter(
            person_id__in={p for p, _ in not_counted}, counts_for_fiscal_year=True
        ).values_list("person_id", "fiscal_year", "exam_date"):
            counted_dates[(person_id, fiscal_year)] = exam_date
    return {
        pk: StoredFacts(counted, counted_dates.get((person_id, year)), level, clinic_level, metabolic, clinic_metabolic)
        for pk, person_id, year, counted, level, clinic_level, metabolic, clinic_metabolic in rows
    }
