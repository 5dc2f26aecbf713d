"""One received submission (MHLW archive, single CDA or one JSON record) and its per-record report."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.actors import Actor, ActorKind
from members.models import Clinic, Employer, GuidanceProvider, Insurer

from ..codes import Source
from .sent import SentRecordQuerySet


class UploadQuerySet(SentRecordQuerySet):
    """Uploads: also a guidance provider's own (guidance files, SPEC §9.6)."""

    def visible_to(self, actor: Actor) -> "SentRecordQuerySet":
        if actor.kind == ActorKind.GUIDANCE_PROVIDER:
            return self.filter(submitted_by_provider_id=actor.guidance_provider_id)
        return super().visible_to(actor)


class Upload(models.Model):
    """One received submission (MHLW archive, single CDA or one JSON record) with its per-record report.

    `submitter` + `sha256` and `submitter` + `idempotency_key` are unique, so a file or a key sent twice is
    stored once, even by concurrent requests (the second insert fails and answers with the first upload).
    `done` and the report advance in the same transaction as the records of each chunk: a retried task resumes.
    While an upload is processed, each chunk's report entries are one `UploadReportPart` (appending to one JSON
    value would rewrite the whole report with every chunk); when it is done they are gathered into `report`.
    """

    class Kind(models.TextChoices):
        ARCHIVE = "archive", _("送付用アーカイブ(ZIP)")
        CDA = "cda", _("CDA XMLファイル")
        JSON = "json", _("JSON (1件)")

    class Status(models.TextChoices):
        RECEIVED = "received", _("受付済")
        PROCESSING = "processing", _("処理中")
        DONE = "done", _("完了")
        FAILED = "failed", _("ファイル不正")

    submitter = models.CharField(_("送信者"), max_length=40)  # "clinic:<pk>", "employer:<pk>", "command", …
    submitted_by_clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, null=True, blank=True, related_name="uploads", verbose_name=_("健診機関")
    )
    submitted_by_employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, null=True, blank=True, related_name="uploads", verbose_name=_("事業所")
    )
    submitted_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("送信した職員"),
    )
    submitted_by_provider = models.ForeignKey(
        GuidanceProvider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="uploads",
        verbose_name=_("保健指導機関"),
    )
    # The receiving insurer when known (archive index or the employer's insurer); scopes staff access.
    insurer = models.ForeignKey(
        Insurer, on_delete=models.PROTECT, null=True, blank=True, related_name="uploads", verbose_name=_("保険者")
    )
    kind = models.CharField(_("形式"), max_length=10, choices=Kind.choices)
    source = models.CharField(_("取得経路"), max_length=20, choices=Source.choices)
    file_name = models.CharField(_("ファイル名"), max_length=255, blank=True)
    sha256 = models.CharField(_("ハッシュ値(SHA-256)"), max_length=64)
    size = models.PositiveBigIntegerField(_("サイズ(バイト)"), default=0)
    content = models.BinaryField(_("ファイル内容"), editable=False)
    idempotency_key = models.CharField(_("再送防止キー(Idempotency-Key)"), max_length=200, blank=True)
    status = models.CharField(_("状態"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    total = models.PositiveIntegerField(_("件数"), default=0)
    done = models.PositiveIntegerField(_("処理済"), default=0)
    accepted = models.PositiveIntegerField(_("取込"), default=0)
    rejected = models.PositiveIntegerField(_("エラー"), default=0)
    held = models.PositiveIntegerField(_("照合保留"), default=0)
    report = models.JSONField(_("結果"), default=list, blank=True)
    warnings = models.JSONField(_("警告"), default=list, blank=True)
    error = models.JSONField(_("ファイルエラー"), null=True, blank=True)
    created_at = models.DateTimeField(_("受付日時"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完了日時"), null=True, blank=True)

    objects = UploadQuerySet.as_manager()

    class Meta:
        verbose_name = _("健診結果の受付")
        verbose_name_plural = _("健診結果の受付")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submitter", "sha256"], condition=~Q(kind="json"), name="uniq_upload_file_per_submitter"
            ),
            models.UniqueConstraint(
                fields=["submitter", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="uniq_upload_idempotency_key",
            ),
            models.CheckConstraint(condition=Q(done__lte=models.F("total")), name="upload_done_within_total"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name or self.kind} ({self.get_status_display()})"

    def report_entries(self) -> list[dict[str, Any]]:
        """The report so far: once done, `report`; while processing, the committed chunks' parts after it."""
        if self.status != self.Status.PROCESSING:
            return self.report
        parts = self.report_parts.order_by("first_index").values_list("entries", flat=True)
        return [*self.report, *(entry for part in parts for entry in part)]


class UploadReportPart(models.Model):
    """The report entries of one processed chunk of an upload, until the upload is done (`Upload.report`)."""

    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="report_parts")
    first_index = models.PositiveIntegerField()  # the index of the chunk's first record in the upload
    entries = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["upload", "first_index"], name="uniq_upload_report_part"),
        ]

    def __str__(self) -> str:
        return f"{self.upload_id}: {self.first_index}+{len(self.entries)}"
