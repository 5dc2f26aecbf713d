"""Organisations: insurers (保険者), their employers (事業所), clinics (健診機関) and guidance providers
(保健指導機関), with the number formats of SPEC §1.5 and §9.1."""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..actors import Actor, ActorKind
from ..codes import InsurerType

INSURER_NUMBER = RegexValidator(r"^\d{8}$", _("保険者番号は8桁の数字です"))  # SPEC §1.5
CLINIC_NUMBER = RegexValidator(r"^\d{10}$", _("機関番号は10桁の数字です"))  # SPEC §9.1
BRANCH = RegexValidator(r"^\d{2}$", _("枝番は2桁の数字です"))  # SPEC §1.5


class InsurerQuerySet(models.QuerySet["Insurer"]):
    def visible_to(self, actor: Actor) -> "InsurerQuerySet":
        if actor.kind == ActorKind.SUPERUSER:
            return self
        if actor.kind in (ActorKind.STAFF, ActorKind.EMPLOYER):
            return self.filter(pk__in=actor.insurer_ids)
        return self.none()


class Insurer(models.Model):
    """保険者."""

    number = models.CharField(_("保険者番号"), max_length=8, unique=True, validators=[INSURER_NUMBER])
    name = models.CharField(_("名称"), max_length=200)
    insurer_type = models.CharField(_("保険者種別"), max_length=20, choices=InsurerType.choices)
    show_staff_names_to_members = models.BooleanField(
        _("閲覧記録に職員名を表示"),
        default=False,
        help_text=_("オフの場合、本人向け閲覧記録には職種のみを表示します。"),
    )
    # The help desk a person can call (issue #18): on every portal page where one can get stuck and on letters
    help_desk_name = models.CharField(
        _("問い合わせ窓口の名称"), max_length=100, blank=True, help_text=_("例:健康管理課 保健事業担当")
    )
    help_desk_phone = models.CharField(_("問い合わせ窓口の電話番号"), max_length=30, blank=True)
    help_desk_hours = models.CharField(
        _("問い合わせ窓口の受付時間"),
        max_length=100,
        blank=True,
        help_text=_("例:平日 9:00〜17:00(祝日・年末年始を除く)"),
    )

    objects = InsurerQuerySet.as_manager()

    class Meta:
        verbose_name = _("保険者")
        verbose_name_plural = _("保険者")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=Q(number__regex=r"^[0-9]{8}$"), name="insurer_number_8_digits"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class EmployerQuerySet(models.QuerySet["Employer"]):
    def visible_to(self, actor: Actor) -> "EmployerQuerySet":
        if actor.kind == ActorKind.SUPERUSER:
            return self
        if actor.kind == ActorKind.STAFF:
            return self.filter(insurer_id__in=actor.insurer_ids)
        if actor.kind == ActorKind.EMPLOYER:
            return self.filter(pk=actor.employer_id)
        return self.none()


class Employer(models.Model):
    """事業所."""

    insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, related_name="employers", verbose_name=_("保険者"))
    code = models.CharField(_("事業所コード"), max_length=20)
    name = models.CharField(_("事業所名"), max_length=200)
    contact_person = models.CharField(_("担当者"), max_length=100, blank=True)
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    email = models.EmailField(_("メール"), blank=True)
    address = models.CharField(_("所在地"), max_length=300, blank=True)

    objects = EmployerQuerySet.as_manager()

    class Meta:
        verbose_name = _("事業所")
        verbose_name_plural = _("事業所")
        ordering = ["insurer", "code"]
        constraints = [models.UniqueConstraint(fields=["insurer", "code"], name="uniq_employer_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Clinic(models.Model):
    """健診機関 (also used for 保健指導機関 numbers, both 10 digits)."""

    number = models.CharField(_("健診機関番号"), max_length=10, unique=True, validators=[CLINIC_NUMBER])
    name = models.CharField(_("名称"), max_length=200)

    class Meta:
        verbose_name = _("健診機関")
        verbose_name_plural = _("健診機関")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=Q(number__regex=r"^[0-9]{10}$"), name="clinic_number_10_digits"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class GuidanceProvider(models.Model):
    """保健指導機関: a contracted organisation that runs guidance programmes."""

    number = models.CharField(
        _("保健指導機関番号"),
        max_length=10,
        unique=True,
        validators=[CLINIC_NUMBER],
    )
    name = models.CharField(_("名称"), max_length=200)

    class Meta:
        db_table = "guidance_guidanceprovider"  # moved from the guidance app; the table keeps its name
        verbose_name = _("保健指導機関")
        verbose_name_plural = _("保健指導機関")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"
