"""Refusals of guidance writes: a write the rules refuse, and an edit that lost the race for its programme."""

from ..rules import RuleViolation


class GuidanceRefused(Exception):
    """A write the rules refuse; carries the violations (rule, field, message_ja, message_en)."""

    def __init__(self, violations: list[RuleViolation]) -> None:
        super().__init__("; ".join(f"{v.rule}: {v.message_en}" for v in violations))
        self.violations = violations


class ContactRefused(GuidanceRefused):
    """A contact refused by `guidance.rules.validate_contact`."""


class ProgrammeVersionConflict(Exception):
    """Someone else changed the programme since it was read (optimistic locking)."""
