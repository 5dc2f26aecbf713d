"""Roster files (名簿取込) and the history of what they or a staff edit changed on a person."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..dates import day
from .organisations import Insurer
from .persons import InsuredPerson


class RosterImport(models.Model):
    """One roster file: kept for preview/confirm in the admin and as the source of history rows."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("確認待ち")
        APPLIED = "applied", _("取込済")
        REJECTED = "rejected", _("却下")

    insurer = models.ForeignKey(
        Insurer, on_delete=models.PROTECT, related_name="roster_imports", verbose_name=_("保険者")
    )
    file_name = models.CharField(_("ファイル名"), max_length=255)
    sha256 = models.CharField(_("ハッシュ値(SHA-256)"), max_length=64)
    content = models.BinaryField(_("ファイル内容"))
    encoding = models.CharField(_("文字コード"), max_length=20)
    status = models.CharField(_("状態"), max_length=12, choices=Status.choices, default=Status.PREVIEWED)
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    created_count = models.PositiveIntegerField(_("新規"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("変更なし"), default=0)
    errors = models.JSONField(_("エラー"), default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("取込者")
    )
    created_at = models.DateTimeField(_("受付日時"), auto_now_add=True)
    applied_at = models.DateTimeField(_("反映日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("名簿取込")
        verbose_name_plural = _("名簿取込")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name


class PersonChange(models.Model):
    """History: what a roster import or a staff edit changed on a person ({field: [old, new]})."""

    person = models.ForeignKey(
        InsuredPerson, on_delete=models.CASCADE, related_name="changes", verbose_name=_("加入者")
    )
    roster_import = models.ForeignKey(
        RosterImport, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("名簿取込")
    )
    changed_at = models.DateTimeField(_("変更日時"), auto_now_add=True)
    changes = models.JSONField(_("変更内容"))

    class Meta:
        verbose_name = _("加入者変更履歴")
        verbose_name_plural = _("加入者変更履歴")
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return _("%(day)s の変更") % {"day": day(self.changed_at)}
