"""The MHLW checkup archive of an insurer's fiscal year as a background job with progress (issue #16, SPEC §9.1).

The archive's name is `<sender>_<receiver>_<YYYYMMDD><N>_1`: N (同日分割送信回数, 0–9) is issued here when a run
is requested, one more than the insurer's last run of the day, so two exports of one day (FY2025 then FY2026, or
the same year twice) never share a name; a unique constraint on (insurer, day, N) says so in the database too.
A number is spent even when its build fails: the name may already have been seen, and N need not be gapless.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from infra.jobs import JobOutput, Progress, job_run
from members.actors import Actor, ActorKind, actor_for_user
from members.audit import access_log_record
from members.models import AccessLog, Insurer

from .exports import SERVICE_EVENT_CHECKUP, checkups_export_mhlw, exported_checkups
from .mhlw.archive import archive_root_name
from .models import ARCHIVE_SEQUENCES_PER_DAY, ExportRun, ExportRunKind


class ExportSequenceExhausted(Exception):
    """The insurer already made ten archives today (N is one digit, SPEC §9.1)."""


def export_run_next_sequence(*, insurer: Insurer, day: dt.date) -> int:
    last = ExportRun.objects.filter(insurer=insurer, created_on=day).aggregate(last=Max("sequence"))["last"]
    return 0 if last is None else last + 1


@transaction.atomic
def export_run_request(
    *,
    insurer: Insurer,
    fiscal_year: int,
    requested_by: Any,
    today: dt.date | None = None,
    kind: ExportRunKind = ExportRunKind.ARCHIVE,
) -> ExportRun:
    """Issue the day's next archive number and record a pending run (the caller enqueues its build after commit).

    The insurer's row is locked first, so two staff members pressing the button at once get N and N+1 (PostgreSQL;
    SQLite runs one writer at a time); the unique constraint stops anything that slips past."""
    day = today or timezone.localdate()
    Insurer.objects.select_for_update().filter(pk=insurer.pk).values_list("pk", flat=True).first()
    sequence = export_run_next_sequence(insurer=insurer, day=day)
    if sequence >= ARCHIVE_SEQUENCES_PER_DAY:
        raise ExportSequenceExhausted
    root = archive_root_name(insurer.number, insurer.number, day, sequence, SERVICE_EVENT_CHECKUP)
    return ExportRun.objects.create(
        insurer=insurer,
        fiscal_year=fiscal_year,
        created_on=day,
        sequence=sequence,
        file_name=f"{root}.zip",
        requested_by=requested_by,
        kind=kind,
    )


def export_run_sequence_issue(
    *, insurer: Insurer, fiscal_year: int, actor: Actor, day: dt.date, kind: ExportRunKind, count: int = 0
) -> int:
    """The day's next number for a checkup archive built elsewhere (inside the statutory report export, or by the
    `export_mhlw` command), recorded like a run so the page's next archive does not reuse it; nothing to download."""
    run = export_run_request(insurer=insurer, fiscal_year=fiscal_year, requested_by=None, today=day, kind=kind)
    ExportRun.objects.filter(pk=run.pk).update(
        status=ExportRun.Status.DONE,
        progress=100,
        count=count,
        requested_by_id=actor.user_id,
        finished_at=timezone.now(),
    )
    return run.sequence


def export_run_build(*, run_id: int) -> ExportRun:
    """Build one requested run as the staff member who asked (their scope, their name in the access log)."""
    run = ExportRun.objects.select_related("insurer", "requested_by").get(pk=run_id)
    user = run.requested_by
    actor = actor_for_user(user) if user else Actor(kind=ActorKind.SUPERUSER, label="task:export_mhlw")

    def build(progress: Progress) -> JobOutput:
        result = checkups_export_mhlw(
            insurer=run.insurer,
            fiscal_year=run.fiscal_year,
            actor=actor,
            created=run.created_on,
            serial=run.sequence,
            on_progress=progress,
        )
        return JobOutput(file_name=result.file_name, data=result.data, fields={"count": result.count})

    return job_run(run, build)


def export_run_downloaded(*, run: ExportRun, actor: Actor, request: Any = None) -> None:
    """Each download is an EXPORT in the access log of every person the archive holds."""
    person_ids = exported_checkups(insurer=run.insurer, fiscal_year=run.fiscal_year, actor=actor).values_list(
        "person_id", flat=True
    )
    access_log_record(
        actor=actor,
        person_ids=list(person_ids),
        action=AccessLog.Action.EXPORT,
        target=f"export-run-download:{run.pk}",
        request=request,
    )


def export_runs_recent(*, actor: Actor, limit: int = 20) -> QuerySet[ExportRun]:
    return ExportRun.objects.visible_to(actor).select_related("insurer", "requested_by").order_by("-pk")[:limit]
