"""Rules engine of 特定保健指導 (SPEC §5): checks on a new contact, and the public API of the package.

`validate_contact` refuses what the rules forbid (blocking violations) and warns about contacts that are
accepted but earn nothing (non-blocking): a short contact is still a contact the staff must be able to record.
"""

from dataclasses import dataclass

from guidance.codes import BehaviourCategory, ContactForm, ContactKind
from guidance.completion import Evaluation, NextAction, evaluate
from guidance.contacts import (
    FORBIDDEN_INITIAL_FORMS,
    INITIAL_KINDS,
    SUPPORT_KINDS,
    ContactFacts,
    ProgrammeFacts,
    final_evaluation_earliest,
    initial_completed_on,
    initial_start,
)
from guidance.points import TIMED_CONTACT_POINTS, PointLine

__all__ = [
    "ContactFacts",
    "Evaluation",
    "NextAction",
    "PointLine",
    "ProgrammeFacts",
    "RuleViolation",
    "blocking",
    "evaluate",
    "final_evaluation_earliest",
    "validate_contact",
]


@dataclass(frozen=True)
class RuleViolation:
    """A broken rule on one field. `blocking` violations refuse the contact; others only warn."""

    rule: str
    field: str
    message_ja: str
    message_en: str
    spec: str
    blocking: bool = True


def blocking(violations: list[RuleViolation]) -> list[RuleViolation]:
    """The violations that refuse the contact."""
    return [v for v in violations if v.blocking]


def validate_contact(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    """Check `contact` before adding it to `programme` (whose `contacts` are those already recorded)."""
    checks = (_programme_open, _dates, _initial, _order, _final, _support)
    return [violation for check in checks for violation in check(programme, contact)]


def _programme_open(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    if programme.excluded_cause is not None:
        return [_v("programme_excluded", "kind", "対象外のプログラムです", "The programme is excluded", "§5.6")]
    if programme.dropped_out_on is not None and contact.date > programme.dropped_out_on:
        return [
            _v("contact_after_dropout", "date", "途中終了後の支援は登録できません", "Contact after dropout", "§5.6")
        ]
    if evaluate(programme).completed:
        if contact.kind == ContactKind.FINAL:
            return [_v("duplicate_final", "kind", "実績評価は実施済みです", "Final evaluation already done", "§5.4")]
        return [_v("contact_after_completion", "kind", "終了したプログラムです", "The programme is completed", "§5.6")]
    return []


def _dates(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    found = []
    if contact.date > programme.today:
        found.append(_v("date_in_future", "date", "未来の日付は登録できません", "Date in the future", "§5.2"))
    if contact.date < programme.exam_date:
        found.append(_v("date_before_exam", "date", "健診日より前の日付です", "Date before the exam", "§5.1"))
    if contact.minutes is not None and contact.minutes < 0:
        found.append(_v("minutes_invalid", "minutes", "分数が不正です", "Minutes must not be negative", "§5.5"))
    return found


def _initial(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    if contact.kind not in INITIAL_KINDS:
        return []
    found = []
    if contact.form in FORBIDDEN_INITIAL_FORMS:
        found.append(
            _v(
                "initial_interview_form",
                "form",
                "初回面接は電話・電子メール等では実施できません",
                "The initial interview cannot be held by telephone or email/chat",
                "§5.2",
            )
        )
    if contact.automated:
        found.append(
            _v(
                "initial_interview_automated",
                "automated",
                "自動応答は初回面接になりません",
                "An automated message is no initial interview",
                "§5.2",
            )
        )
    kinds = {c.kind for c in programme.contacts}
    clashes = {
        ContactKind.INITIAL: INITIAL_KINDS,
        ContactKind.INITIAL_PART1: {ContactKind.INITIAL, ContactKind.INITIAL_PART1},
        ContactKind.INITIAL_PART2: {ContactKind.INITIAL, ContactKind.INITIAL_PART2},
    }[ContactKind(contact.kind)]
    if kinds & clashes:
        found.append(
            _v("duplicate_initial", "kind", "初回面接は実施済みです", "Initial interview already held", "§5.2")
        )
    part1 = [c.date for c in programme.contacts if c.kind == ContactKind.INITIAL_PART1]
    if contact.kind == ContactKind.INITIAL_PART2 and (not part1 or contact.date < min(part1)):
        found.append(_v("initial_part2_without_part1", "kind", "初回面接①がありません", "② without ①", "§5.2"))
    if contact.kind == ContactKind.INITIAL_PART1 and contact.date != programme.exam_date:
        found.append(
            _v("initial_part1_not_on_exam_day", "date", "初回面接①は健診当日のみ", "① only on the exam day", "§5.2")
        )
    return found


def _order(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    if contact.kind in INITIAL_KINDS:
        return []
    start = initial_start(programme.contacts)
    if start is None or contact.date < start.date:
        return [
            _v(
                "contact_before_initial",
                "date",
                "初回面接より前の支援です",
                "Contact before the initial interview",
                "§5.2",
            )
        ]
    done_on = initial_completed_on(programme.contacts)
    if contact.kind == ContactKind.FINAL and (done_on is None or contact.date < done_on):
        return [
            _v(
                "final_before_initial_completed",
                "date",
                "初回面接(②まで)の完了前に実績評価はできません",
                "Final evaluation before the initial interview is complete",
                "§5.4",
            )
        ]
    return []


def _final(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    if contact.kind != ContactKind.FINAL:
        return []
    found = []
    start = initial_start(programme.contacts)
    if start is not None and contact.date < (earliest := final_evaluation_earliest(start.date)):
        found.append(
            _v(
                "final_before_three_months",
                "date",
                f"実績評価は初回面接から3か月後({earliest})以降です",
                f"The final evaluation may be held from {earliest}, 3 months after the initial interview",
                "§5.3",
            )
        )
    for name, value in (("weight_kg", contact.weight_kg), ("waist_cm", contact.waist_cm)):
        if value is None:
            found.append(
                _v("final_requires_measurements", name, "実績評価には腹囲・体重が必須です", f"{name} required", "§5.3")
            )
    if contact.measurements_self_declared:
        found.append(
            _v(
                "final_measurements_self_declared",
                "measurements_self_declared",
                "腹囲・体重は実測または客観的な方法で取得してください(自己申告のみは不可)",
                "Waist and weight must be measured or sent objectively, not only self-declared",
                "§5.3",
            )
        )
    unknown = sorted(contact.behaviour_changes - set(BehaviourCategory.values))
    if unknown:
        found.append(
            _v(
                "behaviour_category_unknown",
                "behaviour_changes",
                f"不明な区分: {unknown}",
                f"Unknown categories {unknown}",
                "§5.5",
            )
        )
    return found


def _support(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    """Continuous support and interim evaluation: accepted, but some earn nothing (SPEC §5.2, §5.5)."""
    if contact.kind not in SUPPORT_KINDS:
        return []
    if contact.automated:
        return [
            _warn(
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
            _warn(
                "email_without_guidance_content",
                "has_guidance_content",
                "指導内容なし: 0ポイント",
                "No guidance content: accepted, earns 0 points",
                "§5.5",
            )
        ]
    if contact.minutes is None:
        return [_v("minutes_required", "minutes", "支援時間(分)を入力してください", "Minutes are required", "§5.5")]
    minimum = TIMED_CONTACT_POINTS[form][0]
    if contact.minutes < minimum:
        return [
            _warn(
                "minimum_minutes",
                "minutes",
                f"{minimum}分未満のため0ポイント(記録は可能)",
                f"Below the {minimum} min minimum: recorded, but earns 0 points",
                "§5.5",
            )
        ]
    return []


def _v(rule: str, field: str, ja: str, en: str, section: str) -> RuleViolation:
    return RuleViolation(rule, field, ja, en, f"SPEC {section}")


def _warn(rule: str, field: str, ja: str, en: str, section: str) -> RuleViolation:
    return RuleViolation(rule, field, ja, en, f"SPEC {section}", blocking=False)
