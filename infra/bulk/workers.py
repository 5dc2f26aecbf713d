"""CPU: garbage-collector pauses, batches, and forked worker processes (each with its own connection)."""

import functools
import gc
import itertools
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from django.db import connection, connections

from .vendor import on_postgresql


@contextmanager
def gc_paused() -> Iterator[None]:
    """No automatic garbage collection in the block: a batch holding ~100,000 acyclic objects would only be
    rescanned by every collection (a tenth or more of the batch's CPU)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def may_fork() -> bool:
    """Child processes are allowed here (not e.g. in a Celery prefork child, which is daemonic)."""
    return not multiprocessing.current_process().daemon


def may_fork_database_work() -> bool:
    """Work can be split over forked processes with connections of their own: PostgreSQL, outside a
    transaction (the children cannot see it), not inside a daemonic process."""
    return on_postgresql() and not connection.in_atomic_block and may_fork()


def _in_child(function: Callable[..., Any], kwargs: dict[str, Any]) -> Any:
    """Runs in a forked child: a fresh connection (the parent's were closed before the fork)."""
    try:
        return function(**kwargs)
    finally:
        connections.close_all()


def forked_map(function: Callable[..., Any], calls: list[dict[str, Any]]) -> list[Any]:
    """`function(**kwargs)` for each of `calls`, one forked process each, each with its own connection."""
    connections.close_all()  # children must not share the parent's socket
    with ProcessPoolExecutor(max_workers=len(calls), mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(functools.partial(_in_child, function), calls))


def forked_imap(
    function: Callable[[Any], Any],
    units: Iterable[Any],
    processes: int,
    *,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
) -> Iterator[Any]:
    """`function(unit)` in `processes` forked workers, results in order. The workers run pure code only: they
    never touch the parent's database connection. `initializer(*initargs)` runs once in each worker as it starts;
    forked, its arguments are the parent's objects as they are (copied with the process, never pickled)."""
    with multiprocessing.get_context("fork").Pool(processes, initializer=initializer, initargs=initargs) as pool:
        yield from pool.imap(function, units)
