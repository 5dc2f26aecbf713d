"""An upload's per-record report in staff words (issue #16): what happened to each record, and why.

The stored report (Upload.report) is what the sender got back: a held record carries one neutral message there
(whether a card exists is for staff). Staff see the hold reason and where the record is now (still held, linked
to a person, rejected) from the held records themselves, read in one query for the whole report.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from infra.i18n import StrOrPromise

from .models import HeldRecord, Upload

# "(…, SPEC §9.5)": the sender's message names its rule's section; staff read the words without it (issue #16)
_SPEC_REFERENCE = re.compile(r"[,、;；]?\s*SPEC §[0-9.]+(?:\s*[①-⑳])?[^\s)）]*")
_EMPTY_BRACKETS = re.compile(r"\s*[(（]\s*[)）]")

REPORT_ROWS = 1000  # rows shown on the page; the counts above them cover every record

OUTCOME_WORDS: dict[str, StrOrPromise] = {
    "accepted": _("取込済み"),
    "held": _("照合保留"),
    "rejected": _("エラー(取り込まず)"),
}


@dataclass(frozen=True)
class ReportRow:
    number: int  # 1-based, as staff count
    file: str  # the member's file name (no folder)
    status: str  # "accepted" | "held" | "rejected"
    outcome: StrOrPromise
    details: list[str]  # the reasons and warnings, in Japanese
    checkup_id: int | None = None
    held_id: int | None = None
    held_open: bool = False  # the held record still waits for staff (it can be linked)


def _held_rows(held_ids: Iterable[int]) -> dict[int, tuple[str, str, int | None]]:
    rows = HeldRecord.objects.filter(pk__in=set(held_ids)).values_list("pk", "reason_ja", "status", "checkup_id")
    return {pk: (reason, status, checkup_id) for pk, reason, status, checkup_id in rows}


def staff_text(message_ja: str) -> str:
    """A sender's Japanese message as staff read it: without the SPEC section it cites."""
    return _EMPTY_BRACKETS.sub("", _SPEC_REFERENCE.sub("", message_ja)).strip()


def _messages(findings: Iterable[dict[str, Any]]) -> list[str]:
    return [staff_text(f["message_ja"]) for f in findings if f.get("message_ja")]


def _held_row(entry: dict[str, Any], base: dict[str, Any], held: tuple[str, str, int | None] | None) -> ReportRow:
    reason, state, checkup_id = held or ("", HeldRecord.Status.HELD, None)
    details = [str(_("保留の理由: %(reason)s") % {"reason": reason})] if reason else []
    if state == HeldRecord.Status.LINKED:
        details.append(str(_("加入者に紐付けて取り込み済みです。")))
    elif state == HeldRecord.Status.REJECTED:
        details.append(str(_("担当者が却下しました。")))
    return ReportRow(
        **base,
        details=details + _messages(entry.get("warnings", [])),
        checkup_id=checkup_id,
        held_id=entry["held"],
        held_open=state == HeldRecord.Status.HELD,
    )


def upload_report_rows(
    upload: Upload, *, limit: int = REPORT_ROWS, entries: list[dict[str, Any]] | None = None
) -> list[ReportRow]:
    """The first `limit` records of the report (so far: `Upload.report_entries`, or the `entries` the caller
    read), in staff words (one query for the held records)."""
    entries = (upload.report_entries() if entries is None else entries)[:limit]
    held = _held_rows(e["held"] for e in entries if e.get("held"))
    rows = []
    for entry in entries:
        status = entry.get("status", "rejected")
        base = {
            "number": entry["index"] + 1,
            "file": str(entry.get("file", "")).rsplit("/", 1)[-1],
            "status": status,
            "outcome": OUTCOME_WORDS.get(status, status),
        }
        if entry.get("held"):
            rows.append(_held_row(entry, base, held.get(entry["held"])))
            continue
        details = _messages(entry.get("errors", []))
        if status == "accepted" and not entry.get("created", True):
            details.append(str(_("同じ健診の再送のため、以前の結果を置き換えました。")))
        rows.append(
            ReportRow(**base, details=details + _messages(entry.get("warnings", [])), checkup_id=entry.get("checkup"))
        )
    return rows
