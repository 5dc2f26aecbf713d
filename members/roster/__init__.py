"""Roster import (資格データ, SPEC §1.5): parse → plan → apply, all-or-nothing.

A file with any bad row is rejected whole and every bad row is reported with line, column, value and
reason. Re-importing the same file changes nothing; a changed row updates the person and leaves a
PersonChange row as history.

columns: the file's interface; reading: encoding and one row; parsing: the whole file; planning: the changes
against the database; applying: preview, confirm and the write.
"""

from .applying import roster_apply, roster_confirm, roster_prepare
from .columns import (
    PERSON_FIELDS,
    ROSTER_COLUMN_LABELS,
    ROSTER_COLUMNS,
    CardKey,
    RosterRejected,
    RosterRow,
    RowError,
)
from .parsing import parse_roster
from .planning import RosterPlan, plan_roster
from .reading import EARLIEST_BIRTH_DATE, decode_roster

__all__ = [
    "EARLIEST_BIRTH_DATE",
    "PERSON_FIELDS",
    "ROSTER_COLUMNS",
    "ROSTER_COLUMN_LABELS",
    "CardKey",
    "RosterPlan",
    "RosterRejected",
    "RosterRow",
    "RowError",
    "decode_roster",
    "parse_roster",
    "plan_roster",
    "roster_apply",
    "roster_confirm",
    "roster_prepare",
]
