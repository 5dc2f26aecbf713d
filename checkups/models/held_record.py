"""A record that matched no insured person (SPEC §1.5), held for staff review."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from members.dates import day
from members.hold_reasons import HoldReason
from members.models import Clinic, Employer, Insurer

from ..codes import Source
from .checkup import Checkup
from .sent import SentRecordQuerySet


class HeldRecord(models.Model):
    """A received record that matched no insured person (SPEC §1.5): held for staff review, never dropped."""

    class Status(models.TextChoices):
        HELD = "held", _("確認待ち")
        LINKED = "linked", _("加入者に紐付け済")
        REJECTED = "rejected", _("却下")

    insurer = models.ForeignKey(
        Insurer, on_delete=models.PROTECT, related_name="held_records", verbose_name=_("保険者")
    )
    submitted_by_clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("送信した健診機関")
    )
    submitted_by_employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("送信した事業所"),
    )
    source = models.CharField(_("取得経路"), max_length=20, choices=Source.choices)
    document = models.JSONField(_("受信内容"))
    exam_date = models.DateField(_("健診実施日"))
    reason = models.CharField(  # the code staff filter by; the sender never sees it (issue #13)
        _("保留の理由"), max_length=30, choices=HoldReason.choices, default=HoldReason.NO_PERSON_MATCH
    )
    reason_ja = models.CharField(_("保留理由"), max_length=200)
    reason_en = models.CharField(_("保留理由(英語)"), max_length=200)
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.HELD)
    checkup = models.OneToOneField(
        Checkup, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("紐付けた健診結果")
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("対応した職員"),
    )
    resolved_at = models.DateTimeField(_("対応日時"), null=True, blank=True)
    created_at = models.DateTimeField(_("受信日時"), auto_now_add=True)

    objects = SentRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("照合保留の健診結果")
        verbose_name_plural = _("照合保留の健診結果")
        ordering = ["status", "-created_at"]

    def __str__(self) -> str:
        return f"{day(self.exam_date)} {self.get_status_display()}"
