"""SPEC §5.2, §5.5: continuous support and interim evaluation are accepted, but some earn nothing (automated, an
email without guidance content, below the form's minimum minutes)."""

from ..codes import ContactForm
from ..contacts import SUPPORT_KINDS, ContactFacts, ProgrammeFacts
from ..points import TIMED_CONTACT_POINTS
from .violations import RuleViolation, violation, warning


def check_support(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    """Continuous support and interim evaluation: accepted, but some earn nothing (SPEC §5.2, §5.5)."""
    if contact.kind not in SUPPORT_KINDS:
        return []
    if contact.automated:
        return [
            warning(
                "automated_contact_no_points",
                "automated",
                "自動応答・AI生成の支援は0ポイント",
                "Automated contact: accepted, earns 0 points",
                "§5.2",
            )
        ]
    form = ContactForm(contact.form)
    if form == ContactForm.EMAIL_CHAT:
        if contact.has_guidance_content:
            return []
        return [
            warning(
                "email_without_guidance_content",
                "has_guidance_content",
                "指導内容なし: 0ポイント",
                "No guidance content: accepted, earns 0 points",
                "§5.5",
            )
        ]
    if contact.minutes is None:
        return [
            violation("minutes_required", "minutes", "支援時間(分)を入力してください", "Minutes are required", "§5.5")
        ]
    minimum = TIMED_CONTACT_POINTS[form][0]
    if contact.minutes < minimum:
        return [
            warning(
                "minimum_minutes",
                "minutes",
                f"{minimum}分未満のため0ポイント(記録は可能)",
                f"Below the {minimum} min minimum: recorded, but earns 0 points",
                "§5.5",
            )
        ]
    return []
