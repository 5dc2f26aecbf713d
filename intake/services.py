"""The intake's use cases, for the interface ring (API, admin, tasks, commands) and the apps above: receive an
upload or a JSON record, one record through the service path, link a held record, correct a checkup item, judge
or restratify with the programmes following (issue #12)."""

from checkups.judging import checkups_choose_counted

from .json_record import JsonResult, checkup_submit
from .judging import checkup_correct_item, checkups_judge, checkups_restratify
from .receive import RecordRefused, StoreResult, checkup_receive, checkup_store, held_record_link
from .records import records_receive
from .store import checkups_receive_many
from .tasks import RESUME_AFTER, upload_enqueue, uploads_resume_pending
from .upload_chunks import CHUNK_SIZE, upload_process
from .uploads import SMALL_UPLOAD_RECORDS, IdempotencyKeyReused, Intake, existing_upload, upload_receive

__all__ = [
    "CHUNK_SIZE",
    "RESUME_AFTER",
    "SMALL_UPLOAD_RECORDS",
    "IdempotencyKeyReused",
    "Intake",
    "JsonResult",
    "RecordRefused",
    "StoreResult",
    "checkup_correct_item",
    "checkup_receive",
    "checkup_store",
    "checkup_submit",
    "checkups_choose_counted",
    "checkups_judge",
    "checkups_receive_many",
    "checkups_restratify",
    "existing_upload",
    "held_record_link",
    "records_receive",
    "upload_enqueue",
    "upload_process",
    "upload_receive",
    "uploads_resume_pending",
]
