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
    yield from (_read(archive, name) for name in checkup_names(archive)[start:])


def _read(archive: Archive, name: str) -> tuple[str, bytes | None, RecordError | None]:
    try:
        return name, archive.read_member(name), None
    except MhlwFormatError as exc:
        return name, None, RecordError("file", "unreadable_file", None, exc.message_ja, exc.message_en)


_worker_archive: Archive | None = None  # in a forked worker process: the upload's archive (the parent's, copied)


def _worker_start(archive: Archive) -> None:
    global _worker_archive  # one archive per worker process, set once as the process starts
    _worker_archive = archive


def _prepare_names(names: list[str], today: dt.date) -> list[Prepared]:
    """In a worker process: read its members from the archive and prepare them (only names travel to it)."""
    assert _worker_archive is not None
    return prepare_chunk_slim([_read(_worker_archive, name) for name in names], today)


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
    archive = archive or open_upload(data, upload.file_name, archive_limits())
    if processes < 2 or archive.index is None:  # one process, or one CDA file
        members = _members(upload, data, start, archive)
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
    # fork: the workers read, parse and validate (pure code; each reads its members from its copy of the archive,
    # so only names go to it); they never touch the parent's database connection. Small work units keep the
    # workers busy while the main process stores the previous chunk.
    units = batches(checkup_names(archive)[start:], WORKER_BATCH)
    work = functools.partial(_prepare_names, today=today)
    prepared = forked_imap(work, units, processes, initializer=_worker_start, initargs=(archive,))
    for chunk in batches(itertools.chain.from_iterable(prepared), chunk_size):
        for record in chunk:  # a held record's document is read again from the file (see prepare_chunk_slim)
            if record.document is not None:
                record.read_file = functools.partial(archive.read_member, record.name)
        yield chunk
