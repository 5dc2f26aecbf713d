"""A broken rule on one field (SPEC §5): blocking violations refuse a contact or a write; the others only warn
(accepted, earns nothing)."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from infra.i18n import Message, bilingual


@dataclass(frozen=True)
class RuleViolation:
    """A broken rule on one field. `blocking` violations refuse the contact; others only warn."""

    rule: str
    field: str
    message_ja: str
    message_en: str
    spec: str
    blocking: bool = True
    value: Any = None  # what was sent, shown in the error envelope

    @classmethod
    def of(cls, rule: str, field: str, text: Message, section: str, *, value: Any = None, blocking: bool = True):
        """A violation whose message is one gettext message, rendered in Japanese and English (infra.i18n)."""
        ja, en = bilingual(text)
        return cls(rule, field, ja, en, f"SPEC {section}", blocking, _plain(value))


def _plain(value: Any) -> Any:
    """A value as JSON carries it (Decimal and dates as text)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def blocking(violations: list[RuleViolation]) -> list[RuleViolation]:
    """The violations that refuse the contact."""
    return [v for v in violations if v.blocking]


def violation(rule: str, field: str, ja: str, en: str, section: str) -> RuleViolation:
    return RuleViolation(rule, field, ja, en, f"SPEC {section}")


def warning(rule: str, field: str, ja: str, en: str, section: str) -> RuleViolation:
    return RuleViolation(rule, field, ja, en, f"SPEC {section}", blocking=False)
