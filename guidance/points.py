"""Points of 積極的支援 (SPEC §5.5): outcome (アウトカム評価) and process (プロセス評価), a line per rule.

Every line carries its points, the contact it came from and a reason in Japanese and English (SPEC §5.7).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from guidance.behaviour import BEHAVIOUR_SUSTAINED_MONTHS, counts_from, first_per_category, sustained
from guidance.codes import BehaviourCategory, ContactForm, ja_name
from guidance.contacts import SUPPORT_KINDS, ContactFacts, ProgrammeFacts, by_date

COMPLETION_POINTS = 180  # SPEC §5.5: outcome + process ≥ 180 completes 積極的支援
MAIN_TARGET_POINTS = 180  # SPEC §5.5: waist 2.0 cm and weight 2.0 kg, or the 0.024 rule
MAIN_TARGET_WAIST_CM = Decimal("2.0")  # SPEC §5.5
MAIN_TARGET_WEIGHT_KG = Decimal("2.0")  # SPEC §5.5
PROPORTIONAL_FACTOR = Decimal("0.024")  # SPEC §5.5: exam weight × 0.024 kg and the same number in cm
MINOR_TARGET_POINTS = 20  # SPEC §5.5: waist 1.0 cm and weight 1.0 kg, only when the 180 row is not met
MINOR_TARGET_WAIST_CM = Decimal("1.0")  # SPEC §5.5
MINOR_TARGET_WEIGHT_KG = Decimal("1.0")  # SPEC §5.5
BEHAVIOUR_POINTS: dict[BehaviourCategory, int] = {  # SPEC §5.5, each category once
    BehaviourCategory.DIET: 20,
    BehaviourCategory.EXERCISE: 20,
    BehaviourCategory.SMOKING: 30,  # SPEC §5.5 ◆
    BehaviourCategory.REST: 20,
    BehaviourCategory.OTHER: 20,
}
# SPEC §5.5 ◆ process table: form → (minimum minutes, points); remote equals face-to-face (SPEC §5.2)
TIMED_CONTACT_POINTS: dict[ContactForm, tuple[int, int]] = {
    ContactForm.INDIVIDUAL_IN_PERSON: (10, 70),
    ContactForm.INDIVIDUAL_REMOTE: (10, 70),
    ContactForm.GROUP_IN_PERSON: (40, 70),
    ContactForm.GROUP_REMOTE: (40, 70),
    ContactForm.TELEPHONE: (5, 30),
}
EMAIL_ROUND_TRIP_POINTS = 30  # SPEC §5.5: one round trip with real guidance content
# SPEC §5.5 early-interview bonus: (first day, last day after the exam, points); day 0 = the exam day
EARLY_INTERVIEW_BONUS: tuple[tuple[int, int, int], ...] = ((0, 0, 20), (1, 7, 10))
SPEC_OUTCOME = "SPEC §5.5 outcome"
SPEC_PROCESS = "SPEC §5.5 process"


@dataclass(frozen=True)
class PointLine:
    """One applied rule with its points (SPEC §5.7)."""

    rule: str
    points: int
    contact_index: int | None
    detail_ja: str
    detail_en: str
    spec: str = SPEC_OUTCOME


def main_target_threshold(exam_weight_kg: Decimal) -> Decimal:
    """The smaller change (kg and cm alike) that earns 180: 2.0 or exam weight × 0.024, unrounded (SPEC §5.5)."""
    return min(MAIN_TARGET_WEIGHT_KG, exam_weight_kg * PROPORTIONAL_FACTOR)


def outcome_lines(programme: ProgrammeFacts, index: int, final: ContactFacts) -> list[PointLine]:
    """Outcome points at the final evaluation `final` (SPEC §5.5); change = exam-day value − final value."""
    return _measurement_lines(programme, index, final) + _behaviour_lines(index, final)


def _measurement_lines(programme: ProgrammeFacts, index: int, final: ContactFacts) -> list[PointLine]:
    exam_weight, exam_waist = programme.exam_weight_kg, programme.exam_waist_cm
    final_weight, final_waist = final.weight_kg, final.waist_cm
    if exam_weight is None or exam_waist is None or final_weight is None or final_waist is None:
        return [
            PointLine(
                "outcome_measurements_missing",
                0,
                index,
                "健診時または実績評価時の腹囲・体重がないため、腹囲・体重の評価はできません。",
                "Waist or weight is missing at the exam or the final evaluation; no waist/weight outcome.",
            )
        ]
    weight_loss, waist_loss = exam_weight - final_weight, exam_waist - final_waist
    proportional = exam_weight * PROPORTIONAL_FACTOR  # not rounded: 60.0 kg → 1.440 (SPEC §5.5)
    facts_ja = f"体重 {weight_loss} kg・腹囲 {waist_loss} cm 減少(健診時体重 {exam_weight} kg)"
    facts_en = f"weight −{weight_loss} kg, waist −{waist_loss} cm (exam weight {exam_weight} kg)"
    if waist_loss >= MAIN_TARGET_WAIST_CM and weight_loss >= MAIN_TARGET_WEIGHT_KG:
        return [
            PointLine(
                "outcome_2cm_2kg",
                MAIN_TARGET_POINTS,
                index,
                f"腹囲2.0cm以上かつ体重2.0kg以上減少: {facts_ja}",
                f"Waist ≥ 2.0 cm and weight ≥ 2.0 kg: {facts_en}",
            )
        ]
    if weight_loss >= proportional and waist_loss >= proportional:
        return [
            PointLine(
                "outcome_weight_0024",
                MAIN_TARGET_POINTS,
                index,
                f"体重・腹囲とも健診時体重×0.024 = {proportional} 以上減少: {facts_ja}",
                f"Weight and waist both ≥ exam weight × 0.024 = {proportional}: {facts_en}",
            )
        ]
    if waist_loss >= MINOR_TARGET_WAIST_CM and weight_loss >= MINOR_TARGET_WEIGHT_KG:
        return [
            PointLine(
                "outcome_1cm_1kg",
                MINOR_TARGET_POINTS,
                index,
                f"腹囲1.0cm以上かつ体重1.0kg以上減少: {facts_ja}",
                f"Waist ≥ 1.0 cm and weight ≥ 1.0 kg: {facts_en}",
            )
        ]
    return [
        PointLine(
            "outcome_not_met",
            0,
            index,
            f"腹囲・体重の目標に達していません: {facts_ja}",
            f"No waist/weight target met: {facts_en}",
        )
    ]


def _behaviour_lines(index: int, final: ContactFacts) -> list[PointLine]:
    """Each category once (SPEC §5.5), when the behaviour began ≥ 2 whole months before the final evaluation
    (guidance.behaviour); without a start date it earns nothing and the line says why."""
    lines = []
    changes = first_per_category(final.behaviour_changes)
    for category in BehaviourCategory:
        change = changes.get(category.value)
        if change is None:
            continue
        name = ja_name(category)
        if change.since is None:
            lines.append(
                PointLine(
                    "behaviour_no_start_date",
                    0,
                    index,
                    f"{name}: 行動変容の開始日がないため0ポイント",
                    f"{category.value} improvement sent without the date it began: 0 points",
                )
            )
        elif sustained(change.since, final.date):
            points = BEHAVIOUR_POINTS[category]
            lines.append(
                PointLine(
                    f"behaviour_{category.value}",
                    points,
                    index,
                    f"{name}: {change.since}から{BEHAVIOUR_SUSTAINED_MONTHS}か月以上継続: {points}",
                    f"{category.value} improvement kept since {change.since} "
                    f"(≥ {BEHAVIOUR_SUSTAINED_MONTHS} whole months): {points}",
                )
            )
        else:
            earliest = counts_from(change.since)
            lines.append(
                PointLine(
                    "behaviour_not_sustained",
                    0,
                    index,
                    f"{name}: {change.since}からの継続が{BEHAVIOUR_SUSTAINED_MONTHS}か月未満"
                    f"({earliest}以降の実績評価で算定)のため0ポイント",
                    f"{category.value} improvement since {change.since}, kept less than "
                    f"{BEHAVIOUR_SUSTAINED_MONTHS} whole months (counts from {earliest}): 0 points",
                )
            )
    return lines


def early_interview_line(programme: ProgrammeFacts, index: int, start: ContactFacts) -> PointLine:
    """Bonus for an initial interview (or ①) soon after the exam (SPEC §5.5, OID .24070)."""
    days = (start.date - programme.exam_date).days
    for first, last, points in EARLY_INTERVIEW_BONUS:
        if first <= days <= last:
            return PointLine(
                "early_interview_exam_day" if last == 0 else "early_interview_within_week",
                points,
                index,
                f"初回面接が健診日から{days}日後: +{points}",
                f"Initial interview {days} days after the exam: +{points}",
                SPEC_PROCESS,
            )
    return PointLine(
        "early_interview_none",
        0,
        index,
        f"初回面接が健診日から{days}日後のため早期実施加算なし",
        f"Initial interview {days} days after the exam: no early bonus",
        SPEC_PROCESS,
    )


def process_lines(programme: ProgrammeFacts, *, period_start: dt.date, period_end: dt.date | None) -> list[PointLine]:
    """Process points of the support contacts held within [period_start, period_end] (SPEC §5.5)."""
    lines = []
    for index, contact in by_date(programme.contacts):
        if contact.kind not in SUPPORT_KINDS:
            lines.append(_line("no_contact_points", 0, index, *_NO_CONTACT_POINTS))
        elif contact.date < period_start or (period_end is not None and contact.date > period_end):
            lines.append(_line("process_outside_period", 0, index, *_OUTSIDE_PERIOD))
        else:
            lines.append(_support_line(index, contact))
    return lines


_NO_CONTACT_POINTS = (
    "初回面接・実績評価は支援ポイントの対象外(早期実施加算を除く)",
    "The initial interview and final evaluation earn no contact points (apart from the early bonus)",
)
_OUTSIDE_PERIOD = (
    "初回面接前、評価に用いた実績評価の後、または途中終了後の支援のため0ポイント",
    "Held before the initial interview, after the final evaluation used, or after dropout: 0 points",
)


def _line(rule: str, points: int, index: int, ja: str, en: str) -> PointLine:
    return PointLine(rule, points, index, ja, en, SPEC_PROCESS)


def _support_line(index: int, contact: ContactFacts) -> PointLine:
    form = ContactForm(contact.form)
    if contact.automated:
        return _line(
            "process_automated",
            0,
            index,
            "自動応答・AI生成による支援は0ポイント",
            "Automated contact: 0 points",
        )
    if form == ContactForm.EMAIL_CHAT:
        if not contact.has_guidance_content:
            return _line(
                "process_email_no_content",
                0,
                index,
                "実践的な指導内容のないメール・チャットは0ポイント",
                "Email/chat without real guidance content: 0 points",
            )
        return _line(
            "process_email",
            EMAIL_ROUND_TRIP_POINTS,
            index,
            f"電子メール・チャット等 1往復: {EMAIL_ROUND_TRIP_POINTS}",
            f"Email/chat round trip: {EMAIL_ROUND_TRIP_POINTS}",
        )
    minimum, points = TIMED_CONTACT_POINTS[form]
    minutes = contact.minutes or 0
    if minutes < minimum:
        # Accepted but worthless: staff may record a short call, it just does not score (SPEC §5.5 ◆).
        return _line(
            "process_below_minimum",
            0,
            index,
            f"{ja_name(form)} {minutes}分(最低{minimum}分未満)のため0ポイント",
            f"{form.name.lower()} {minutes} min, below the {minimum} min minimum: 0 points",
        )
    group = "group" if form in (ContactForm.GROUP_IN_PERSON, ContactForm.GROUP_REMOTE) else "individual"
    rule = "process_telephone" if form == ContactForm.TELEPHONE else f"process_{group}"
    return _line(
        rule,
        points,
        index,
        f"{ja_name(form)} {minutes}分: {points}",
        f"{form.name.lower()} {minutes} min: {points}",
    )
