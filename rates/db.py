"""Session settings for the few large grouped queries of the rates (PostgreSQL only; SQLite needs nothing)."""

from collections.abc import Iterator
from contextlib import contextmanager

from infra.bulk import local_settings

# Hash joins over a million members fit in memory instead of spilling to temporary files, and JIT compilation
# (hundreds of ms per query) is not worth it for queries that run in about a second (bench/rates_bench.py).
POSTGRES_SETTINGS = {"work_mem": "64MB", "jit": "off"}


@contextmanager
def large_query_settings() -> Iterator[None]:
    """Apply POSTGRES_SETTINGS for the enclosed queries only (SET LOCAL ends with the transaction)."""
    with local_settings(POSTGRES_SETTINGS):
        yield
