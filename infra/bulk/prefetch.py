"""A thread that prepares the next item while the consumer waits for the database."""

import queue
import threading
from collections.abc import Iterator
from typing import Any


class Prefetched:
    """Runs an iterator in a thread, `depth` items ahead of its consumer.

    While the consumer waits for the database (the wait releases the GIL, and so does lxml while it parses) the
    thread prepares the next item, so the database's work on the other core overlaps the preparation instead of
    adding to it. The producer must touch no database connection.
    """

    _END = object()

    def __init__(self, source: Iterator[Any], depth: int = 1) -> None:
        self._queue: queue.Queue[tuple[Any, BaseException | None]] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(source,), name="bulk-prefetch", daemon=True)
        self._thread.start()

    def _put(self, item: tuple[Any, BaseException | None]) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def _run(self, source: Iterator[Any]) -> None:
        try:
            for item in source:
                if not self._put((item, None)):
                    return
            self._put((self._END, None))
        except BaseException as exc:  # handed to the consumer, raised there
            self._put((self._END, exc))
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    def __iter__(self) -> "Prefetched":
        return self

    def __next__(self) -> Any:
        item, error = self._queue.get()
        if error is not None:
            self._stop.set()
            raise error
        if item is self._END:
            self._stop.set()
            raise StopIteration
        return item

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
