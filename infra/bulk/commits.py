"""How a batch transaction commits: asynchronously for recomputable work, synchronously to flush."""

from typing import Any

from django.db import connection

from .vendor import on_postgresql


def _outermost_transaction() -> bool:
    """True in a transaction of our own; False in a savepoint of a caller's transaction (leave that alone)."""
    return connection.in_atomic_block and not connection.savepoint_ids


def commit_asynchronously(*, compress_lz4: bool = False) -> None:
    """This transaction's commit does not wait for its WAL flush (PostgreSQL `synchronous_commit = off`, this
    transaction only; never a caller's). For recomputable or resumable work: a crash loses only the last
    commits, which a re-run redoes. `compress_lz4`: large jsonb values are compressed with lz4 (about a third of
    the default pglz's server time for a slightly larger value; reading either is transparent)."""
    if not on_postgresql() or not _outermost_transaction():
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        if compress_lz4 and _lz4_available(cursor):
            cursor.execute("SET LOCAL default_toast_compression = lz4")


def commit_synchronously() -> None:
    """The commit flushes the WAL of every asynchronous commit before it."""
    if on_postgresql():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = on")


_LZ4: list[bool] = []  # whether the server was built with lz4 (asked once per process)


def _lz4_available(cursor: Any) -> bool:
    if not _LZ4:
        cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        row = cursor.fetchone()
        _LZ4.append(bool(row and row[0]))
    return _LZ4[0]
