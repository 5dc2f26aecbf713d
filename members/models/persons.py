"""Insured persons (加入者) and their enrollment periods (資格) and exclusions (対象除外)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..actors import Actor, ActorKind
from ..codes import ExclusionReason, Relationship, Sex
from ..dates import day
from .organisations import BRANCH, Employer, Insurer


class PersonQuerySet(models.QuerySet["InsuredPerson"]):
    def visible_to(self, actor: Actor) -> "PersonQuerySet":
        if actor.kind == ActorKind.SUPERUSER:
            return self
        if actor.kind == ActorKind.STAFF:
            return self.filter(insurer_id__in=actor.insurer_ids)
        if actor.kind == ActorKind.PERSON:
            return self.filter(pk=actor.person_id)
        return self.none()


class InsuredPerson(models.Model):
    """加入者 (被保険者・被扶養者). Card identifiers are stored normalised (members.normalize)."""

    insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, related_name="persons", verbose_name=_("保険者"))
    card_symbol = models.CharField(_("記号"), max_length=20, blank=True)
    card_number = models.CharField(_("番号"), max_length=20)
    card_branch = models.CharField(_("枝番"), max_length=2, validators=[BRANCH])
    name_kana = models.CharField(_("氏名(カナ)"), max_length=100)
    sex = models.PositiveSmallIntegerField(_("性別"), choices=Sex.choices)
    birth_date = models.DateField(_("生年月日"))
    relationship = models.CharField(_("本人/家族"), max_length=10, choices=Relationship.choices)
    employer = models.ForeignKey(
        Employer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="persons",
        verbose_name=_("事業所"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="insured_person",
        verbose_name=_("本人用アカウント"),
    )
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("加入者")
        verbose_name_plural = _("加入者")
        ordering = ["insurer", "card_symbol", "card_number", "card_branch"]
        constraints = [
            models.UniqueConstraint(
                fields=["insurer", "card_symbol", "card_number", "card_branch"], name="uniq_person_card"
            ),
            models.CheckConstraint(condition=Q(sex__in=[1, 2]), name="person_sex_1_or_2"),
            models.CheckConstraint(condition=Q(card_branch__regex=r"^[0-9]{2}$"), name="person_branch_2_digits"),
            models.CheckConstraint(condition=~Q(card_number=""), name="person_card_number_not_empty"),
        ]
        indexes = [
            models.Index(fields=["insurer", "card_number"], name="person_card_number_idx"),
            # the 未受診 work list walks persons in this order and stops after a page (rates.lookahead)
            models.Index(
                fields=["employer", "card_symbol", "card_number", "card_branch"], name="person_employer_card_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.card_label} {self.name_kana}"

    @property
    def card_label(self) -> str:
        symbol = f"{self.card_symbol}・" if self.card_symbol else ""
        return f"{symbol}{self.card_number}-{self.card_branch}"


class Enrollment(models.Model):
    """資格: enrolled from `acquired_on` (資格取得日) up to the day before `lost_on` (資格喪失日)."""

    person = models.ForeignKey(
        InsuredPerson, on_delete=models.CASCADE, related_name="enrollments", verbose_name=_("加入者")
    )
    acquired_on = models.DateField(_("資格取得日"))
    lost_on = models.DateField(_("資格喪失日"), null=True, blank=True)

    class Meta:
        verbose_name = _("資格期間")
        verbose_name_plural = _("資格期間")
        ordering = ["person", "acquired_on"]
        constraints = [
            models.UniqueConstraint(fields=["person", "acquired_on"], name="uniq_enrollment_start"),
            models.CheckConstraint(
                condition=Q(lost_on__isnull=True) | Q(lost_on__gt=models.F("acquired_on")),
                name="enrollment_lost_after_acquired",
            ),
        ]
        # whole-year enrollment (rates.computation.enrolled_all_year) read from the index alone, once per person
        indexes = [models.Index(fields=["person", "acquired_on", "lost_on"], name="enrollment_person_period_idx")]

    def __str__(self) -> str:
        return f"{day(self.acquired_on)} – {day(self.lost_on)}"


class Exclusion(models.Model):
    """対象除外 with reason and period (SPEC §1.4)."""

    person = models.ForeignKey(
        InsuredPerson, on_delete=models.CASCADE, related_name="exclusions", verbose_name=_("加入者")
    )
    reason = models.CharField(_("除外理由"), max_length=30, choices=ExclusionReason.choices)
    starts_on = models.DateField(_("開始日"))
    ends_on = models.DateField(_("終了日"), null=True, blank=True)
    note = models.CharField(_("備考"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("対象除外")
        verbose_name_plural = _("対象除外")
        ordering = ["person", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="exclusion_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {day(self.starts_on)}–{day(self.ends_on)}"
