"""Insurers, employers, insured persons and their enrollment, clinics, staff, API keys, access log."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey

from infra.i18n import StrOrPromise

from .actors import Actor, ActorKind
from .codes import ExclusionReason, InsurerType, Relationship, Sex
from .dates import day

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


class StaffMembership(models.Model):
    """A staff user works for one or more insurers."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_memberships", verbose_name=_("ユーザー")
    )
    insurer = models.ForeignKey(
        Insurer, on_delete=models.CASCADE, related_name="staff_memberships", verbose_name=_("保険者")
    )
    job_title = models.CharField(_("職種"), max_length=50, default="保健師")

    class Meta:
        verbose_name = _("職員所属")
        verbose_name_plural = _("職員所属")
        constraints = [models.UniqueConstraint(fields=["user", "insurer"], name="uniq_staff_membership")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.insurer}"


class ApiKey(AbstractAPIKey):
    """A machine client's key (shown once, stored hashed). Exactly one target matches its kind."""

    class Kind(models.TextChoices):
        CLINIC = "clinic", _("健診機関")
        EMPLOYER = "employer", _("事業主")
        GUIDANCE_PROVIDER = "guidance_provider", _("保健指導機関")
        STAFF = "staff", _("保険者職員")

    kind = models.CharField(_("種別"), max_length=20, choices=Kind.choices)
    clinic = models.ForeignKey(
        Clinic, on_delete=models.CASCADE, null=True, blank=True, related_name="api_keys", verbose_name=_("健診機関")
    )
    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, null=True, blank=True, related_name="api_keys", verbose_name=_("事業所")
    )
    guidance_provider = models.ForeignKey(
        GuidanceProvider,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_keys",
        verbose_name=_("保健指導機関"),
    )
    insurer = models.ForeignKey(
        Insurer, on_delete=models.CASCADE, null=True, blank=True, related_name="api_keys", verbose_name=_("保険者")
    )

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("APIキー")  # type: ignore[assignment]  # the package's Meta spells it as a str; a lazy one works
        verbose_name_plural = _("APIキー")  # type: ignore[assignment]  # as above
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="clinic", clinic__isnull=False, employer__isnull=True)
                    | Q(kind="employer", employer__isnull=False, clinic__isnull=True)
                    | Q(kind="guidance_provider", guidance_provider__isnull=False, clinic__isnull=True)
                    | Q(kind="staff", insurer__isnull=False, clinic__isnull=True)
                ),
                name="api_key_target_matches_kind",
            ),
        ]


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
