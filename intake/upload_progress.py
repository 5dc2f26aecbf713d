"""An upload's progress and report: counts and report entries written with each chunk, and its end."""

from collections.abc import Sequence
from typing import Any, Protocol

from django.db import connection
from django.utils import timezone

from checkups.intake_types import Outcome
from checkups.models import Upload, UploadReportPart
from infra.bulk import on_postgresql
from members.models import Insurer

from .records import Prepared


class FileOutcome(Protocol):
    """What happened to one guidance file (guidance.mhlw_import): `status` is "accepted", "rejected" or "held";
    its entry in the upload's report."""

    status: str
    insurer_number: str

    def to_entry(self, index: int, name: str) -> dict[str, Any]: ...


def upload_finish(upload: Upload) -> None:
    """Done. An upload whose every record was refused keeps only its metadata (who, when, size, sha256, the
    report), never the body (issue #13)."""
    _report_gather(upload)
    upload.status, upload.finished_at = Upload.Status.DONE, timezone.now()
    fields = ["status", "finished_at"]
    if upload.total and upload.accepted == upload.held == 0:
        upload.content, fields = b"", [*fields, "content"]
    upload.save(update_fields=fields)


def upload_advance(
    upload: Upload,
    names: list[str],
    outcomes: Sequence[Outcome | FileOutcome],
    chunk: Sequence[Prepared] = (),
    *,
    finished: bool = False,
) -> None:
    """Progress, counts and the chunk's report entries, in the chunk's transaction. `finished`: the upload's
    only chunk (one JSON record): done, with its whole report, in one UPDATE."""
    entries = [
        outcome.to_entry(upload.done + offset, name)
        for offset, (name, outcome) in enumerate(zip(names, outcomes, strict=True))
    ]
    upload.done += len(entries)
    upload.accepted += sum(o.status == "accepted" for o in outcomes)
    upload.rejected += sum(o.status == "rejected" for o in outcomes)
    upload.held += sum(o.status == "held" for o in outcomes)
    if upload.insurer_id is None and chunk:  # the first record's insurer: known when it was accepted or held
        first = next((o for p, o in zip(chunk, outcomes, strict=False) if p.document is not None), None)
        if isinstance(first, Outcome) and first.insurer_id is not None:
            upload.insurer_id = first.insurer_id
        else:
            numbers = [p.document.insurer_number for p in chunk if p.document is not None]
            upload.insurer = Insurer.objects.filter(number__in=numbers[:1]).first()
    fields = ["done", "accepted", "rejected", "held", "insurer", "status"]
    if finished and upload.done == len(entries):
        upload.status, upload.finished_at, upload.report = Upload.Status.DONE, timezone.now(), entries
        upload.save(update_fields=[*fields, "finished_at", "report"])
        return
    upload.status = Upload.Status.PROCESSING
    upload.save(update_fields=fields)
    UploadReportPart.objects.create(upload_id=upload.pk, first_index=upload.done - len(entries), entries=entries)


_GATHER = f"""
    UPDATE {Upload._meta.db_table} SET report = report || COALESCE((
        SELECT jsonb_agg(entry ORDER BY part.first_index, entry_number)
        FROM {UploadReportPart._meta.db_table} part,
             jsonb_array_elements(part.entries) WITH ORDINALITY AS listed(entry, entry_number)
        WHERE part.upload_id = %s
    ), '[]'::jsonb)
    WHERE id = %s
"""  # noqa: S608 - the table names are the models' own


def _report_gather(upload: Upload) -> None:
    """The chunks' report parts become the upload's report: each part read once (on PostgreSQL in one statement),
    where appending every chunk to the report would rewrite it whole each time (quadratic in the chunks)."""
    if on_postgresql():
        with connection.cursor() as cursor:
            cursor.execute(_GATHER, [upload.pk, upload.pk])
    else:  # the same order, read as a page reads it while processing
        Upload.objects.filter(pk=upload.pk).update(report=upload.report_entries())
    UploadReportPart.objects.filter(upload_id=upload.pk).delete()
    upload.__dict__.pop("report", None)  # a report read before the gathering is stale: read again when needed
