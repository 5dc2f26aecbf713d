"""What validating a record finds: errors, warnings and what a 事業者健診 lacks for the 特定健診.

Every finding names the field, a stable machine code, the value and a message in Japanese and English that
states the item code with its Japanese name, the value and the rule.
"""

from dataclasses import asdict, dataclass, field
from typing import Any

from checkups.mhlw.findings import RecordError, finding
from checkups.mhlw.itemtable import ItemDef
from infra.i18n import Message


@dataclass(slots=True)
class ValidationReport:
    errors: list[RecordError] = field(default_factory=list)
    warnings: list[RecordError] = field(default_factory=list)
    # For 事業者健診 (030): 特定健診 (CASE01) requirements not met, so staff know what to complete (SPEC §7.1).
    missing_for_specific_checkup: list[RecordError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, list[dict[str, Any]]]:
        return {
            "errors": [asdict(e) for e in self.errors],
            "warnings": [asdict(w) for w in self.warnings],
            "missing_for_specific_checkup": [asdict(m) for m in self.missing_for_specific_checkup],
        }


def item_label(code: str, definition: ItemDef | None) -> str:
    return f"{code} ({definition.name})" if definition else code


def item_error(code: str, kind: str, value: str | None, ja: str, en: str) -> RecordError:
    """Prefer `item_finding` (one gettext message)."""
    return RecordError(f"items[{code}]", kind, value, ja, en)


def item_finding(code: str, kind: str, value: str | None, text: Message) -> RecordError:
    """A finding on item `code` whose message is one gettext message (rendered in Japanese and English)."""
    return finding(f"items[{code}]", kind, value, text)
