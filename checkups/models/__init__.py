"""Checkup results (特定健診結果): typed columns for the rules, every item by its MHLW code, our judgments.

One module per model family: `checkup` (the result), `correction` (its item history), `held_record` (records
that matched no person), `upload` (received submissions), `sent` (who sees what a sender sent) and `export_run`
(the MHLW archives). Every model is imported here, so Django finds them and `from checkups.models import X` works.
"""

# isort: off
# In the order the models were defined in the one models.py: Django registers them (content types, permissions,
# `apps.get_models()`) in import order, which stays as it was.
from .checkup import Checkup, CheckupQuerySet
from .sent import SentRecordQuerySet
from .held_record import HeldRecord
from .correction import CheckupCorrection
from .upload import Upload, UploadQuerySet, UploadReportPart
from .export_run import ARCHIVE_SEQUENCES_PER_DAY, ExportRun, ExportRunKind, ExportRunQuerySet

# isort: on

__all__ = [
    "ARCHIVE_SEQUENCES_PER_DAY",
    "Checkup",
    "CheckupCorrection",
    "CheckupQuerySet",
    "ExportRun",
    "ExportRunKind",
    "ExportRunQuerySet",
    "HeldRecord",
    "SentRecordQuerySet",
    "Upload",
    "UploadQuerySet",
    "UploadReportPart",
]
