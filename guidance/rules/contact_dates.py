"""SPEC §5.1, §5.2, §5.5: a contact lies between the exam and today; its minutes are not negative."""

from ..contacts import ContactFacts, ProgrammeFacts
from .violations import RuleViolation, violation


def check_dates(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    found = []
    if contact.date > programme.today:
        found.append(violation("date_in_future", "date", "未来の日付は登録できません", "Date in the future", "§5.2"))
    if contact.date < programme.exam_date:
        found.append(violation("date_before_exam", "date", "健診日より前の日付です", "Date before the exam", "§5.1"))
    if contact.minutes is not None and contact.minutes < 0:
        found.append(violation("minutes_invalid", "minutes", "分数が不正です", "Minutes must not be negative", "§5.5"))
    return found
