"""Employer checkup data (事業主健診, SPEC §7): submissions per employer and year, CSV mappings and imports."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from checkups.models import Checkup, CheckupQuerySet
from members.actors import Actor, ActorKind
from members.age_basis import TARGET_AGE_MIN
from members.dates import fiscal_year_label
from members.models import Clinic, Employer, Insurer


class SubmissionStatus(models.TextChoices):
    """SPEC §7.3: requested / received / partial / none, so staff know who still owes data."""

    NONE = "none", _("未依頼・未提出")
    REQUESTED = "requested", _("依頼済(未受領)")
    PARTIAL = "partial", _("一部受領")
    RECEIVED = "received", _("受領済")


class SubmissionQuerySet(models.QuerySet["Submission"]):
    def visible_to(self, actor: Actor) -> "SubmissionQuerySet":
        """Staff: their insurers' employers; an employer key: its own submissions only."""
        match actor.kind:
            case ActorKind.SUPERUSER:
                return self
            case ActorKind.STAFF:
                return self.filter(insurer_id__in=actor.insurer_ids)
            case ActorKind.EMPLOYER:
                return self.filter(employer_id=actor.employer_id)
        return self.none()


class Submission(models.Model):
    """事業主健診の提出状況: one employer, one fiscal year (SPEC §7.3)."""

    insurer = models.ForeignKey(
        Insurer, on_delete=models.PROTECT, related_name="employer_submissions", verbose_name=_("保険者")
    )
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("事業所")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))  # SPEC §1.1
    status = models.CharField(_("状況"), max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.NONE)
    requested_on = models.DateField(_("依頼日"), null=True, blank=True)
    due_on = models.DateField(_("提出期限"), null=True, blank=True)
    last_received_on = models.DateField(_("最終受領日"), null=True, blank=True)
    confirmed_complete = models.BooleanField(
        _("提出完了を確認済"), default=False, help_text=_("事業主が全員分を提出済みと確認した場合にオン")
    )
    notes = models.TextField(_("メモ"), blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("事業主健診の提出状況")
        verbose_name_plural = _("事業主健診の提出状況")
        ordering = ["-fiscal_year", "employer__code"]
        constraints = [
            models.UniqueConstraint(fields=["employer", "fiscal_year"], name="uniq_submission_employer_year"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in SubmissionStatus]), name="submission_status_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{fiscal_year_label(self.fiscal_year)} {self.employer}"


class CsvMappingQuerySet(models.QuerySet["CsvMapping"]):
    def visible_to(self, actor: Actor) -> "CsvMappingQuerySet":
        if actor.kind == ActorKind.SUPERUSER:
            return self
        if actor.kind == ActorKind.STAFF:
            return self.filter(insurer_id__in=actor.insurer_ids)
        return self.none()


class CsvMapping(models.Model):
    """A saved column mapping for one employer's and/or one checkup institution's CSV layout (SPEC §7.2).

    `columns` is a list of {"column", "role", "item_code", "recode", "conversion"} (see employer_data.mapping).
    """

    insurer = models.ForeignKey(
        Insurer, on_delete=models.PROTECT, related_name="csv_mappings", verbose_name=_("保険者")
    )
    name = models.CharField(_("名称"), max_length=100)
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, null=True, blank=True, related_name="csv_mappings", verbose_name=_("事業所")
    )
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, null=True, blank=True, related_name="csv_mappings", verbose_name=_("健診機関")
    )
    columns = models.JSONField(_("列の対応"), default=list)
    notes = models.TextField(_("メモ"), blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = CsvMappingQuerySet.as_manager()

    class Meta:
        verbose_name = _("CSV列対応")
        verbose_name_plural = _("CSV列対応")
        ordering = ["insurer", "name"]
        constraints = [models.UniqueConstraint(fields=["insurer", "name"], name="uniq_csv_mapping_name")]

    def __str__(self) -> str:
        return self.name


class CsvImportQuerySet(models.QuerySet["CsvImport"]):
    def visible_to(self, actor: Actor) -> "CsvImportQuerySet":
        if actor.kind == ActorKind.SUPERUSER:
            return self
        if actor.kind == ActorKind.STAFF:
            return self.filter(insurer_id__in=actor.insurer_ids)
        return self.none()


class CsvImport(models.Model):
    """One CSV file: previewed, then imported once (the same bytes are never imported twice per insurer)."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("確認待ち")
        IMPORTED = "imported", _("取込済")
        DUPLICATE = "duplicate", _("取込済みの同一ファイル")

    insurer = models.ForeignKey(
        Insurer, on_delete=models.PROTECT, related_name="employer_csv_imports", verbose_name=_("保険者")
    )
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="csv_imports", verbose_name=_("事業所")
    )
    mapping = models.ForeignKey(CsvMapping, on_delete=models.PROTECT, related_name="imports", verbose_name=_("列対応"))
    file_name = models.CharField(_("ファイル名"), max_length=255)
    sha256 = models.CharField(_("ハッシュ値(SHA-256)"), max_length=64)
    content = models.BinaryField(_("ファイル内容"))
    encoding = models.CharField(_("文字コード"), max_length=20, blank=True)
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    stored_count = models.PositiveIntegerField(_("登録"), default=0)
    held_count = models.PositiveIntegerField(_("照合保留"), default=0)
    rejected_count = models.PositiveIntegerField(_("エラー"), default=0)
    incomplete_count = models.PositiveIntegerField(_("特定健診項目不足"), default=0)
    report = models.JSONField(_("行ごとの結果"), default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("取込者")
    )
    created_at = models.DateTimeField(_("受付日時"), auto_now_add=True)
    imported_at = models.DateTimeField(_("取込日時"), null=True, blank=True)

    objects = CsvImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("事業主健診CSV取込")
        verbose_name_plural = _("事業主健診CSV取込")
        ordering = ["-created_at"]
        constraints = [
            # Re-importing the same bytes must not add anything (issue #6 acceptance)
            models.UniqueConstraint(
                fields=["insurer", "sha256"], condition=Q(status="imported"), name="uniq_imported_csv_per_insurer"
            ),
        ]

    def __str__(self) -> str:
        return self.file_name


class IncompleteCheckupQuerySet(CheckupQuerySet):
    def incomplete_specific(self) -> "IncompleteCheckupQuerySet":
        """≥ 40 employer records lacking 特定健診 items (SPEC §7.1): staff complete them here."""
        return self.filter(program="030", is_complete=False, age_at_fy_end__gte=TARGET_AGE_MIN)


class IncompleteEmployerCheckup(Checkup):
    """Admin view of employer checkups (≥ 40) that miss 特定健診 items; same table as Checkup."""

    objects: ClassVar = IncompleteCheckupQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = _("特定健診項目が不足する事業主健診 (40歳以上)")
        verbose_name_plural = _("特定健診項目が不足する事業主健診 (40歳以上)")
