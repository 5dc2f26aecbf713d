"""Points of 積極的支援 (SPEC §5.5): outcome (アウトカム評価) and process (プロセス評価), a line per rule.

Every line carries its points, the contact it came from and a reason in Japanese and English (SPEC §5.7), both
rendered from one gettext template (`point_line`, English in locale/en).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from guidance.behaviour import BEHAVIOUR_SUSTAINED_MONTHS, counts_from, first_per_category, sustained
from guidance.codes import BehaviourCategory, ContactForm, code_name
from guidance.contacts import SUPPORT_KINDS, ContactFacts, ProgrammeFacts, by_date
from infra.i18n import Message, bilingual, message

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


def point_line(rule: str, points: int, contact_index: int | None, text: Message, spec: str = SPEC_OUTCOME) -> PointLine:
    """A line whose detail is one gettext message, in Japanese and English."""
    detail_ja, detail_en = bilingual(text)
    return PointLine(rule, points, contact_index, detail_ja, detail_en, spec)


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
        text = _("健診時または実績評価時の腹囲・体重がないため、腹囲・体重の評価はできません。")
        return [point_line("outcome_measurements_missing", 0, index, text)]
    weight_loss, waist_loss = exam_weight - final_weight, exam_waist - final_waist
    proportional = exam_weight * PROPORTIONAL_FACTOR  # not rounded: 60.0 kg → 1.440 (SPEC §5.5)
    facts = message(
        _("体重 %(weight)s kg・腹囲 %(waist)s cm 減少(健診時体重 %(exam)s kg)"),
        weight=weight_loss,
        waist=waist_loss,
        exam=exam_weight,
    )
    if waist_loss >= MAIN_TARGET_WAIST_CM and weight_loss >= MAIN_TARGET_WEIGHT_KG:
        text = message(_("腹囲2.0cm以上かつ体重2.0kg以上減少: %(facts)s"), facts=facts)
        return [point_line("outcome_2cm_2kg", MAIN_TARGET_POINTS, index, text)]
    if weight_loss >= proportional and waist_loss >= proportional:
        text = message(
            _("体重・腹囲とも健診時体重×0.024 = %(proportional)s 以上減少: %(facts)s"),
            proportional=proportional,
            facts=facts,
        )
        return [point_line("outcome_weight_0024", MAIN_TARGET_POINTS, index, text)]
    if waist_loss >= MINOR_TARGET_WAIST_CM and weight_loss >= MINOR_TARGET_WEIGHT_KG:
        text = message(_("腹囲1.0cm以上かつ体重1.0kg以上減少: %(facts)s"), facts=facts)
        return [point_line("outcome_1cm_1kg", MINOR_TARGET_POINTS, index, text)]
    text = message(_("腹囲・体重の目標に達していません: %(facts)s"), facts=facts)
    return [point_line("outcome_not_met", 0, index, text)]


def _behaviour_lines(index: int, final: ContactFacts) -> list[PointLine]:
    """Each category once (SPEC §5.5), when the behaviour began ≥ 2 whole months before the final evaluation
    (guidance.behaviour); without a start date it earns nothing and the line says why."""
    lines = []
    changes = first_per_category(final.behaviour_changes)
    for category in BehaviourCategory:
        change = changes.get(category.value)
        if change is None:
            continue
        name = code_name(category, category.value)
        months = BEHAVIOUR_SUSTAINED_MONTHS
        if change.since is None:
            text = message(_("%(name)s: 行動変容の開始日がないため0ポイント"), name=name)
            lines.append(point_line("behaviour_no_start_date", 0, index, text))
        elif sustained(change.since, final.date):
            points = BEHAVIOUR_POINTS[category]
            text = message(
                _("%(name)s: %(since)sから%(months)sか月以上継続: %(points)s"),
                name=name,
                since=change.since,
                months=months,
                points=points,
            )
            lines.append(point_line(f"behaviour_{category.value}", points, index, text))
        else:
            text = message(
                _("%(name)s: %(since)sからの継続が%(months)sか月未満(%(earliest)s以降の実績評価で算定)のため0ポイント"),
                name=name,
                since=change.since,
                months=months,
                earliest=counts_from(change.since),
            )
            lines.append(point_line("behaviour_not_sustained", 0, index, text))
    return lines


def early_interview_line(programme: ProgrammeFacts, index: int, start: ContactFacts) -> PointLine:
    """Bonus for an initial interview (or ①) soon after the exam (SPEC §5.5, OID .24070)."""
    days = (start.date - programme.exam_date).days
    for first, last, points in EARLY_INTERVIEW_BONUS:
        if first <= days <= last:
            return point_line(
                "early_interview_exam_day" if last == 0 else "early_interview_within_week",
                points,
                index,
                message(_("初回面接が健診日から%(days)s日後: +%(points)s"), days=days, points=points),
                SPEC_PROCESS,
            )
    text = message(_("初回面接が健診日から%(days)s日後のため早期実施加算なし"), days=days)
    return point_line("early_interview_none", 0, index, text, SPEC_PROCESS)


def process_lines(programme: ProgrammeFacts, *, period_start: dt.date, period_end: dt.date | None) -> list[PointLine]:
    """Process points of the support contacts held within [period_start, period_end] (SPEC §5.5)."""
    lines = []
    for index, contact in by_date(programme.contacts):
        if contact.kind not in SUPPORT_KINDS:
            lines.append(_line("no_contact_points", 0, index, _NO_CONTACT_POINTS))
        elif contact.date < period_start or (period_end is not None and contact.date > period_end):
            lines.append(_line("process_outside_period", 0, index, _OUTSIDE_PERIOD))
        else:
            lines.append(_support_line(index, contact))
    return lines


_NO_CONTACT_POINTS = _("初回面接・実績評価は支援ポイントの対象外(早期実施加算を除く)")
_OUTSIDE_PERIOD = _("初回面接前、評価に用いた実績評価の後、または途中終了後の支援のため0ポイント")


def _line(rule: str, points: int, index: int, text: Message) -> PointLine:
    return point_line(rule, points, index, text, SPEC_PROCESS)


def _support_line(index: int, contact: ContactFacts) -> PointLine:
    form = ContactForm(contact.form)
    if contact.automated:
        return _line("process_automated", 0, index, _("自動応答・AI生成による支援は0ポイント"))
    if form == ContactForm.EMAIL_CHAT:
        if not contact.has_guidance_content:
            return _line("process_email_no_content", 0, index, _("実践的な指導内容のないメール・チャットは0ポイント"))
        text = message(_("電子メール・チャット等 1往復: %(points)s"), points=EMAIL_ROUND_TRIP_POINTS)
        return _line("process_email", EMAIL_ROUND_TRIP_POINTS, index, text)
    minimum, points = TIMED_CONTACT_POINTS[form]
    minutes = contact.minutes or 0
    if minutes < minimum:
        # Accepted but worthless: staff may record a short call, it just does not score (SPEC §5.5 ◆).
        text = message(
            _("%(form)s %(minutes)s分(最低%(minimum)s分未満)のため0ポイント"),
            form=code_name(form, form.name.lower()),
            minutes=minutes,
            minimum=minimum,
        )
        return _line("process_below_minimum", 0, index, text)
    group = "group" if form in (ContactForm.GROUP_IN_PERSON, ContactForm.GROUP_REMOTE) else "individual"
    rule = "process_telephone" if form == ContactForm.TELEPHONE else f"process_{group}"
    text = message(
        _("%(form)s %(minutes)s分: %(points)s"), form=code_name(form, form.name.lower()), minutes=minutes, points=points
    )
    return _line(rule, points, index, text)
