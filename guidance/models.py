"""Guidance programmes and their contacts (特定保健指導); providers are organisations in members."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.actors import Actor, ActorKind
from members.models import GuidanceProvider

from .codes import (
    OPEN_STATUSES,
    ContactForm,
    ContactKind,
    DropoutReason,
    ExclusionCause,
    LevelDecision,
    Medication,
    MedicationRecheck,
    ProgrammeLevel,
    ProgrammeStatus,
)


class ProgrammeQuerySet(models.QuerySet["Programme"]):
    def visible_to(self, actor: Actor) -> "ProgrammeQuerySet":
        """Staff: their insurers; a provider: programmes assigned to it; a person: their own."""
        match actor.kind:
            case ActorKind.SUPERUSER:
                return self
            case ActorKind.STAFF:
                return self.filter(insurer_id__in=actor.insurer_ids)
            case ActorKind.GUIDANCE_PROVIDER:
                return self.filter(provider_id=actor.guidance_provider_id)
            case ActorKind.PERSON:
                return self.filter(person_id=actor.person_id)
        return self.none()


class Programme(models.Model):
    """One guidance programme per guidance-level checkup, attributed to the checkup's fiscal year (SPEC §5.1).

    Points, status and the next action are the stored result of `guidance.rules.evaluate` (recomputed on every
    contact, drop-out or exclusion) so work lists and rates read them without recomputing.
    """

    checkup = models.OneToOneField(
        "checkups.Checkup", on_delete=models.PROTECT, related_name="programme", verbose_name=_("健診結果")
    )
    person = models.ForeignKey(
        "members.InsuredPerson", on_delete=models.PROTECT, related_name="programmes", verbose_name=_("加入者")
    )
    insurer = models.ForeignKey(
        "members.Insurer", on_delete=models.PROTECT, related_name="programmes", verbose_name=_("保険者")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))  # of the checkup, SPEC §5.1
    level = models.PositiveSmallIntegerField(_("保健指導区分"), choices=ProgrammeLevel.choices)
    status = models.CharField(
        _("状態"), max_length=20, choices=ProgrammeStatus.choices, default=ProgrammeStatus.NOT_STARTED
    )
    assigned_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_programmes",
        verbose_name=_("担当職員"),
    )
    provider = models.ForeignKey(
        GuidanceProvider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("保健指導機関"),
    )
    # Goals set at the initial interview (SPEC §5.5; plan codes OID .24110 / .24120)
    target_weight_kg = models.DecimalField(_("目標体重"), max_digits=4, decimal_places=1, null=True, blank=True)
    target_waist_cm = models.DecimalField(_("目標腹囲"), max_digits=4, decimal_places=1, null=True, blank=True)
    planned_outcome = models.PositiveSmallIntegerField(
        _("腹囲・体重の計画"), choices=[(0, _("なし")), (1, "1cm・1kg"), (2, "2cm・2kg")], default=2
    )
    behaviour_goals = models.JSONField(_("行動目標"), default=list, blank=True)
    # The action plan (SPEC §5.2): behaviour_goals above are its goals; for 積極的支援 also the planned support
    support_plan = models.TextField(_("支援計画"), blank=True, max_length=2000)
    action_plan_on = models.DateField(_("行動計画の設定日"), null=True, blank=True)
    # The checkup level staff last decided on after a level change of the started programme (SPEC §5.6)
    level_decided_for = models.PositiveSmallIntegerField(_("区分変更の判断済みレベル"), null=True, blank=True)
    # Ending other than completion (SPEC §5.6)
    dropped_out_on = models.DateField(_("途中終了日"), null=True, blank=True)
    dropout_reason = models.CharField(_("途中終了の理由"), max_length=20, choices=DropoutReason.choices, blank=True)
    excluded_cause = models.CharField(_("対象外の理由"), max_length=40, choices=ExclusionCause.choices, blank=True)
    excluded_on = models.DateField(_("対象外とした日"), null=True, blank=True)
    # Stored evaluation (SPEC §5.4–§5.7)
    outcome_points = models.PositiveSmallIntegerField(_("アウトカム評価"), default=0)
    process_points = models.PositiveSmallIntegerField(_("プロセス評価"), default=0)
    total_points = models.PositiveSmallIntegerField(_("合計ポイント"), default=0)
    completed_on = models.DateField(_("終了日"), null=True, blank=True)
    initial_on = models.DateField(_("初回面接日"), null=True, blank=True)
    final_evaluation_earliest = models.DateField(_("実績評価可能日"), null=True, blank=True)  # SPEC §5.3
    final_evaluation_on = models.DateField(_("実績評価日"), null=True, blank=True)  # the one used, if any
    last_contact_on = models.DateField(_("最終支援日"), null=True, blank=True)
    next_action = models.CharField(_("次の対応"), max_length=40, blank=True)
    next_action_due = models.DateField(_("対応期限"), null=True, blank=True)
    evaluation = models.JSONField(_("評価の内訳"), default=dict, blank=True)
    version = models.PositiveIntegerField(_("版"), default=0)  # optimistic locking: no lost update between two editors
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("保健指導プログラム")
        verbose_name_plural = _("保健指導プログラム")
        ordering = ["-fiscal_year", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=[1, 2, 3]), name="programme_level_code"),
            models.CheckConstraint(
                condition=Q(total_points=models.F("outcome_points") + models.F("process_points")),
                name="programme_total_is_sum",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_on__isnull=False),
                name="programme_completed_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="dropped_out") | Q(dropped_out_on__isnull=False),
                name="programme_dropout_has_date",
            ),
            # 対象外 always says why and since when (SPEC §5.6)
            models.CheckConstraint(
                condition=~Q(status="excluded") | ~Q(excluded_cause=""), name="programme_excluded_has_cause"
            ),
            models.CheckConstraint(
                condition=Q(excluded_cause="") | Q(excluded_on__isnull=False), name="programme_exclusion_has_date"
            ),
        ]
        indexes = [
            models.Index(fields=["insurer", "fiscal_year", "status"], name="programme_insurer_fy_idx"),
            models.Index(fields=["provider", "status"], name="programme_provider_idx"),
            models.Index(fields=["insurer", "next_action", "next_action_due"], name="programme_work_list_idx"),
            # The work lists' first pages (rates.lookahead orders): read in order through the open programmes and
            # stop after the page, instead of sorting a large insurer's ~50,000 open programmes (issue #16)
            models.Index(
                fields=["insurer", "fiscal_year", "initial_on", "id"],
                name="programme_finishable_idx",
                condition=Q(status__in=OPEN_STATUSES),
            ),
            models.Index(
                fields=["insurer", "next_action_due", "fiscal_year", "id"],
                name="programme_at_risk_idx",
                condition=Q(status__in=OPEN_STATUSES),
            ),
        ]

    def __str__(self) -> str:
        """山田 太郎 2026年度 積極的支援 (a title for staff: no database ids)."""
        year = _("%(year)s年度") % {"year": self.fiscal_year}
        return f"{self.person.name_kana} {year} {self.get_level_display()}"


class Contact(models.Model):
    """One guidance contact (SPEC §5.2): initial interview, continuous support, interim or final evaluation."""

    rule_warnings: list[Any]  # not stored: the non-blocking rule violations, set when a contact is recorded

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("保健指導プログラム")
    )
    kind = models.CharField(_("実施内容"), max_length=20, choices=ContactKind.choices)
    form = models.PositiveSmallIntegerField(_("支援形態"), choices=ContactForm.choices)
    date = models.DateField(_("実施日"))
    minutes = models.PositiveSmallIntegerField(_("実施時間(分)"), null=True, blank=True)
    automated = models.BooleanField(_("自動応答・AI生成"), default=False)
    has_guidance_content = models.BooleanField(_("実質的な指導内容あり"), default=True)
    weight_kg = models.DecimalField(_("体重"), max_digits=4, decimal_places=1, null=True, blank=True)
    waist_cm = models.DecimalField(_("腹囲"), max_digits=4, decimal_places=1, null=True, blank=True)
    systolic_mmhg = models.DecimalField(_("収縮期血圧"), max_digits=4, decimal_places=1, null=True, blank=True)
    diastolic_mmhg = models.DecimalField(_("拡張期血圧"), max_digits=4, decimal_places=1, null=True, blank=True)
    participants = models.PositiveSmallIntegerField(_("参加人数"), null=True, blank=True)  # group contacts
    action_plan = models.JSONField(_("行動計画(初回面接で設定)"), default=dict, blank=True)  # as sent, SPEC §5.2
    measurements_self_declared = models.BooleanField(_("自己申告のみ"), default=False)
    # [{"category": "diet", "since": "2025-10-10"}, …] (SPEC §5.5); rows from before start dates hold bare strings
    behaviour_changes = models.JSONField(_("行動変容"), default=list, blank=True)
    behaviour_sustained_months = models.JSONField(_("継続月数"), default=dict, blank=True)  # legacy, not read
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("実施した職員"),
    )
    provider = models.ForeignKey(
        GuidanceProvider,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("実施した保健指導機関"),
    )
    note = models.TextField(_("記録"), blank=True)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("支援記録")
        verbose_name_plural = _("支援記録")
        ordering = ["programme", "date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(form__gte=1) & Q(form__lte=6), name="contact_form_1_to_6"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class MedicationRecheckRecord(models.Model):
    """保険者再確認 of medication recorded by staff (再確認コード OID .24020, SPEC §5.6): the trace of what was
    decided, by whom and when. Code 1 also corrects the checkup (its correction history names the item)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="medication_rechecks")
    checkup = models.ForeignKey("checkups.Checkup", on_delete=models.PROTECT, related_name="+")
    code = models.PositiveSmallIntegerField(_("再確認コード"), choices=MedicationRecheck.choices)
    medication = models.CharField(_("服薬の種類"), max_length=20, choices=Medication.choices)
    confirmed_on = models.DateField(_("確認日"))
    note = models.CharField(_("備考"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=60)  # the actor (user or API key), also without a user
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("保険者再確認(服薬)")
        verbose_name_plural = _("保険者再確認(服薬)")
        ordering = ["programme", "created_at"]
        constraints = [models.CheckConstraint(condition=Q(code__in=[1, 2]), name="medication_recheck_code_1_or_2")]

    def __str__(self) -> str:
        return f"{self.confirmed_on} {self.get_code_display()}"


class LevelDecisionRecord(models.Model):
    """A staff decision on a started programme whose checkup now gives another level (SPEC §5.6): keep the
    level, or switch it (the contacts are kept). Never silent: the programme asks until one is recorded."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="level_decisions")
    decision = models.CharField(_("判断"), max_length=10, choices=LevelDecision.choices)
    previous_level = models.PositiveSmallIntegerField(_("変更前の区分"), choices=ProgrammeLevel.choices)
    offered_level = models.PositiveSmallIntegerField(_("修正後の健診による区分"), choices=ProgrammeLevel.choices)
    checkup_guidance_level = models.PositiveSmallIntegerField(_("修正後の保健指導レベル"))  # 9N506, SPEC §2.7
    new_level = models.PositiveSmallIntegerField(_("判断後の区分"), choices=ProgrammeLevel.choices)
    note = models.CharField(_("理由"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by_label = models.CharField(max_length=60)
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("保健指導区分変更の判断")
        verbose_name_plural = _("保健指導区分変更の判断")
        ordering = ["programme", "decided_at"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.decided_at:%Y-%m-%d}"
