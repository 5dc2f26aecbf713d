"""Rate snapshots (実施率), targets by insurer type, and the base year of the metabolic reduction rate."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from infra.i18n import StrOrPromise
from infra.jobs import BackgroundJob, progress_range_constraint
from members.actors import Actor, ActorKind
from members.codes import InsurerType, Sex
from members.dates import fiscal_year_label


class TargetScope(models.TextChoices):
    """Who a target row applies to: the national row or one insurer type (SPEC §6.4)."""

    NATIONAL = "national", _("全保険者(全国目標)")
    MUNICIPAL_NHI = InsurerType.MUNICIPAL_NHI.value, InsurerType.MUNICIPAL_NHI.label
    NHI_SOCIETY = InsurerType.NHI_SOCIETY.value, InsurerType.NHI_SOCIETY.label
    KYOKAI_KENPO = InsurerType.KYOKAI_KENPO.value, InsurerType.KYOKAI_KENPO.label
    SINGLE_KENPO = InsurerType.SINGLE_KENPO.value, InsurerType.SINGLE_KENPO.label
    JOINT_KENPO = InsurerType.JOINT_KENPO.value, InsurerType.JOINT_KENPO.label
    MUTUAL_AID = InsurerType.MUTUAL_AID.value, InsurerType.MUTUAL_AID.label


def _percent(verbose: StrOrPromise, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose, max_digits=5, decimal_places=2, **kwargs)


class RateTarget(models.Model):
    """目標値 for the end of the 4th period (SPEC §6.4 ◆ editable data), in percent."""

    scope = models.CharField(_("対象"), max_length=20, choices=TargetScope.choices)
    target_fiscal_year = models.PositiveSmallIntegerField(_("目標年度"), default=2029)  # SPEC §6.4: FY2029
    checkup_percent = _percent(_("特定健診実施率 目標(%)"))
    guidance_percent = _percent(_("特定保健指導実施率 目標(%)"))
    metabolic_reduction_percent = _percent(_("メタボ減少率 目標(%)"), null=True, blank=True)

    class Meta:
        verbose_name = _("実施率目標")
        verbose_name_plural = _("実施率目標")
        ordering = ["target_fiscal_year", "scope"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "target_fiscal_year"], name="uniq_rate_target_scope"),
            models.CheckConstraint(
                condition=Q(checkup_percent__gte=0, checkup_percent__lte=100)
                & Q(guidance_percent__gte=0, guidance_percent__lte=100),
                name="rate_target_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {fiscal_year_label(self.target_fiscal_year)}"


class StandardPopulation(models.Model):
    """One stratum of a named standard population for the metabolic reduction rate (SPEC §6.3)."""

    table = models.CharField(_("基準人口表"), max_length=50)
    sex = models.PositiveSmallIntegerField(_("性別"), choices=Sex.choices)
    age_from = models.PositiveSmallIntegerField(_("年齢階級(下限)"))  # SPEC §6.3: 40, 45, … 70
    population = models.PositiveIntegerField(_("人口"))

    class Meta:
        verbose_name = _("基準人口")
        verbose_name_plural = _("基準人口")
        ordering = ["table", "sex", "age_from"]
        constraints = [
            models.UniqueConstraint(fields=["table", "sex", "age_from"], name="uniq_standard_population_stratum"),
            models.CheckConstraint(
                condition=Q(age_from__in=[40, 45, 50, 55, 60, 65, 70]), name="standard_population_band"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.table} {self.get_sex_display()} {self.age_from}"


class ReductionBaseQuerySet(models.QuerySet["ReductionBase"]):
    def visible_to(self, actor: Actor) -> "ReductionBaseQuerySet":
        if actor.kind == ActorKind.SUPERUSER:
            return self
        if actor.kind == ActorKind.STAFF:
            return self.filter(insurer_id__in=actor.insurer_ids)
        return self.none()


REDUCTION_TARGET_BASE_YEAR = 2008  # SPEC §6.3 revised: the 25 % target is a reduction against FY2008 only


class ReductionBase(models.Model):
    """The base year of an insurer's metabolic reduction rate (SPEC §6.3 revised: MHLW compares with FY2008).

    The base year's counts per sex × band are the `strata` staff entered (FY2008 is before this system), or,
    without them, what the system holds for that year. The standard population is the named table, else the
    population entered with the strata, else the base year's own receivers.
    """

    insurer = models.OneToOneField(
        "members.Insurer", on_delete=models.CASCADE, related_name="reduction_base", verbose_name=_("保険者")
    )
    base_fiscal_year = models.PositiveSmallIntegerField(
        _("基準年度"),
        default=REDUCTION_TARGET_BASE_YEAR,
        help_text=_("国の目標(25%)は2008年度比です。他の年度を選ぶと、その年度比として表示し目標線は引きません。"),
    )
    standard_table = models.CharField(
        _("基準人口表"),
        max_length=50,
        blank=True,
        help_text=_(
            "登録済みの基準人口表の名前。空欄の場合は下の表に入力した基準人口、それもなければ基準年度の健診受診者数を使います。"
        ),
    )

    objects = ReductionBaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("メタボ減少率の基準年度")
        verbose_name_plural = _("メタボ減少率の基準年度")

    def __str__(self) -> str:
        return f"{self.insurer.name} {fiscal_year_label(self.base_fiscal_year)}"


class ReductionBaseStratum(models.Model):
    """One sex × 5-year band of the base year as staff entered it (SPEC §6.3: guidance targets ÷ receivers),
    with the standard population of that stratum (national 住民基本台帳 by sex × band) when known."""

    base = models.ForeignKey(ReductionBase, on_delete=models.CASCADE, related_name="strata")
    sex = models.PositiveSmallIntegerField(_("性別"), choices=Sex.choices)
    age_from = models.PositiveSmallIntegerField(
        _("年齢階級"), choices=[(a, f"{a}〜{a + 4}歳") for a in range(40, 75, 5)]
    )
    guidance_targets = models.PositiveIntegerField(_("特定保健指導対象者数"))
    receivers = models.PositiveIntegerField(_("特定健診受診者数"))
    standard_population = models.PositiveIntegerField(_("基準人口"), null=True, blank=True)

    class Meta:
        verbose_name = _("基準年度の性・年齢階級別人数")
        verbose_name_plural = _("基準年度の性・年齢階級別人数")
        ordering = ["base", "sex", "age_from"]
        constraints = [
            models.UniqueConstraint(fields=["base", "sex", "age_from"], name="uniq_reduction_base_stratum"),
            models.CheckConstraint(
                condition=Q(guidance_targets__lte=models.F("receivers")), name="reduction_stratum_targets_within"
            ),
            models.CheckConstraint(
                condition=Q(age_from__in=[40, 45, 50, 55, 60, 65, 70]), name="reduction_stratum_band"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_sex_display()} {self.get_age_from_display()}"


class RateSnapshotQuerySet(models.QuerySet["RateSnapshot"]):
    def visible_to(self, actor: Actor) -> "RateSnapshotQuerySet":
        if actor.kind == ActorKind.SUPERUSER:
            return self
        if actor.kind == ActorKind.STAFF:
            return self.filter(insurer_id__in=actor.insurer_ids)
        return self.none()

    def finished(self) -> "RateSnapshotQuerySet":
        return self.filter(status=RateSnapshot.Status.DONE)


class RateSnapshot(models.Model):
    """The rates of one insurer and fiscal year as computed at one moment; dashboards only read these.

    `breakdown` holds rows {dimension, key, label, checkup: {numerator, denominator}, guidance: {…}} (SPEC §6.5);
    `strata` the sex × age-band counts behind the metabolic reduction rate (SPEC §6.3).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待機中")
        RUNNING = "running", _("計算中")
        DONE = "done", _("完了")
        FAILED = "failed", _("失敗")

    insurer = models.ForeignKey(
        "members.Insurer", on_delete=models.CASCADE, related_name="rate_snapshots", verbose_name=_("保険者")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("進捗(%)"), default=0)
    error = models.TextField(_("エラー"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("依頼者"),
    )
    requested_at = models.DateTimeField(_("依頼日時"), auto_now_add=True)
    computed_at = models.DateTimeField(_("計算日時"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("計算時間(ミリ秒)"), null=True, blank=True)

    checkup_numerator = models.PositiveIntegerField(_("健診受診者数"), default=0)
    checkup_denominator = models.PositiveIntegerField(_("健診対象者数"), default=0)
    checkup_rate = models.FloatField(_("特定健診実施率"), null=True, blank=True)
    guidance_numerator = models.PositiveIntegerField(_("保健指導終了者数"), default=0)
    guidance_denominator = models.PositiveIntegerField(_("保健指導対象者数"), default=0)
    guidance_rate = models.FloatField(_("特定保健指導実施率"), null=True, blank=True)
    metabolic_base_year = models.PositiveSmallIntegerField(_("減少率の基準年度"), null=True, blank=True)
    metabolic_base_estimate = models.FloatField(_("基準年度の推定数"), null=True, blank=True)
    metabolic_estimate = models.FloatField(_("当該年度の推定数"), null=True, blank=True)
    metabolic_reduction = models.FloatField(_("メタボ減少率"), null=True, blank=True)
    breakdown = models.JSONField(_("内訳"), default=list, blank=True)
    strata = models.JSONField(_("性・年齢階級別"), default=list, blank=True)
    lookahead = models.JSONField(_("年度末見通し"), default=dict, blank=True)

    objects = RateSnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("実施率スナップショット")
        verbose_name_plural = _("実施率スナップショット")
        ordering = ["-fiscal_year", "-requested_at"]
        indexes = [
            models.Index(fields=["insurer", "fiscal_year", "status", "-computed_at"], name="rate_snapshot_latest_idx")
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="rate_snapshot_progress_range"),
            models.CheckConstraint(
                condition=Q(checkup_numerator__lte=models.F("checkup_denominator"))
                & Q(guidance_numerator__lte=models.F("guidance_denominator")),
                name="rate_snapshot_numerator_within_denominator",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.insurer.name} {fiscal_year_label(self.fiscal_year)} {self.get_status_display()}"


class RateDashboard(RateSnapshot):
    """Admin entry for the staff dashboard (the admin index lists it; its page is the dashboard)."""

    class Meta:
        proxy = True
        verbose_name = _("実施率ダッシュボード")
        verbose_name_plural = _("実施率ダッシュボード")


class StatutoryReportPage(RateSnapshot):
    """Admin entry for the statutory report page (法定報告, SPEC §6.6); the page computes, it stores nothing."""

    class Meta:
        proxy = True
        verbose_name = _("法定報告")
        verbose_name_plural = _("法定報告")


class OutcomeReportPage(RateSnapshot):
    """Admin entry for outcome visibility (保健指導の成果・見える化, SPEC §6.7)."""

    class Meta:
        proxy = True
        verbose_name = _("保健指導の成果(見える化)")
        verbose_name_plural = _("保健指導の成果(見える化)")


class StatutoryExportQuerySet(models.QuerySet["StatutoryExport"]):
    def visible_to(self, actor: Actor) -> "StatutoryExportQuerySet":
        if actor.kind == ActorKind.SUPERUSER:
            return self
        if actor.kind == ActorKind.STAFF:
            return self.filter(insurer_id__in=actor.insurer_ids)
        return self.none()


class StatutoryExport(BackgroundJob):
    """One statutory report archive (法定報告の提出ファイル, SPEC §6.6, §9) built in the background with progress.

    The file holds health data of every counted person: it is stored in the private default storage (never under
    a public URL) and handed out only by the admin view of the insurer's staff.
    """

    insurer = models.ForeignKey("members.Insurer", on_delete=models.CASCADE, related_name="statutory_exports")
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    file = models.FileField(_("ファイル"), upload_to="statutory_exports/", blank=True)
    summary = models.JSONField(_("集計"), default=dict, blank=True)

    objects = StatutoryExportQuerySet.as_manager()

    class Meta:
        verbose_name = _("法定報告の提出ファイル")
        verbose_name_plural = _("法定報告の提出ファイル")
        ordering = ["-requested_at"]
        constraints = [progress_range_constraint("statutory_export_progress_range")]

    def __str__(self) -> str:
        return f"{self.insurer_id} FY{self.fiscal_year} {self.get_status_display()}"
