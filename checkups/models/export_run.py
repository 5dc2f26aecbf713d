"""The MHLW checkup archives of an insurer's fiscal year (送付用アーカイブ, SPEC §9.1), built in the background."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from infra.jobs import BackgroundJob, progress_range_constraint
from members.actors import Actor, ActorKind
from members.dates import fiscal_year_label
from members.models import Insurer


class ExportRunQuerySet(models.QuerySet["ExportRun"]):
    def visible_to(self, actor: Actor) -> "ExportRunQuerySet":
        match actor.kind:
            case ActorKind.SUPERUSER:
                return self
            case ActorKind.STAFF:
                return self.filter(insurer_id__in=actor.insurer_ids)
        return self.none()


ARCHIVE_SEQUENCES_PER_DAY = 10  # 同日分割送信回数 N is one digit, 0–9 (SPEC §9.1; formats-notes §1.2)


class ExportRunKind(models.TextChoices):
    ARCHIVE = "archive", _("送付ファイル")
    STATUTORY = "statutory", _("法定報告の提出ファイルに同梱")  # the number only; the file is the statutory export's
    COMMAND = "command", _("管理コマンドで作成")  # manage.py export_mhlw: the file went to the operator


class ExportRun(BackgroundJob):
    """One MHLW checkup archive of an insurer's fiscal year (送付用アーカイブ, 実施区分 1, SPEC §9.1), built in the
    background. `created_on` and `sequence` are the archive name's <YYYYMMDD><N>: issued when the run is requested,
    N counting up within the day per insurer, so no two archives of a day share a name (the database says so too);
    the checkup archive inside a statutory report export and the `export_mhlw` command take their numbers here too.
    The file holds health data: private storage, handed out only by the admin view of the insurer's staff."""

    insurer = models.ForeignKey(Insurer, on_delete=models.CASCADE, related_name="export_runs", verbose_name=_("保険者"))
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    created_on = models.DateField(_("作成日"))
    sequence = models.PositiveSmallIntegerField(_("同日の送付回数"))
    file = models.FileField(_("ファイル"), upload_to="checkup_exports/", blank=True)
    count = models.PositiveIntegerField(_("件数"), default=0)
    kind = models.CharField(_("種類"), max_length=10, choices=ExportRunKind.choices, default=ExportRunKind.ARCHIVE)

    objects = ExportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("健診結果の送付ファイル")
        verbose_name_plural = _("健診結果の送付ファイル")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["insurer", "created_on", "sequence"], name="uniq_export_run_sequence"),
            models.CheckConstraint(
                condition=Q(sequence__lt=ARCHIVE_SEQUENCES_PER_DAY), name="export_run_sequence_one_digit"
            ),
            progress_range_constraint("export_run_progress_range"),
        ]

    def __str__(self) -> str:
        return self.file_name or f"{self.insurer.name} {fiscal_year_label(self.fiscal_year)}"
