"""Contracts with clinics (健診の委託契約): which clinics may send an insurer's checkups."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from infra.i18n import StrOrPromise

from ..actors import Actor, ActorKind
from .organisations import Clinic, Insurer


class ClinicContractQuerySet(models.QuerySet["ClinicContract"]):
    def visible_to(self, actor: Actor) -> "ClinicContractQuerySet":
        if actor.kind == ActorKind.SUPERUSER:
            return self
        if actor.kind == ActorKind.STAFF:
            return self.filter(insurer_id__in=actor.insurer_ids)
        return self.none()


class ClinicContract(models.Model):
    """健診の委託契約: which clinics may send an insurer's checkups (issue #13; the rule is members.contracts).

    An individual contract (個別契約) names one clinic; a 集合契約 is open to every clinic. Valid from `valid_from`
    up to the day before `valid_to` (none: open-ended)."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("個別契約")
        COLLECTIVE = "collective", _("集合契約")

    insurer = models.ForeignKey(
        Insurer, on_delete=models.CASCADE, related_name="clinic_contracts", verbose_name=_("保険者")
    )
    kind = models.CharField(_("契約の種類"), max_length=10, choices=Kind.choices, default=Kind.INDIVIDUAL)
    clinic = models.ForeignKey(
        Clinic,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
        verbose_name=_("健診機関"),
        help_text=_("個別契約の相手の健診機関(集合契約では空欄)"),
    )
    name = models.CharField(_("契約名"), max_length=200, blank=True)
    valid_from = models.DateField(_("契約開始日"))
    valid_to = models.DateField(_("契約終了日(この日から無効)"), null=True, blank=True)

    objects = ClinicContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("健診機関との契約")
        verbose_name_plural = _("健診機関との契約")
        ordering = ["insurer", "kind", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="individual", clinic__isnull=False) | Q(kind="collective", clinic__isnull=True),
                name="contract_clinic_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="contract_valid_to_after_valid_from",
            ),
        ]

    def __str__(self) -> str:
        party = self.clinic.name if self.clinic else _("すべての健診機関")
        return f"{self.get_kind_display()} {party}"

    def clean(self) -> None:
        """The admin form's check of the constraints above, in words."""
        errors: dict[str, StrOrPromise] = {}
        if self.kind == self.Kind.INDIVIDUAL and self.clinic_id is None:
            errors["clinic"] = _("個別契約には健診機関を選んでください")
        if self.kind == self.Kind.COLLECTIVE and self.clinic_id is not None:
            errors["clinic"] = _("集合契約はすべての健診機関が対象です。健診機関は空欄にしてください")
        if self.valid_to is not None and self.valid_from is not None and self.valid_to <= self.valid_from:
            errors["valid_to"] = _("契約終了日は契約開始日より後の日付にしてください")
        if errors:
            raise ValidationError(errors)
