"""Where the intake hands an upload's guidance files (特定保健指導情報ファイル, g…xml, SPEC §9.6).

An archive may carry checkup files (h…) and guidance files (g…). The intake (intake.upload_chunks) reads both; the
checkup files it stores itself, the guidance files it gives to the one handler the guidance app registers at
start-up (guidance.apps.GuidanceConfig.ready → guidance.mhlw_import), so the checkup layer never imports the
guidance layer above it. Without a handler (guidance not installed) a guidance file is refused, never dropped.
"""

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from .mhlw.findings import RecordError

if TYPE_CHECKING:
    from .intake_types import Submitter


class FileOutcome(Protocol):
    """What happened to one file: `status` is "accepted", "rejected" or "held"; its entry in the upload's report."""

    status: str
    insurer_number: str

    def to_entry(self, index: int, name: str) -> dict[str, Any]: ...


# (file name, bytes or None when unreadable, the read error) of each guidance file → one outcome each, in order
GuidanceFilesHandler = Callable[
    [Sequence[tuple[str, bytes | None, RecordError | None]], "Submitter", dt.date], Sequence[FileOutcome]
]

_handlers: dict[str, GuidanceFilesHandler] = {}


def register_guidance_files_handler(handler: GuidanceFilesHandler) -> None:
    _handlers["guidance"] = handler


def guidance_files_handler() -> GuidanceFilesHandler | None:
    return _handlers.get("guidance")
