"""The checkup files of an upload, read and prepared chunk by chunk: the archive's ZIP limits, its members, and
(for big command imports) the worker processes that parse and validate while the main process stores."""

import datetime as dt
import functools
import itertools
import os
from collections.abc import Generator, Iterator

from django.conf import settings

from checkups.mhlw.archive import Archive, ArchiveLimits, open_upload
from checkups.mhlw.errors import MhlwFormatError
from checkups.mhlw.validation import RecordError
from checkups.models import Upload
from infra.bulk import Prefetched, batches, forked_imap, may_fork

from .records import Prepared, prepare_chunk, prepare_chunk_slim

WORKER_BATCH = 50  # records per work unit of a parsing worker process


def archive_limits() -> ArchiveLimits:
    """ZIP safety limits (archive.ArchiveLimits), overridable in settings; never above the request size limit."""
    defaults = ArchiveLimits()
    return ArchiveLimits(
        max_entries=getattr(settings, "UPLOAD_MAX_ENTRIES", defaults.max_entries),
        max_total_uncompressed=getattr(settings, "UPLOAD_MAX_UNPACKED_BYTES", defaults.max_total_uncompressed),
        max_ratio=getattr(settings, "UPLOAD_MAX_RATIO", defaults.max_ratio),
        max_member=getattr(settings, "UPLOAD_MAX_MEMBER_BYTES", defaults.max_member),
    )


def checkup_names(archive: Archive) -> list[str]:
    return archive.checkup_names()


def _members(
    upload: Upload, data: bytes, start: int, archive: Archive | None = None
) -> Iterator[tuple[str, bytes | None, RecordError | None]]:
    """(name, bytes or None, read error) of the upload's checkup files from `start` on; `archive` is `data`
    already opened (a 10,000-member ZIP's directory is read and checked once, not once more here)."""
    archive = archive or open_upload(data, upload.file_name, archive_limits())
    if archive.index is None:  # one CDA file
        yield from ((name, data, None) for name in checkup_names(archive)[start:])
        return
    for name in checkup_names(archive)[start:]:
        try:
            yield name, archive.read_member(name), None
        except MhlwFormatError as exc:
            yield name, None, RecordError("file", "unreadable_file", None, exc.message_ja, exc.message_en)


def worker_processes(total: int, chunk_size: int, process_now: bool) -> int:
    """◆ Command imports of more than one chunk parse and validate in worker processes while the main process
    stores the previous chunk; never inside a Celery worker (daemonic processes cannot have children). With one
    process, a thread prepares the next chunk while the main thread stores (infra.bulk.Prefetched)."""
    wanted = int(getattr(settings, "UPLOAD_IMPORT_PROCESSES", min(os.cpu_count() or 1, 4)))
    if not process_now or total <= chunk_size or wanted < 2 or not may_fork():
        return 1
    return wanted


def prepared_chunks(
    upload: Upload,
    data: bytes,
    start: int,
    *,
    chunk_size: int,
    today: dt.date,
    processes: int,
    archive: Archive | None = None,
) -> Generator[list[Prepared]]:
    members = _members(upload, data, start, archive)
    if processes < 2:
        chunks = (prepare_chunk(batch, today) for batch in batches(members, chunk_size))
        if upload.total - start <= chunk_size:
            yield from chunks  # one chunk: nothing to overlap
            return
        prefetched = Prefetched(chunks)
        try:
            yield from prefetched
        finally:
            prefetched.close()
        return
    # fork: the workers only parse and validate (pure code); they never touch the parent's database connection.
    # Small work units keep the workers busy while the main process stores the previous chunk.
    units = batches(members, WORKER_BATCH)
    prepared = forked_imap(functools.partial(prepare_chunk_slim, today=today), units, processes)
    yield from batches(itertools.chain.from_iterable(prepared), chunk_size)
