"""SPEC §5.2, §5.5: continuous support and interim evaluation are accepted, but some earn nothing (automated, an
email without guidance content, below the form's minimum minutes)."""

from django.utils.translation import gettext_lazy as _

from infra.i18n import message

from ..codes import ContactForm
from ..contacts import SUPPORT_KINDS, ContactFacts, ProgrammeFacts
from ..points import TIMED_CONTACT_POINTS
from .violations import RuleViolation


def check_support(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    """Continuous support and interim evaluation: accepted, but some earn nothing (SPEC §5.2, §5.5)."""
    if contact.kind not in SUPPORT_KINDS:
        return []
    if contact.automated:
        return [
            RuleViolation.of(
                "automated_contact_no_points",
                "automated",
                _("自動応答・AI生成の支援は0ポイント"),
                "§5.2",
                blocking=False,
            )
        ]
    form = ContactForm(contact.form)
    if form == ContactForm.EMAIL_CHAT:
        if contact.has_guidance_content:
            return []
        return [
            RuleViolation.of(
                "email_without_guidance_content",
                "has_guidance_content",
                _("指導内容なし: 0ポイント"),
                "§5.5",
                blocking=False,
            )
        ]
    if contact.minutes is None:
        return [RuleViolation.of("minutes_required", "minutes", _("支援時間(分)を入力してください"), "§5.5")]
    minimum = TIMED_CONTACT_POINTS[form][0]
    if contact.minutes < minimum:
        return [
            RuleViolation.of(
                "minimum_minutes",
                "minutes",
                message(_("%(minimum)s分未満のため0ポイント(記録は可能)"), minimum=minimum),
                "§5.5",
                blocking=False,
            )
        ]
    return []
