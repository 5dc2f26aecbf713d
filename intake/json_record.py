"""One JSON record (POST /api/v1/checkups/): an upload of one record through the same path as an archive."""

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, InterfaceError, OperationalError, transaction

from checkups.codes import Source
from checkups.intake_types import Outcome, Submitter, rejected
from checkups.mhlw.document import CheckupDocument
from checkups.models import Upload

from .records import prepare_document, records_receive, storage_failed
from .upload_chunks import intake_today, upload_advance
from .uploads import existing_upload

# ---------------------------------------------------------------- one JSON record


class _Rejected(Exception):
    def __init__(self, outcome: Outcome) -> None:
        super().__init__("record rejected")
        self.outcome = outcome


@dataclass(frozen=True)
class JsonResult:
    entry: dict[str, Any]
    upload: Upload | None
    replayed: bool
    # the stored checkup's 保健指導レベル and メタボ判定 (guidance_level, metabolic_judgment) when just stored; a
    # replayed answer reads them again
    levels: tuple[int | None, int | None] | None = None


def checkup_submit(
    *, submitter: Submitter, document: CheckupDocument, body: bytes, idempotency_key: str = ""
) -> JsonResult:
    """One record sent as JSON by a clinic (POST /api/v1/checkups/).

    Accepted and held records are kept with an Upload (kind json) so an Idempotency-Key sent again answers the
    first result; a rejected record stores nothing (the key is not used up, the client may fix and resend).
    """
    sha256 = hashlib.sha256(body).hexdigest()
    if idempotency_key:
        found = existing_upload(submitter, sha256, idempotency_key)
        if found is not None:
            return JsonResult(entry=found.report[0] if found.report else {}, upload=found, replayed=True)
    try:
        with transaction.atomic():
            upload = Upload.objects.create(
                submitter=submitter.label,
                submitted_by_clinic=submitter.clinic,
                submitted_by_employer=submitter.employer,
                kind=Upload.Kind.JSON,
                source=Source.CLINIC_API,
                sha256=sha256,
                size=len(body),
                content=body,
                idempotency_key=idempotency_key[:200],
                total=1,
                status=Upload.Status.PROCESSING,
            )
            prepared = prepare_document("json", document, today=intake_today())
            outcome = records_receive(
                [prepared],
                submitter=submitter,
                source=Source.CLINIC_API,
                employer_context=submitter.is_employer,
                upload_id=upload.pk,
                savepoint=False,  # this transaction is the record's: a database failure is handled below
            )[0]
            if outcome.status == "rejected":
                raise _Rejected(outcome)
            entry = outcome.to_entry(0, "json")
            upload_advance(upload, ["json"], [outcome], [prepared], finished=True)
    except _Rejected as refused:
        return JsonResult(entry=refused.outcome.to_entry(0, "json"), upload=None, replayed=False)
    except (OperationalError, InterfaceError):
        raise  # the database is not reachable: a server error, the clinic sends again
    except DatabaseError as exc:
        # the same Idempotency-Key sent twice at once: the other request stored it (the upload's unique key)
        found = existing_upload(submitter, sha256, idempotency_key) if idempotency_key else None
        if found is None:  # a concurrent send of the same exam, most often: nothing stored, send it again
            return JsonResult(entry=rejected(storage_failed(exc)).to_entry(0, "json"), upload=None, replayed=False)
        return JsonResult(entry=found.report[0] if found.report else {}, upload=found, replayed=True)
    levels = (outcome.guidance_level, outcome.metabolic_judgment) if outcome.status == "accepted" else None
    return JsonResult(entry=entry, upload=upload, replayed=False, levels=levels)
