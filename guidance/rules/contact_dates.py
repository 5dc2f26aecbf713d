"""SPEC §5.1, §5.2, §5.5: a contact lies between the exam and today; its minutes are not negative."""

from django.utils.translation import gettext_lazy as _

from ..contacts import ContactFacts, ProgrammeFacts
from .violations import RuleViolation


def check_dates(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    found = []
    if contact.date > programme.today:
        found.append(RuleViolation.of("date_in_future", "date", _("未来の日付は登録できません"), "§5.2"))
    if contact.date < programme.exam_date:
        found.append(RuleViolation.of("date_before_exam", "date", _("健診日より前の日付です"), "§5.1"))
    if contact.minutes is not None and contact.minutes < 0:
        found.append(RuleViolation.of("minutes_invalid", "minutes", _("分数が不正です"), "§5.5"))
    return found
