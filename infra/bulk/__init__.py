"""Bulk database and CPU plumbing: COPY, raw SQL, session settings, forked workers, GC pauses.

Every `connection.vendor` branch, raw cursor and COPY of the domain apps lives here, so the domain modules read
as rules: they say *what* is stored or read ("insert these new rows", "update these columns by id", "rows of
this query") and this package decides *how* (PostgreSQL: COPY and server-side parameters through psycopg 3;
elsewhere, SQLite in development and tests: the ORM's bulk operations). Nothing here knows a domain rule.

vendor: which database; reading: IN lists, SET LOCAL, raw rows; commits: asynchronous or synchronous commit;
writing: model instances (COPY, bulk_update); copy_batches: plain rows through a temporary table; raw_updates:
one row's large value; workers: GC pauses, batches, forked processes; prefetch: a producer thread.
"""

from .commits import commit_asynchronously, commit_synchronously
from .copy_batches import insert_rows, update_by_id
from .prefetch import Prefetched
from .raw_updates import save_with_binary
from .reading import SHORT_QUERY_SETTINGS, fetch_rows, local_settings, set_local, where_in
from .vendor import on_postgresql
from .workers import batches, forked_imap, forked_map, gc_paused, may_fork, may_fork_database_work
from .writing import RawJson, insert_new, update_objects

__all__ = [
    "SHORT_QUERY_SETTINGS",
    "Prefetched",
    "RawJson",
    "batches",
    "commit_asynchronously",
    "commit_synchronously",
    "fetch_rows",
    "forked_imap",
    "forked_map",
    "gc_paused",
    "insert_new",
    "insert_rows",
    "local_settings",
    "may_fork",
    "may_fork_database_work",
    "on_postgresql",
    "save_with_binary",
    "set_local",
    "update_by_id",
    "update_objects",
    "where_in",
]
