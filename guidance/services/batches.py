"""Batches of ids for the set-based writes (programme sync and refresh)."""

import itertools
from collections.abc import Iterable, Iterator

SYNC_CHUNK = 2000  # checkup ids per round trip: well below SQLite's bound-parameter limit


def chunks(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    iterator = iter(ids)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
