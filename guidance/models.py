"""Guidance providers and programmes (特定保健指導)."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class GuidanceProvider(models.Model):
    """保健指導機関: a contracted organisation that runs guidance programmes."""

    number = models.CharField(
        _("保健指導機関番号"),
        max_length=10,
        unique=True,
        validators=[RegexValidator(r"^\d{10}$", _("機関番号は10桁の数字です"))],
    )
    name = models.CharField(_("名称"), max_length=200)

    class Meta:
        verbose_name = _("保健指導機関")
        verbose_name_plural = _("保健指導機関")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"
