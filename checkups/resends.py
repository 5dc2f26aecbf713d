"""A re-send of a stored exam is a correction (issue #13): which items differ, for the sender's answer and for the
checkup's correction history (with the sender). Pure but for building the unsaved history rows."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from members.models import Clinic, Employer

from .models import CheckupCorrection

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"  # the `result` of an accepted record


@dataclass(frozen=True)
class ItemChange:
    """One item of a re-sent exam whose stored form differs: `old`/`new` are stored items (None: absent)."""

    code: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None

    def to_json(self) -> dict[str, Any]:
        """As the sender sees it: the item's value before and after (null where the item is absent)."""
        return {"code": self.code, "from": _value(self.old), "to": _value(self.new)}


def _value(item: dict[str, Any] | None) -> Any:
    return None if item is None else item.get("value")


def item_changes(stored: Mapping[str, Any], incoming: Mapping[str, Any]) -> list[ItemChange]:
    """The items (by code, in code order) that differ in any attribute, were added or were left out."""
    return [
        ItemChange(code, stored.get(code), incoming.get(code))
        for code in sorted(stored.keys() | incoming.keys())
        if stored.get(code) != incoming.get(code)
    ]


@dataclass(frozen=True)
class Sender:
    """Who sent a re-send: `label` is the upload's submitter ("clinic:<pk>", …), never empty."""

    label: str
    clinic: Clinic | None = None
    employer: Employer | None = None
    user: Any = None
    upload_id: int | None = None


def resend_corrections(checkup_id: int, changes: list[ItemChange], sender: Sender) -> list[CheckupCorrection]:
    """The history rows of one re-send (unsaved, for one bulk insert per chunk)."""
    return [
        CheckupCorrection(
            checkup_id=checkup_id,
            kind=CheckupCorrection.Kind.RESEND,
            item_code=change.code,
            old_value=change.old,
            new_value=change.new,
            corrected_by=sender.user if getattr(sender.user, "pk", None) else None,
            sent_by_clinic=sender.clinic,
            sent_by_employer=sender.employer,
            submitter=sender.label[:40],
            upload_id=sender.upload_id,
        )
        for change in changes
    ]
