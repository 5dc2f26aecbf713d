"""The history of corrections of a checkup's items (by staff, or by a re-send)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.dates import day
from members.models import Clinic, Employer

from .checkup import Checkup


class CheckupCorrection(models.Model):
    """A correction of one item, kept as history; the level is recomputed after it.

    Either a staff correction (`corrected_by`, with a reason) or a re-send of the same person, exam date and
    programme with other values (issue #13): the sender is kept (clinic, employer or the submitter's label,
    and the upload that carried it).
    """

    class Kind(models.TextChoices):
        STAFF = "staff", _("職員による修正")
        RESEND = "resend", _("再送信による修正")

    checkup = models.ForeignKey(
        Checkup, on_delete=models.CASCADE, related_name="corrections", verbose_name=_("健診結果")
    )
    kind = models.CharField(_("修正の種類"), max_length=10, choices=Kind.choices, default=Kind.STAFF)
    item_code = models.CharField(_("項目コード"), max_length=17)
    old_value = models.JSONField(_("修正前"), null=True, blank=True)
    new_value = models.JSONField(_("修正後"), null=True, blank=True)
    reason = models.CharField(_("理由"), max_length=300, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("修正者"),
    )
    sent_by_clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("送信した健診機関")
    )
    sent_by_employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("送信した事業所")
    )
    submitter = models.CharField(_("送信者"), max_length=40, blank=True)  # Upload.submitter of a re-send
    upload = models.ForeignKey(
        "Upload", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("受付")
    )
    corrected_at = models.DateTimeField(_("修正日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("項目修正履歴")
        verbose_name_plural = _("項目修正履歴")
        ordering = ["-corrected_at"]
        constraints = [
            # a staff correction names the user; a re-send names its sender
            models.CheckConstraint(
                condition=~Q(kind="staff") | Q(corrected_by__isnull=False), name="correction_staff_has_user"
            ),
            models.CheckConstraint(condition=~Q(kind="resend") | ~Q(submitter=""), name="correction_resend_has_sender"),
            models.CheckConstraint(condition=Q(kind__in=["staff", "resend"]), name="correction_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.item_code} {day(self.corrected_at)}"
