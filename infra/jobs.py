"""A file built in the background with visible progress (Celery, eager in dev): one model shape, one runner.

A page creates a job and enqueues its task after commit; the task calls `job_run` with the build; the page polls
`job_state` (static/export_progress.js) until the job is done or failed, then offers the file. The statutory
report archive (rates) and the MHLW checkup archive (checkups) are both such jobs.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)
Progress = Callable[[int, str], None]  # (percent 0–100, what is being done)
DONE_STAGE = "完了"


class JobStatus(models.TextChoices):
    PENDING = "pending", _("待機中")
    RUNNING = "running", _("作成中")
    DONE = "done", _("完了")
    FAILED = "failed", _("失敗")


class BackgroundJob(models.Model):
    """The fields every background file build has; the concrete model adds its owner, its file and its facts."""

    Status = JobStatus

    status = models.CharField(_("状態"), max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("進捗(%)"), default=0)
    stage = models.CharField(_("処理中の内容"), max_length=100, blank=True)
    error = models.TextField(_("エラー"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("依頼日時"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完了日時"), null=True, blank=True)
    file_name = models.CharField(_("ファイル名"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def running(self) -> bool:
        return self.status in (JobStatus.PENDING, JobStatus.RUNNING)

    @property
    def downloadable(self) -> bool:
        return self.status == JobStatus.DONE and bool(getattr(self, "file", None))


def progress_range_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(progress__lte=100), name=name)


@dataclass(frozen=True)
class JobOutput:
    file_name: str
    data: bytes
    fields: dict[str, Any] = field(default_factory=dict)  # facts stored on the job with the file


def job_progress(model: type[BackgroundJob], pk: int) -> Progress:
    def record(percent: int, stage: str) -> None:
        # A plain UPDATE outside the build, so the page's progress poll sees it while the task runs
        model._default_manager.filter(pk=pk).update(progress=percent, stage=stage)

    return record


def job_run[Job: BackgroundJob](job: Job, build: Callable[[Progress], JobOutput]) -> Job:
    """Build once and store the file (a finished job is left as it is, so the task is safe to run twice); a failure
    is recorded with its reason and logged (no health values are in the message)."""
    if job.status == JobStatus.DONE:
        return job
    model = type(job)
    model._default_manager.filter(pk=job.pk).update(status=JobStatus.RUNNING, progress=1, error="")
    try:
        output = build(job_progress(model, job.pk))
    except Exception as error:
        logger.exception("%s %s failed", model.__name__, job.pk)
        model._default_manager.filter(pk=job.pk).update(
            status=JobStatus.FAILED, error=f"{type(error).__name__}: {error}"[:1000]
        )
        job.refresh_from_db()
        return job
    job.file.save(output.file_name, ContentFile(output.data), save=False)  # type: ignore[attr-defined]  # each job model declares its FileField `file`
    job.file_name = output.file_name
    for name, value in output.fields.items():
        setattr(job, name, value)
    job.status, job.progress, job.stage = JobStatus.DONE, 100, DONE_STAGE
    job.finished_at = timezone.now()
    job.save()
    return job


def job_state(job: BackgroundJob) -> dict[str, Any]:
    """What the progress poll reads."""
    return {
        "status": job.status,
        "label": str(job.get_status_display()),
        "progress": job.progress,
        "stage": job.stage,
        "error": job.error,
    }
