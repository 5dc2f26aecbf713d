"""Write paths of 特定保健指導: programme creation from checkups, contacts, drop-out, exclusion, assignment.

Every write re-runs the pure rules (`guidance.rules.evaluate`) and stores the result on the programme, so lists and
rates read stored values. Edits by people (contacts, drop-out, goals…) claim the programme's `version` first
(`UPDATE … WHERE version = expected`): of two staff editing the same programme, the second gets a conflict
instead of silently overwriting the first.

One module per concept; this package re-exports their public names, so `from guidance.services import X` reads as
before:

- `eligibility`: which checkups make a programme (SPEC §1.3, §2.5, §5.1)
- `programme_sync` / `programme_creation`: programmes follow their checkups; new programmes and the bulk insert
- `evaluation`: the rules' result stored on programmes (one, or in batches)
- `locking`: the version claim of an edit by a person
- `contacts`: recording a contact (SPEC §5.2–§5.8)
- `closing`: 途中終了 and 対象外 (SPEC §5.6); `medication_recheck`: 保険者再確認 (SPEC §5.6)
- `level_choice`: staff decisions on the level (SPEC §5.6, §2.8)
- `goals`: the initial interview's goals; `assignment`: staff and provider of programmes
"""

from .assignment import programmes_assign
from .batches import SYNC_CHUNK
from .closing import CLOSED_STATUSES, programme_drop_out, programme_exclude
from .contacts import contact_add, contact_check
from .eligibility import checkup_makes_programme
from .errors import ContactRefused, GuidanceRefused, ProgrammeVersionConflict
from .evaluation import REFRESH_READS, programme_evaluate, programmes_refresh
from .goals import programme_set_goals
from .level_choice import programme_decide_level, programme_pending_level, programme_set_equivalent_level
from .medication_recheck import programme_record_medication_recheck
from .programme_creation import programmes_create_for_new_checkups
from .programme_sync import programmes_sync_for_checkups

__all__ = [
    "CLOSED_STATUSES",
    "REFRESH_READS",
    "SYNC_CHUNK",
    "ContactRefused",
    "GuidanceRefused",
    "ProgrammeVersionConflict",
    "checkup_makes_programme",
    "contact_add",
    "contact_check",
    "programme_decide_level",
    "programme_drop_out",
    "programme_evaluate",
    "programme_exclude",
    "programme_pending_level",
    "programme_record_medication_recheck",
    "programme_set_equivalent_level",
    "programme_set_goals",
    "programmes_assign",
    "programmes_create_for_new_checkups",
    "programmes_refresh",
    "programmes_sync_for_checkups",
]
