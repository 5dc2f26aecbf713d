"""Record-level validation of one CheckupDocument (SPEC §9.4, §4.4, §2.1, §1.5).

Every finding names the field, a stable machine code, the value and a message in Japanese and English that
states the item code with its Japanese name, the value and the rule. Whether the insurer number is known is the
caller's business (it needs the database).

`record` runs the checks in order: `header`, then `scan` (one pass that checks each observation with
`observations`), `requirements` of the programme, and the checks across items in `consistency`; `report` holds
what they find.
"""

from checkups.mhlw.findings import RecordError

from .record import validate_document, validate_observation
from .report import ValidationReport

__all__ = ["RecordError", "ValidationReport", "validate_document", "validate_observation"]
