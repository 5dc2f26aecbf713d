"""A staff correction of one checkup item (kept in its history): validated against the item table, the typed
columns and the judgment recomputed; programmes follow through the caller's `ProgrammeLink`."""

from typing import Any

from django.db import transaction

from .items import columns_from_items
from .judging import checkups_judge
from .mhlw.document import Observation
from .mhlw.itemtable import item
from .mhlw.validation import RecordError, validate_observation
from .models import Checkup, CheckupCorrection
from .programme_link import ProgrammeLink

_MODEL_FIELDS = {f.name for f in Checkup._meta.get_fields()}


class CorrectionRefused(Exception):
    def __init__(self, errors: list[RecordError]) -> None:
        super().__init__("; ".join(e.message_en for e in errors))
        self.errors = errors


@transaction.atomic
def checkup_correct_item(
    *,
    checkup: Checkup,
    item_code: str,
    value: str | None,
    reason: str,
    user: Any,
    programmes: ProgrammeLink | None,
) -> Checkup:
    """A staff correction of one item (kept in history); the typed columns and the level are recomputed."""
    items = dict(checkup.items)
    old = items.get(item_code)
    if value in (None, ""):
        items.pop(item_code, None)
        new = None
    else:
        observation = _observation_like(item_code, value, old)
        report = validate_observation(observation, period=4 if checkup.fiscal_year >= 2024 else 3)
        if not report.ok:
            raise CorrectionRefused(report.errors)
        new = observation.to_item()
        items[item_code] = new
    CheckupCorrection.objects.create(
        checkup=checkup, item_code=item_code, old_value=old, new_value=new, reason=reason, corrected_by=user
    )
    columns = columns_from_items(items, fiscal_year=checkup.fiscal_year)
    for name, column_value in columns.items():
        if name in _MODEL_FIELDS:
            setattr(checkup, name, column_value)
    checkup.items = items
    checkup.save()
    checkups_judge(checkup_ids=[checkup.pk], programmes=programmes)
    checkup.refresh_from_db()
    return checkup


def _observation_like(item_code: str, value: str, old: dict[str, Any] | None) -> Observation:
    definition = item(item_code)
    value_type = definition.value_type if definition else (old or {}).get("type", "ST")
    return Observation(
        code=item_code,
        value_type=value_type,
        value=str(value).strip(),
        unit=(definition.unit if definition and value_type == "PQ" else "") or "",
        method_code=(old or {}).get("method") or (definition.method_code if definition else "") or "",
        code_system=(definition.answer_oid if definition and value_type in ("CD", "CO") else "") or "",
    )
