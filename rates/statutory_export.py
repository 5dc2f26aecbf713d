"""The year's statutory report archive (法定報告の提出ファイル, SPEC §6.6, §9): what is submitted, with a summary.

One ZIP holding
- the checkup archive (実施区分 1, SPEC §9.1): one hc08 CDA for every checkup the report counts (the rates'
  `counted_checkups`: targets with a counted, complete checkup), written by the MHLW checkup export;
- the guidance archive (実施区分 2, SPEC §9.6): one hg08 file per programme with something to report (報告区分 21
  開始, 22 実績評価, 23 途中終了, 24 その他, 25 初回未完了), written by `guidance.mhlw_files`;
- `summary.json`: the report figures (the statutory_report JSON) and what each archive holds, and
  `summary.csv`: the report table (UTF-8 with BOM, Japanese headers).
Every CDA and index is validated against the 4th-period XSDs before anything is handed out; every exported person
gets an EXPORT row in the access log.
"""

import csv
import datetime as dt
import io
import json
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils import timezone

from checkups.export_runs import export_run_sequence_issue
from checkups.exports import (
    INTERACTION_INSURER_TO_FUND,
    SERVICE_EVENT_CHECKUP,
    checkup_document,
    validate_checkup_archive,
)
from checkups.mhlw.archive import build_archive
from checkups.models import Checkup, ExportRunKind
from guidance.codes import ProgrammeStatus
from guidance.mhlw.document import REPORT_CATEGORY_BY_STATUS
from guidance.mhlw_files import guidance_archive_for_fiscal_year
from guidance.models import Programme
from infra.jobs import JobOutput, Progress, job_run
from members.actors import Actor, ActorKind, actor_for_user
from members.audit import access_log_record
from members.models import AccessLog, Insurer

from .computation import counted_checkups
from .models import StatutoryExport
from .statutory_figures import StatutoryReport
from .statutory_format import as_json, csv_rows
from .statutory_report import statutory_report

EXPORT_BATCH = 2000
SUMMARY_JSON, SUMMARY_CSV = "summary.json", "summary.csv"


@dataclass(frozen=True)
class StatutoryArchive:
    file_name: str
    data: bytes
    summary: dict[str, Any]


def report_checkups(*, insurer: Insurer, fiscal_year: int) -> Iterator[Checkup]:
    """The checkups the report counts as examined (SPEC §6.1, §6.6), in batches, with what a CDA needs."""
    base = (
        counted_checkups(insurer_id=insurer.pk, fiscal_year=fiscal_year)
        .select_related("person", "clinic", "insurer")
        .order_by("pk")
    )
    last = 0
    while batch := list(base.filter(pk__gt=last)[:EXPORT_BATCH]):
        yield from batch
        last = batch[-1].pk


def guidance_categories(*, insurer: Insurer, fiscal_year: int) -> dict[str, int]:
    """How many guidance files of each 報告区分 the year has, from its programmes' states (one grouped query)."""
    counts = (
        Programme.objects.filter(insurer=insurer, fiscal_year=fiscal_year, status__in=list(REPORT_CATEGORY_BY_STATUS))
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found: Counter[str] = Counter()
    for row in counts:
        found[REPORT_CATEGORY_BY_STATUS[ProgrammeStatus(row["status"])]] += row["n"]
    return dict(sorted(found.items()))


def _summary_csv(report: StatutoryReport) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(csv_rows(report))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def statutory_archive(
    *,
    insurer: Insurer,
    fiscal_year: int,
    actor: Actor,
    created: dt.date | None = None,
    on_progress: Progress | None = None,
) -> StatutoryArchive:
    """Build, validate and log the archive (raises `checkups.exports.ExportInvalid` if a file is invalid)."""
    progress = on_progress or (lambda percent, stage: None)
    created = created or timezone.localdate()
    progress(5, "集計")
    report = statutory_report(insurer=insurer, fiscal_year=fiscal_year)
    progress(10, "特定健診情報ファイル")
    checkups = list(report_checkups(insurer=insurer, fiscal_year=fiscal_year))
    documents = []
    for number, checkup in enumerate(checkups, start=1):
        documents.append(checkup_document(checkup))
        if number % EXPORT_BATCH == 0:
            progress(10 + 40 * number // max(len(checkups), 1), "特定健診情報ファイル")
    checkup_name, checkup_data = build_archive(
        sender=insurer.number,
        receiver=insurer.number,
        created=created,
        service_event_type=SERVICE_EVENT_CHECKUP,
        documents=documents,
        serial=export_run_sequence_issue(
            insurer=insurer,
            fiscal_year=fiscal_year,
            actor=actor,
            day=created,
            kind=ExportRunKind.STATUTORY,
            count=len(documents),
        ),
        interaction_type=INTERACTION_INSURER_TO_FUND,
    )
    progress(55, "XSD検証(特定健診)")
    validate_checkup_archive(checkup_name, checkup_data)
    progress(65, "特定保健指導情報ファイル")
    guidance = guidance_archive_for_fiscal_year(insurer=insurer, fiscal_year=fiscal_year, actor=actor, created=created)
    progress(90, "集計表")
    categories = guidance_categories(insurer=insurer, fiscal_year=fiscal_year)
    if sum(categories.values()) != guidance.count:  # the summary must describe the files, not a guess
        raise RuntimeError(f"guidance files {guidance.count} ≠ programmes by 報告区分 {categories}")
    summary = {
        **as_json(report),
        "files": {
            "checkup_archive": checkup_name,
            "checkup_files": len(documents),
            "guidance_archive": guidance.file_name,
            "guidance_files": guidance.count,
            "guidance_files_by_category": categories,
        },
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(checkup_name, checkup_data)
        archive.writestr(guidance.file_name, guidance.data)
        archive.writestr(SUMMARY_JSON, json.dumps(summary, ensure_ascii=False, indent=2))
        archive.writestr(SUMMARY_CSV, _summary_csv(report))
    access_log_record(
        actor=actor,
        person_ids=[c.person_id for c in checkups],
        action=AccessLog.Action.EXPORT,
        target=f"statutory-export:{insurer.number}:{fiscal_year}",
    )
    progress(100, "完了")
    name = f"statutory_report_{insurer.number}_{fiscal_year}_{created:%Y%m%d}.zip"
    return StatutoryArchive(file_name=name, data=buffer.getvalue(), summary=summary)


# ---------------------------------------------------------------- in the background, with progress (admin page)


def statutory_export_run(*, export_id: int) -> StatutoryExport:
    """Build one requested export and store the file; a failure is recorded with its reason (no health values)."""
    export = StatutoryExport.objects.select_related("insurer", "requested_by").get(pk=export_id)
    user = export.requested_by
    actor = actor_for_user(user) if user else Actor(kind=ActorKind.SUPERUSER, label="task:statutory_export")

    def build(progress: Progress) -> JobOutput:
        built = statutory_archive(
            insurer=export.insurer, fiscal_year=export.fiscal_year, actor=actor, on_progress=progress
        )
        return JobOutput(file_name=built.file_name, data=built.data, fields={"summary": built.summary})

    return job_run(export, build)
