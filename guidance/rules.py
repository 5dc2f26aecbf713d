"""Rules engine of 特定保健指導 (SPEC §5): checks on a new contact, and the public API of the package.

`validate_contact` refuses what the rules forbid (blocking violations) and warns about contacts that are
accepted but earn nothing (non-blocking): a short contact is still a contact the staff must be able to record.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from guidance.action_plan import RULE_NO_GOAL, RULE_NO_SUPPORT_PLAN, action_plan_problems
from guidance.behaviour import counts_from, first_per_category
from guidance.codes import BehaviourCategory, ContactForm, ContactKind, ProgrammeLevel
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
from guidance.initial_interview import (
    GROUP_FORMS,
    GROUP_INITIAL_MAX_PEOPLE,
    InterviewPart,
    group_too_large,
    initial_minutes_short,
)
from guidance.measurements import CONTACT_MEASUREMENT_RANGES, out_of_range
from guidance.points import TIMED_CONTACT_POINTS, PointLine
from infra.i18n import Message, bilingual, message

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
    value: Any = None  # what was sent, shown in the error envelope

    @classmethod
    def of(cls, rule: str, field: str, text: Message, section: str, *, value: Any = None, blocking: bool = True):
        """A violation whose message is one gettext message, rendered in Japanese and English (infra.i18n)."""
        ja, en = bilingual(text)
        return cls(rule, field, ja, en, f"SPEC {section}", blocking, _plain(value))


def _plain(value: Any) -> Any:
    """A value as JSON carries it (Decimal and dates as text)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def blocking(violations: list[RuleViolation]) -> list[RuleViolation]:
    """The violations that refuse the contact."""
    return [v for v in violations if v.blocking]


def validate_contact(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    """Check `contact` before adding it to `programme` (whose `contacts` are those already recorded)."""
    checks = (
        _programme_open,
        _duplicate,
        _dates,
        _measurements,
        _initial,
        _initial_minimum,
        _action_plan,
        _order,
        _final,
        _support,
    )
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
    unknown = sorted(contact.categories - set(BehaviourCategory.values))
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
    return found + _behaviour_dates(programme, contact)


def _behaviour_dates(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    """The start date of each changed behaviour (SPEC §5.5 ◆): between the exam and the final evaluation; without
    one, or kept less than 2 whole months, the change is recorded but earns nothing (a warning says why)."""
    found = []
    for position, change in enumerate(contact.behaviour_changes):
        field = f"behaviour_changes[{position}].since"
        category = change.category
        if change.since is None:
            found.append(
                RuleViolation.of(
                    "behaviour_without_start_date",
                    f"behaviour_changes[{position}]",
                    message(_("%(category)s: 開始日がないため0ポイントです(記録は可能)"), category=category),
                    "§5.5",
                    value=category,
                    blocking=False,
                )
            )
        elif change.since > contact.date:
            found.append(
                RuleViolation.of(
                    "behaviour_since_after_final",
                    field,
                    message(
                        _("%(category)s: 開始日 %(since)s が実績評価日 %(final)s より後です"),
                        category=category,
                        since=change.since,
                        final=contact.date,
                    ),
                    "§5.5",
                    value=change.since,
                )
            )
        elif change.since < programme.exam_date:
            found.append(
                RuleViolation.of(
                    "behaviour_since_before_exam",
                    field,
                    message(
                        _("%(category)s: 開始日 %(since)s が健診日 %(exam)s より前です"),
                        category=category,
                        since=change.since,
                        exam=programme.exam_date,
                    ),
                    "§5.5",
                    value=change.since,
                )
            )
    for category, change in first_per_category(contact.behaviour_changes).items():
        if change.since is None or not programme.exam_date <= change.since <= contact.date:
            continue
        if contact.date < (earliest := counts_from(change.since)):
            found.append(
                RuleViolation.of(
                    "behaviour_not_sustained",
                    "behaviour_changes",
                    message(
                        _("%(category)s: %(since)s からの継続が2か月未満のため0ポイント(%(earliest)s 以降に算定)"),
                        category=category,
                        since=change.since,
                        earliest=earliest,
                    ),
                    "§5.5",
                    value=change.since,
                    blocking=False,
                )
            )
    return found


def _duplicate(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    """SPEC §5.8: a contact identical to one recorded (same programme, date, kind, form) is refused."""
    if not any(contact.same_contact(recorded) for recorded in programme.contacts):
        return []
    return [
        RuleViolation.of(
            "duplicate_contact",
            "date",
            message(
                _("同じ日付・実施内容・支援形態の支援記録が既にあります(%(date)s)"),
                date=contact.date,
            ),
            "§5.8",
            value=contact.date,
        )
    ]


def _measurements(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    """SPEC §5.8: weight, waist and blood pressure at a contact within the checkup items' plausible ranges."""
    found = []
    for field, (_bounds, unit) in CONTACT_MEASUREMENT_RANGES.items():
        value = getattr(contact, field)
        bounds = out_of_range(field, value)
        if bounds is not None:
            found.append(
                RuleViolation.of(
                    "measurement_out_of_range",
                    field,
                    message(
                        _("%(value)s %(unit)s は範囲外です(%(low)s〜%(high)s %(unit)s)"),
                        value=value,
                        unit=unit,
                        low=bounds[0],
                        high=bounds[1],
                    ),
                    "§5.8",
                    value=value,
                )
            )
    return found


def _initial_minimum(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    """SPEC §5.2 ◆: initial interview ≥ 20 min individual, ≥ 80 min group with ≤ 8 people; ① + ② together."""
    if contact.kind not in INITIAL_KINDS or ContactForm(contact.form) in FORBIDDEN_INITIAL_FORMS:
        return []
    found = []
    if ContactForm(contact.form) in GROUP_FORMS:
        if contact.participants is None:
            found.append(
                RuleViolation.of(
                    "group_participants_required",
                    "participants",
                    _("グループ支援の初回面接は参加人数を入力してください"),
                    "§5.2",
                )
            )
        elif contact.participants < 1:
            found.append(
                RuleViolation.of(
                    "participants_invalid",
                    "participants",
                    message(_("参加人数 %(sent)s は不正です"), sent=contact.participants),
                    "§5.2",
                    value=contact.participants,
                )
            )
        elif group_too_large(contact.form, contact.participants):
            found.append(
                RuleViolation.of(
                    "initial_group_too_large",
                    "participants",
                    message(
                        _("グループ支援の初回面接は%(max)s人以下です(%(sent)s人)"),
                        max=GROUP_INITIAL_MAX_PEOPLE,
                        sent=contact.participants,
                    ),
                    "§5.2",
                    value=contact.participants,
                )
            )
    if contact.minutes is None:
        return [
            *found,
            RuleViolation.of("minutes_required", "minutes", _("初回面接の実施時間(分)を入力してください"), "§5.2"),
        ]
    if contact.kind == ContactKind.INITIAL_PART1:
        return found  # ① alone may be short: ① + ② together meet the minimum, checked when ② is recorded
    parts = [InterviewPart(ContactForm(contact.form), contact.minutes)]
    if contact.kind == ContactKind.INITIAL_PART2:
        parts += [
            InterviewPart(ContactForm(c.form), c.minutes or 0)
            for c in programme.contacts
            if c.kind == ContactKind.INITIAL_PART1
        ]
    short = initial_minutes_short(parts)
    if short is not None:
        held, minimum = short
        text = (
            message(_("初回面接①と②の合計%(held)s分は最低%(minimum)s分に足りません"), held=held, minimum=minimum)
            if contact.kind == ContactKind.INITIAL_PART2
            else message(_("初回面接%(held)s分は最低%(minimum)s分に足りません"), held=held, minimum=minimum)
        )
        found.append(RuleViolation.of("initial_interview_too_short", "minutes", text, "§5.2", value=contact.minutes))
    return found


def _action_plan(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    """SPEC §5.2: the action plan is set at the initial interview: a goal in words; for 積極的支援 the planned
    support too. An initial interview may come without one (it can follow at ②), but then cannot complete."""
    if contact.action_plan is None:
        return []
    if contact.kind not in INITIAL_KINDS:
        return [
            RuleViolation.of(
                "action_plan_not_at_initial",
                "action_plan",
                _("行動計画は初回面接で設定します"),
                "§5.2",
            )
        ]
    texts = {
        RULE_NO_GOAL: ("action_plan.goals", _("行動目標を1つ以上、言葉で入力してください")),
        RULE_NO_SUPPORT_PLAN: ("action_plan.support_plan", _("積極的支援では支援計画(予定する支援)を入力してください")),
    }
    return [
        RuleViolation.of(rule, texts[rule][0], texts[rule][1], "§5.2")
        for rule in action_plan_problems(contact.action_plan, ProgrammeLevel(programme.level))
    ]


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
