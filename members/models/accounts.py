"""Who may sign in or call: staff memberships of insurers and machine clients' API keys."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey, APIKeyManager

from .organisations import Clinic, Employer, GuidanceProvider, Insurer


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


class ApiKeyManager(APIKeyManager):
    def get_usable_keys(self) -> models.QuerySet:
        """With the key's organisation, which every authenticated request reads (one query, not two)."""
        return super().get_usable_keys().select_related("clinic", "employer__insurer", "guidance_provider")


class ApiKey(AbstractAPIKey):
    """A machine client's key (shown once, stored hashed). Exactly one target matches its kind."""

    objects: ClassVar[ApiKeyManager] = ApiKeyManager()

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
