"""A checkup result (特定健診結果): typed columns for the rules, every item by its MHLW code, our judgments."""

from typing import Self

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from infra.i18n import StrOrPromise
from members.actors import Actor, ActorKind
from members.dates import day
from members.models import Clinic, Employer, InsuredPerson, Insurer

from ..codes import GuidanceLevel, MealTiming, MetabolicJudgment, Program, Source, WaistMethod


def _decimal(verbose: StrOrPromise, digits: int = 4, places: int = 1) -> models.DecimalField:
    return models.DecimalField(verbose, max_digits=digits, decimal_places=places, null=True, blank=True)


def _small(verbose: StrOrPromise, **kwargs) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(verbose, null=True, blank=True, **kwargs)


class CheckupQuerySet(models.QuerySet["Checkup"]):
    def visible_to(self, actor: Actor) -> Self:
        """Staff: their insurers' people; clinic/employer: what they sent; a person: their own."""
        match actor.kind:
            case ActorKind.SUPERUSER:
                return self
            case ActorKind.STAFF:
                return self.filter(insurer_id__in=actor.insurer_ids)
            case ActorKind.CLINIC:
                return self.filter(submitted_by_clinic_id=actor.clinic_id)
            case ActorKind.EMPLOYER:
                return self.filter(submitted_by_employer_id=actor.employer_id)
            case ActorKind.PERSON:
                return self.filter(person_id=actor.person_id)
            case ActorKind.GUIDANCE_PROVIDER:
                return self.filter(programme__provider_id=actor.guidance_provider_id)
        return self.none()


class Checkup(models.Model):
    """One exam of one person. `items` keeps every item as sent, by its 17-digit code (XMLhc24tab)."""

    # no index of their own: the unique (person, exam date, programme) and the (insurer, fiscal year) indexes lead
    # with them, so each insert maintains two indexes fewer (an archive stores 10,000 checkups at a time)
    person = models.ForeignKey(
        InsuredPerson, on_delete=models.PROTECT, related_name="checkups", verbose_name=_("加入者"), db_index=False
    )
    insurer = models.ForeignKey(
        Insurer, on_delete=models.PROTECT, related_name="checkups", verbose_name=_("保険者"), db_index=False
    )
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, null=True, blank=True, related_name="checkups", verbose_name=_("健診機関")
    )
    submitted_by_clinic = models.ForeignKey(
        Clinic,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submitted_checkups",
        verbose_name=_("送信した健診機関"),
    )
    submitted_by_employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submitted_checkups",
        verbose_name=_("送信した事業所"),
    )
    exam_date = models.DateField(_("健診実施日"))
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))  # SPEC §1.1
    age_at_fy_end = models.PositiveSmallIntegerField(_("年度末年齢"))  # SPEC §1.2
    program = models.CharField(_("プログラム種別"), max_length=3, choices=Program.choices)
    source = models.CharField(_("取得経路"), max_length=20, choices=Source.choices)
    items = models.JSONField(_("全項目"), default=dict, blank=True)

    # Body measurements
    height_cm = _decimal(_("身長 (cm)"))
    weight_kg = _decimal(_("体重 (kg)"))
    bmi = _decimal(_("BMI"), 3, 1)
    bmi_reported = _decimal(_("BMI (健診機関)"), 3, 1)
    waist_cm = _decimal(_("腹囲 (cm)"))
    waist_method = _small(_("腹囲の測定方法"), choices=WaistMethod.choices)
    visceral_fat_area_cm2 = _decimal(_("内臓脂肪面積 (cm²)"))
    # Blood pressure (mmHg)
    systolic_1 = _decimal(_("収縮期血圧 1回目"))
    systolic_2 = _decimal(_("収縮期血圧 2回目"))
    systolic_other = _decimal(_("収縮期血圧 その他"))
    diastolic_1 = _decimal(_("拡張期血圧 1回目"))
    diastolic_2 = _decimal(_("拡張期血圧 2回目"))
    diastolic_other = _decimal(_("拡張期血圧 その他"))
    # Blood (mg/dl unless noted)
    meal_timing = _small(_("採血時間(食後)"), choices=MealTiming.choices)
    triglycerides_fasting = _decimal(_("空腹時中性脂肪"), 5, 1)
    triglycerides_random = _decimal(_("随時中性脂肪"), 5, 1)
    hdl = _decimal(_("HDLコレステロール"))
    ldl = _decimal(_("LDLコレステロール"))
    non_hdl = _decimal(_("Non-HDLコレステロール"))
    glucose_fasting = _decimal(_("空腹時血糖"))
    glucose_random = _decimal(_("随時血糖"))
    hba1c = _decimal(_("HbA1c (%)"), 3, 1)
    ast = _decimal(_("AST (U/L)"), 5, 1)
    alt = _decimal(_("ALT (U/L)"), 5, 1)
    ggt = _decimal(_("γ-GT (U/L)"), 5, 1)
    creatinine = _decimal(_("血清クレアチニン"), 4, 2)
    egfr = _decimal(_("eGFR"), 4, 1)
    hemoglobin = _decimal(_("血色素量 (g/dl)"), 3, 1)
    hematocrit = _decimal(_("ヘマトクリット (%)"), 3, 1)
    red_blood_cells = _decimal(_("赤血球数 (万/mm³)"), 4, 0)
    urine_glucose = _small(_("尿糖"))
    urine_protein = _small(_("尿蛋白"))

    # Questionnaire (標準的な質問票, SPEC §4); answer codes as sent
    med_blood_pressure = _small(_("Q1 服薬(血圧)"))
    med_glucose = _small(_("Q2 服薬(血糖)"))
    med_lipids = _small(_("Q3 服薬(脂質)"))
    history_stroke = _small(_("Q4 既往歴(脳血管)"))
    history_heart = _small(_("Q5 既往歴(心血管)"))
    history_kidney = _small(_("Q6 既往歴(腎不全・人工透析)"))
    anaemia = _small(_("Q7 貧血"))
    smoking = _small(_("Q8 喫煙"))
    weight_gain_since_20 = _small(_("Q9 20歳からの体重変化"))
    exercise_habit = _small(_("Q10 運動習慣"))
    physical_activity = _small(_("Q11 歩行又は身体活動"))
    walking_speed = _small(_("Q12 歩行速度"))
    chewing = _small(_("Q13 咀嚼"))
    eating_speed = _small(_("Q14 食べ方(早食い)"))
    late_dinner = _small(_("Q15 就寝前の夕食"))
    snacking = _small(_("Q16 間食"))
    skips_breakfast = _small(_("Q17 朝食を抜く"))
    drinking_frequency = _small(_("Q18 飲酒頻度"))
    drinking_amount = _small(_("Q19 飲酒量"))
    sleep_rest = _small(_("Q20 睡眠"))
    lifestyle_intention = _small(_("Q21 生活習慣の改善"))
    guidance_history = _small(_("Q22 特定保健指導の受診歴"))
    guidance_wish = _small(_("Q22(第3期) 保健指導の希望"))  # 9N806, replaced by 9N808 from FY2024 (SPEC §4.2)
    med_reconfirmed = _small(_("保険者再確認(服薬)"))  # OID .24020, highest code of 9N702/9N707/9N712
    current_smoker = models.BooleanField(_("現在喫煙"), null=True, blank=True)  # SPEC §4.3
    risky_drinking = models.BooleanField(_("リスクを高める飲酒"), null=True, blank=True)  # SPEC §4.3

    # Our judgments (SPEC §2, §3) and what the clinic sent (SPEC §2.9)
    guidance_level = _small(_("保健指導レベル"), choices=GuidanceLevel.choices)
    # SPEC §2.5a: the level the rules give without the medication exclusion, kept for analysis
    guidance_level_without_medication = _small(_("服薬除外前のレベル"), choices=GuidanceLevel.choices)
    medication_excluded = models.BooleanField(_("服薬中により対象外"), default=False)
    metabolic_judgment = _small(_("メタボ判定"), choices=MetabolicJudgment.choices)
    # Why (SPEC §2.7, §3): compact record of the values used, risks, group and exceptions (checkups.judgments)
    judgment = models.JSONField(_("判定の根拠"), default=dict, blank=True)
    rules_version = models.CharField(_("判定ルール"), max_length=8, blank=True)
    clinic_guidance_level = _small(_("健診機関の保健指導レベル"), choices=GuidanceLevel.choices)
    clinic_metabolic_judgment = _small(_("健診機関のメタボ判定"), choices=MetabolicJudgment.choices)
    clinic_mismatch = models.BooleanField(_("健診機関の判定と相違"), default=False)
    consecutive_intensive_eligible = models.BooleanField(_("2年連続積極的支援(動機付け支援相当可)"), default=False)
    stratified_at = models.DateTimeField(_("判定日時"), null=True, blank=True)

    # Completeness for 特定健診 (SPEC §6.1, §7.1) and which record counts for the fiscal year
    is_complete = models.BooleanField(_("特定健診項目充足"), default=True)
    missing_items = models.JSONField(_("不足項目"), default=list, blank=True)
    counts_for_fiscal_year = models.BooleanField(_("実施率に計上"), default=True)

    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = CheckupQuerySet.as_manager()

    class Meta:
        verbose_name = _("健診結果")
        verbose_name_plural = _("健診結果")
        ordering = ["-exam_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "exam_date", "program"], name="uniq_checkup_exam"),
            models.UniqueConstraint(
                fields=["person", "fiscal_year"],
                condition=Q(counts_for_fiscal_year=True),
                name="uniq_counted_checkup_per_year",
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=2008) & Q(fiscal_year__lte=2100), name="checkup_fiscal_year_range"
            ),
            models.CheckConstraint(condition=Q(program__in=["010", "030"]), name="checkup_program_code"),
            models.CheckConstraint(
                condition=Q(guidance_level__isnull=True) | Q(guidance_level__in=[1, 2, 3, 4]),
                name="checkup_guidance_level_code",
            ),
            models.CheckConstraint(
                condition=Q(metabolic_judgment__isnull=True) | Q(metabolic_judgment__in=[1, 2, 3, 4]),
                name="checkup_metabolic_code",
            ),
        ]
        # No index on the judgment columns: a restratification rewrites them, and unindexed columns let
        # PostgreSQL update rows in place (HOT, with the table's fillfactor; migration 0005).
        indexes = [
            models.Index(fields=["insurer", "fiscal_year"], name="checkup_insurer_fy_idx"),
            # the few counted but incomplete checkups, for the 未受診 list's note (健診結果受領済・項目不足)
            models.Index(
                fields=["person", "fiscal_year"],
                condition=Q(counts_for_fiscal_year=True, is_complete=False),
                name="checkup_incomplete_counted_idx",
            ),
            # the counted checkups in the guidance denominator (SPEC §6.2), joined to the open programmes of the
            # programme work lists (rates.lookahead) from the index alone
            models.Index(
                fields=["id", "fiscal_year"],
                condition=Q(
                    counts_for_fiscal_year=True,
                    is_complete=True,
                    guidance_level__in=[GuidanceLevel.INTENSIVE, GuidanceLevel.MOTIVATIONAL],
                    medication_excluded=False,
                ),
                name="checkup_guidance_target_idx",
            ),
        ]

    def __str__(self) -> str:
        """ヤマダ タロウ 2026年10月27日 特定健診 (no database id)."""
        return f"{self.person.name_kana} {day(self.exam_date)} {self.get_program_display()}"
