"""The access log (閲覧記録): append-only, one row per staff read of a person's health data."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..actors import Actor, ActorKind
from .persons import InsuredPerson


class AccessLogQuerySet(models.QuerySet["AccessLog"]):
    def update(self, **kwargs):
        raise PermissionError("AccessLog is append-only")

    def delete(self):
        raise PermissionError("AccessLog is append-only")

    def visible_to(self, actor: Actor) -> "AccessLogQuerySet":
        if actor.kind == ActorKind.SUPERUSER:
            return self
        if actor.kind == ActorKind.STAFF:
            return self.filter(person__insurer_id__in=actor.insurer_ids)
        if actor.kind == ActorKind.PERSON:
            return self.filter(person_id=actor.person_id)
        return self.none()


class AccessLog(models.Model):
    """Append-only record of a staff read of a person's health data (who, when, whom, what, from where).

    Holds no health values and no card numbers. On PostgreSQL a trigger refuses UPDATE and DELETE.
    """

    class Action(models.TextChoices):
        ADMIN_VIEW = "admin_view", _("管理画面で閲覧")
        ADMIN_CHANGE = "admin_change", _("管理画面で修正")
        API_READ = "api_read", _("APIで取得")
        EXPORT = "export", _("ファイル出力")

    at = models.DateTimeField(_("日時"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ユーザー"),
    )
    actor_label = models.CharField(_("利用者"), max_length=100)
    actor_role = models.CharField(_("職種"), max_length=50, blank=True)
    person = models.ForeignKey(
        InsuredPerson, on_delete=models.PROTECT, related_name="access_logs", verbose_name=_("加入者")
    )
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    target = models.CharField(_("対象"), max_length=100)
    ip_address = models.GenericIPAddressField(_("接続元"), null=True, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("閲覧記録")
        verbose_name_plural = _("閲覧記録")
        ordering = ["-at"]
        indexes = [models.Index(fields=["person", "-at"], name="access_log_person_idx")]

    def __str__(self) -> str:
        """2026年12月2日 15:12 保健師 管理画面で閲覧 (no ids: the title of its admin page)."""
        at = timezone.localtime(self.at) if self.at else None
        when = f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}" if at else ""
        return " ".join(part for part in (when, self.actor_role, str(self.get_action_display())) if part)

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("AccessLog is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("AccessLog is append-only")
