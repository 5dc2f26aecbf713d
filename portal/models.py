"""Accounts of insured persons (invitation letters) and their own weight/waist log."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from checkups.items import WAIST_ITEMS
from checkups.mhlw.validation_rules import PLAUSIBLE_RANGES, WEIGHT
from members.actors import Actor, ActorKind
from members.dates import day
from members.models import InsuredPerson

WEIGHT_RANGE_KG = PLAUSIBLE_RANGES[WEIGHT]  # the checkup item's plausible range (SPEC §5.8, §9.4)
WAIST_RANGE_CM = PLAUSIBLE_RANGES[WAIST_ITEMS[0][0]]


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def visible_to(self, actor: Actor) -> "InvitationQuerySet":
        """Staff of the person's insurer; nobody else (a person redeems a code, they never list invitations)."""
        if actor.kind == ActorKind.SUPERUSER:
            return self
        if actor.kind == ActorKind.STAFF:
            return self.filter(person__insurer_id__in=actor.insurer_ids)
        return self.none()


class Invitation(models.Model):
    """招待状: a one-time code, stored only as a keyed hash, that lets a person register or reset a password."""

    person = models.ForeignKey(
        InsuredPerson, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("加入者")
    )
    code_hash = models.CharField(_("招待コード(ハッシュ)"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("発行者"),
    )
    created_at = models.DateTimeField(_("発行日時"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("有効期限"))
    used_at = models.DateTimeField(_("使用日時"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("無効化日時"), null=True, blank=True)
    is_reset = models.BooleanField(_("パスワード再設定"), default=False)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("わたしの健診 招待状")
        verbose_name_plural = _("わたしの健診 招待状")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="invitation_expires_later"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name_kana} {day(self.created_at)}"


class SelfMeasurementQuerySet(models.QuerySet["SelfMeasurement"]):
    def visible_to(self, actor: Actor) -> "SelfMeasurementQuerySet":
        match actor.kind:
            case ActorKind.SUPERUSER:
                return self
            case ActorKind.STAFF:
                return self.filter(person__insurer_id__in=actor.insurer_ids)
            case ActorKind.PERSON:
                return self.filter(person_id=actor.person_id)
        return self.none()


class SelfMeasurement(models.Model):
    """A person's own weight/waist entry. Kept apart from the provider's measurements (guidance.Contact):
    self-declared values never count for the final evaluation (SPEC §5.3)."""

    public_id = models.UUIDField(_("識別子"), default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        InsuredPerson, on_delete=models.CASCADE, related_name="self_measurements", verbose_name=_("加入者")
    )
    measured_on = models.DateField(_("測定日"))
    weight_kg = models.DecimalField(_("体重 (kg)"), max_digits=4, decimal_places=1, null=True, blank=True)
    waist_cm = models.DecimalField(_("腹囲 (cm)"), max_digits=4, decimal_places=1, null=True, blank=True)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    objects = SelfMeasurementQuerySet.as_manager()

    class Meta:
        verbose_name = _("本人記録(体重・腹囲)")
        verbose_name_plural = _("本人記録(体重・腹囲)")
        ordering = ["measured_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_kg__isnull=False) | Q(waist_cm__isnull=False), name="self_measurement_has_value"
            ),
            models.CheckConstraint(
                condition=Q(weight_kg__isnull=True)
                | (Q(weight_kg__gte=WEIGHT_RANGE_KG[0]) & Q(weight_kg__lte=WEIGHT_RANGE_KG[1])),
                name="self_measurement_weight_range",
            ),
            models.CheckConstraint(
                condition=Q(waist_cm__isnull=True)
                | (Q(waist_cm__gte=WAIST_RANGE_CM[0]) & Q(waist_cm__lte=WAIST_RANGE_CM[1])),
                name="self_measurement_waist_range",
            ),
        ]
        indexes = [models.Index(fields=["person", "measured_on"], name="self_measurement_person_idx")]

    def __str__(self) -> str:
        return f"{self.person.name_kana} {day(self.measured_on)}"
