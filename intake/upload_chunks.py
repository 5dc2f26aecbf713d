"""Processing an upload chunk by chunk (SPEC §9.1–§9.6): each chunk of checkup files is prepared, stored by
`records_receive` and reported in one transaction, so a retried task resumes after the last committed chunk and
never stores a record twice; then the guidance files, by the guidance app (`guidance.mhlw_import`)."""

import datetime as dt
import hashlib
from typing import TypedDict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from checkups.intake_types import Outcome, Submitter, rejected
from checkups.mhlw.archive import Archive, open_upload
from checkups.mhlw.errors import MhlwFormatError
from checkups.mhlw.findings import finding
from checkups.mhlw.validation import RecordError
from checkups.models import Upload
from guidance.mhlw_import import guidance_files_receive
from infra.bulk import commit_asynchronously, commit_synchronously, gc_paused
from infra.i18n import Message
from members.models import Insurer

from .records import Prepared, records_receive
from .upload_members import archive_limits, checkup_names, prepared_chunks
from .upload_progress import FileOutcome, upload_advance, upload_finish

CHECKUP_FILE_FROM_PROVIDER: Message = _(
    "保健指導機関のキーで送れるのは特定保健指導情報ファイル(g…xml)です。健診結果は健診機関が送付します"
)


CHUNK_SIZE = 500  # records per transaction while processing
EMPLOYER_SENDER = "6631111116"  # common sender number of an employer (事業主) archive (SPEC §7.2)
EMPLOYER_SERVICE_EVENT = 4  # 実施区分 4 他の健診結果の受領分 (SPEC §7.2)


def intake_today() -> dt.date:
    """The day an upload is processed on (records dated after it are refused, SPEC §9.5)."""
    return timezone.localdate()


def _is_employer_archive(archive: Archive | None, submitter: Submitter) -> bool:
    index = archive.index if archive else None
    by_index = index is not None and (
        index.sender == EMPLOYER_SENDER or index.service_event_type == EMPLOYER_SERVICE_EVENT
    )
    return submitter.is_employer or by_index


class _ChunkOptions(TypedDict):
    chunk_size: int
    today: dt.date
    processes: int


def upload_process(
    *,
    upload_id: int,
    data: bytes | None = None,
    chunk_size: int | None = None,
    today: dt.date | None = None,
    processes: int = 1,
    data_sha256: str | None = None,
    archive: Archive | None = None,
) -> Upload:
    """Process (or resume) an upload chunk by chunk; records already reported are skipped (safe to run twice).

    `data` is the file when the caller has it (command import); otherwise it is read from the stored upload.
    A caller that has just hashed `data` (`data_sha256`) or opened it (`archive`) passes them on, so a
    200 MB archive is not hashed and its directory not read again.
    """
    today = today or intake_today()
    chunk_size = chunk_size or CHUNK_SIZE
    upload = Upload.objects.defer("content").get(pk=upload_id)
    if upload.status in (Upload.Status.DONE, Upload.Status.FAILED):
        return upload
    if data is None:
        data = bytes(Upload.objects.values_list("content", flat=True).get(pk=upload_id))
    if (data_sha256 or hashlib.sha256(data).hexdigest()) != upload.sha256:
        raise ValueError("the file given is not the one this upload was received with")
    submitter = _submitter_of(upload)
    archive = archive or open_upload(data, upload.file_name, archive_limits())
    checkup_count = len(checkup_names(archive))
    employer_context = _is_employer_archive(archive, submitter)
    position = upload.done
    options = _ChunkOptions(chunk_size=chunk_size, today=today, processes=processes)
    # the opened archive serves the first pass only: a resumed pass opens its own (fresh read budget)
    chunks = prepared_chunks(upload, data, position, archive=archive, **options)
    try:
        # A chunk keeps ~100,000 objects alive (documents, observations, items) and the import makes no cycles
        # (nothing is left for the collector afterwards): automatic collections would only rescan them, about a
        # tenth of the preparation time.
        with gc_paused():
            while True:
                with transaction.atomic():
                    # a chunk's commit need not wait for its WAL flush: a crash loses only the last chunks, and
                    # their progress with them, so a retry redoes them; each checkup's ~10 kB `items` is lz4'd
                    commit_asynchronously(compress_lz4=True)
                    locked = Upload.objects.select_for_update().defer("content", "report").get(pk=upload_id)
                    if locked.done != position:  # another run got further: continue after its last committed chunk
                        chunks.close()
                        position, chunks = locked.done, prepared_chunks(upload, data, locked.done, **options)
                    chunk = next(chunks, []) if locked.done < checkup_count else []
                    if not chunk and locked.done < locked.total:  # the checkup files are done: the guidance files
                        _guidance_step(locked, archive, data, checkup_count, submitter, today, chunk_size)
                        position = locked.done
                        continue
                    if not chunk:
                        commit_synchronously()  # flushes the WAL of every chunk before the upload reads as done
                        upload_finish(locked)
                        return locked
                    outcomes = (
                        [_from_provider(prepared) for prepared in chunk]
                        if submitter.provider is not None
                        else records_receive(
                            chunk,
                            submitter=submitter,
                            source=upload.source,
                            employer_context=employer_context,
                            upload_id=upload_id,
                        )
                    )
                    upload_advance(locked, [p.name for p in chunk], outcomes, chunk)
                    position = locked.done
    finally:
        chunks.close()


def _from_provider(prepared: Prepared) -> Outcome:
    """A guidance provider sends guidance files only; a checkup file in its upload is refused (SPEC §9.6)."""
    return rejected(finding("file", "checkup_file_from_provider", prepared.name, CHECKUP_FILE_FROM_PROVIDER))


def _guidance_step(
    upload: Upload,
    archive: Archive,
    data: bytes,
    checkup_count: int,
    submitter: Submitter,
    today: dt.date,
    chunk_size: int,
) -> None:
    """The next guidance files (after the checkup files, so a file can follow its checkup in the same archive),
    stored by the guidance app (an explicit call: the intake sits above it) and reported in the same transaction
    as their progress."""
    start = upload.done - checkup_count
    names = archive.guidance_names()[start : start + chunk_size]
    files: list[tuple[str, bytes | None, RecordError | None]] = []
    for name in names:
        try:
            files.append((name, archive.read_member(name) if archive.index is not None else data, None))
        except MhlwFormatError as exc:
            files.append((name, None, RecordError("file", "unreadable_file", None, exc.message_ja, exc.message_en)))
    outcomes: list[FileOutcome | Outcome] = list(guidance_files_receive(files, submitter, today))
    if upload.insurer_id is None:
        numbers = [getattr(o, "insurer_number", "") for o in outcomes]
        upload.insurer = Insurer.objects.filter(number__in=[n for n in numbers if n][:1]).first()
    upload_advance(upload, names, outcomes)


def _submitter_of(upload: Upload) -> Submitter:
    """The submitter an upload was received from; a staff member's upload of a clinic's file (user and clinic
    both set, Submitter.for_staff) stays restricted to its insurer when processed later."""
    on_behalf = upload.submitted_by_user_id is not None and upload.submitted_by_clinic_id is not None
    return Submitter(
        label=upload.submitter,
        clinic=upload.submitted_by_clinic,
        employer=upload.submitted_by_employer,
        user=upload.submitted_by_user,
        provider=upload.submitted_by_provider,
        insurer=upload.insurer if on_behalf else None,
    )
