"""Write paths of 特定保健指導: programme creation from checkups, contacts, drop-out, exclusion, assignment.

Every write re-runs the pure rules (`guidance.rules.evaluate`) and stores the result on the programme, so lists and
rates read stored values. Edits by people (contacts, drop-out, goals…) claim the programme's `version` first
(`UPDATE … WHERE version = expected`): of two staff editing the same programme, the second gets a conflict
instead of silently overwriting the first.
"""

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from checkups.models import Checkup
from checkups.questionnaire import questions_for
from infra.bulk import insert_rows
from infra.i18n import message
from members.actors import Actor, ActorKind
from members.age_basis import is_target_age_basis, target_age_basis_q
from members.models import GuidanceProvider, InsuredPerson, StaffMembership

from .action_plan import ActionPlan
from .behaviour import behaviour_changes
from .checkup_corrections import checkup_correct_item
from .codes import (
    ContactForm,
    ContactKind,
    DropoutReason,
    ExclusionCause,
    LevelDecision,
    Medication,
    MedicationRecheck,
    ProgrammeLevel,
    ProgrammeStatus,
)
from .completion import OPEN_STATUSES
from .contacts import INITIAL_KINDS
from .facts import EVALUATION_FIELDS, contact_facts, evaluation_fields, facts_of, programme_facts
from .levels import LEVEL_FROM_CHECKUP, pending_level_change, pending_level_loss
from .levels import desired_level as _desired_level
from .models import Contact, LevelDecisionRecord, MedicationRecheckRecord, Programme
from .recheck import MEDICATION_YES, RECHECK_EFFECTS, RECHECK_ITEMS
from .rules import RuleViolation, blocking, evaluate, validate_contact

SYNC_CHUNK = 2000  # checkup ids per round trip: well below SQLite's bound-parameter limit
# What the rules read of a programme and its checkup (SPEC §5.5: exam-day weight and waist), and what they write
REFRESH_READS = (
    "level",
    "dropped_out_on",
    "dropout_reason",
    "excluded_cause",
    "behaviour_goals",
    "support_plan",
    "level_decided_for",
    *EVALUATION_FIELDS,
    "updated_at",
    "checkup__exam_date",
    "checkup__weight_kg",
    "checkup__waist_cm",
    "checkup__guidance_level",
    "checkup__consecutive_intensive_eligible",
)
CLOSED_STATUSES = frozenset({ProgrammeStatus.COMPLETED, ProgrammeStatus.DROPPED_OUT, ProgrammeStatus.EXCLUDED})


class GuidanceRefused(Exception):
    """A write the rules refuse; carries the violations (rule, field, message_ja, message_en)."""

    def __init__(self, violations: list[RuleViolation]) -> None:
        super().__init__("; ".join(f"{v.rule}: {v.message_en}" for v in violations))
        self.violations = violations


class ContactRefused(GuidanceRefused):
    """A contact refused by `guidance.rules.validate_contact`."""


class ProgrammeVersionConflict(Exception):
    """Someone else changed the programme since it was read (optimistic locking)."""


def _refuse(rule: str, field: str, ja: str, en: str, section: str) -> RuleViolation:
    return RuleViolation(rule, field, ja, en, f"SPEC {section}")


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _chunks(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    iterator = iter(ids)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


# ---------------------------------------------------------------- programmes from checkups (SPEC §5.1)


def _eligible(checkup_ids: list[int]) -> QuerySet:
    """Checkups that make a programme: guidance level 1 or 2, no medication exception, of target age (age basis
    40–74, or 75 when born on April 1: `members.age_basis`), the record counted for its fiscal year (SPEC §1.3,
    §2.5, §5.1)."""
    return Checkup.objects.filter(
        target_age_basis_q("age_at_fy_end", "person__birth_date"),
        pk__in=checkup_ids,
        guidance_level__in=list(LEVEL_FROM_CHECKUP),
        medication_excluded=False,
        counts_for_fiscal_year=True,
    )


def checkup_makes_programme(
    *, level: int | None, medication_excluded: bool, age_at_fy_end: int, birth_date: dt.date, counted: bool
) -> bool:
    """`_eligible` for one checkup's values (the bulk restratification decides in Python which rows need a sync)."""
    return (
        level in LEVEL_FROM_CHECKUP
        and not medication_excluded
        and is_target_age_basis(age_at_fy_end, birth_date)
        and counted
    )


def programmes_sync_for_checkups(*, checkup_ids: Iterable[int], today: dt.date | None = None) -> int:
    """Create, re-level or remove not-started programmes for these (re)stratified checkups; returns how many were
    created. Set-based: a handful of queries per 2,000 checkups, none per person; safe to run twice."""
    today = _today(today)
    created = 0
    evaluations: dict[tuple[Any, ...], dict[str, Any]] = {}  # new programmes' evaluations (`_new_programme_values`)
    for chunk in _chunks(checkup_ids, SYNC_CHUNK):
        with transaction.atomic():
            created += _sync_chunk(chunk, today, evaluations)
    return created


def _sync_chunk(chunk: list[int], today: dt.date, evaluations: dict[tuple[Any, ...], dict[str, Any]]) -> int:
    eligible = {
        row[0]: row
        for row in _eligible(chunk).values_list(
            "pk",
            "person_id",
            "insurer_id",
            "fiscal_year",
            "guidance_level",
            "consecutive_intensive_eligible",
            "exam_date",
            "weight_kg",
            "waist_cm",
        )
    }
    has_contacts = Exists(Contact.objects.filter(programme_id=OuterRef("pk")))
    existing = {
        checkup_id: (pk, level, status == ProgrammeStatus.NOT_STARTED and not started)
        for checkup_id, pk, level, status, started in Programme.objects.filter(checkup_id__in=chunk)
        .annotate(started=has_contacts)
        .values_list("checkup_id", "pk", "level", "status", "started")
    }
    # A not-started programme follows a corrected checkup level; started ones keep theirs (the work is under way).
    relevel: dict[ProgrammeLevel, list[int]] = defaultdict(list)
    gone: list[int] = []
    for checkup_id, (pk, level, not_started) in existing.items():
        if not not_started:
            continue
        if checkup_id not in eligible:
            gone.append(pk)
        elif (wanted := _desired_level(eligible[checkup_id][4], level, eligible[checkup_id][5])) != level:
            relevel[wanted].append(pk)
    for level, pks in relevel.items():
        Programme.objects.filter(pk__in=pks).update(level=level, version=F("version") + 1)
    if gone:
        Programme.objects.filter(pk__in=gone, status=ProgrammeStatus.NOT_STARTED).delete()
    missing = [row for checkup_id, row in eligible.items() if checkup_id not in existing]
    _programmes_insert([_new_programme_values(row, today, evaluations) for row in missing])
    removed = set(gone)
    programmes_refresh(programme_ids=[pk for pk, _, _ in existing.values() if pk not in removed], today=today)
    return len(missing)


def programmes_create_for_new_checkups(
    *, checkups: Iterable[Checkup], today: dt.date | None = None, birth_dates: Mapping[int, dt.date] | None = None
) -> int:
    """The programmes `programmes_sync_for_checkups` would create for checkups inserted in the caller's
    transaction (the bulk import), from the values the caller holds; returns how many were created.

    No programme can point at a checkup that is not committed yet, so the sync's look-ups (eligible checkups,
    existing programmes) and its conflict-tolerant insert are not needed: the eligible ones (SPEC §1.3, §2.5,
    §5.1, as `_eligible`) are written with one COPY, in the sync's order (the checkups' default ordering).
    `birth_dates` (person id → birth date, for the target age) spares the one look-up of the people's.
    """
    today = _today(today)
    checkups = list(checkups)
    if birth_dates is None:
        people = InsuredPerson.objects.filter(pk__in={c.person_id for c in checkups})
        birth_dates = dict(people.values_list("pk", "birth_date"))
    rows = [
        (
            c.pk,
            c.person_id,
            c.insurer_id,
            c.fiscal_year,
            c.guidance_level,
            c.consecutive_intensive_eligible,
            c.exam_date,
            c.weight_kg,
            c.waist_cm,
        )
        for c in sorted(checkups, key=lambda c: (-c.exam_date.toordinal(), c.pk))
        if checkup_makes_programme(
            level=c.guidance_level,
            medication_excluded=c.medication_excluded,
            age_at_fy_end=c.age_at_fy_end,
            birth_date=birth_dates[c.person_id],
            counted=c.counts_for_fiscal_year,
        )
    ]
    evaluations: dict[tuple[Any, ...], dict[str, Any]] = {}
    _programmes_insert([_new_programme_values(row, today, evaluations) for row in rows], fresh=True)
    return len(rows)


def _new_programme_values(
    row: tuple, today: dt.date, evaluations: dict[tuple[Any, ...], dict[str, Any]]
) -> dict[str, Any]:
    """Field values of a new programme. With no contacts yet its evaluation is a function of level, exam date,
    exam weight and waist (and today), so programmes sharing them share one run of the rules."""
    checkup_id, person_id, insurer_id, fiscal_year, checkup_level, _, exam_date, weight, waist = row
    level = LEVEL_FROM_CHECKUP[checkup_level]
    key = (level, exam_date, weight, waist)
    if (fields := evaluations.get(key)) is None:
        facts = programme_facts(
            level=level, exam_date=exam_date, exam_weight_kg=weight, exam_waist_cm=waist, contacts=(), today=today
        )
        fields = evaluations[key] = evaluation_fields(evaluate(facts), [])
    return {
        "checkup_id": checkup_id,
        "person_id": person_id,
        "insurer_id": insurer_id,
        "fiscal_year": fiscal_year,  # the checkup's fiscal year, even if the programme ends in the next (SPEC §5.1)
        "level": level,
        **fields,
    }


def _new_programme(row: tuple, today: dt.date) -> Programme:
    """One new programme as a model instance (the reference the bulk insert is tested against)."""
    return Programme(**_new_programme_values(row, today, {}))


def _programmes_insert(rows: list[dict[str, Any]], *, fresh: bool = False) -> None:
    """Insert new programmes, skipping any whose checkup got one meanwhile (the sync is safe to run twice);
    `fresh`: the checkups were created in this transaction, so no conflict is possible."""
    insert_rows(Programme, rows, fresh=fresh)


def programmes_refresh(*, programme_ids: Iterable[int], today: dt.date | None = None) -> int:
    """Re-evaluate programmes in batches (next actions move with the date: SPEC §5.6 overdue); returns how many
    changed. Rows are locked while evaluated so a concurrent contact is never overwritten by a stale result; the
    version is not bumped because nothing a person entered changes."""
    today = _today(today)
    changed = 0
    for chunk in _chunks(programme_ids, SYNC_CHUNK):
        with transaction.atomic():
            programmes = list(
                Programme.objects.filter(pk__in=chunk)
                .select_for_update(of=("self",))
                .select_related("checkup")
                .only(*REFRESH_READS)
            )
            # One query for the contacts of the whole chunk, grouped here: no queryset per programme
            contacts: dict[int, list[Contact]] = defaultdict(list)
            for contact in Contact.objects.filter(programme_id__in=chunk).order_by("date", "pk"):
                contacts[contact.programme_id].append(contact)
            dirty, now = [], timezone.now()
            for programme in programmes:
                mine = contacts[programme.pk]
                values = evaluation_fields(evaluate(facts_of(programme, mine, today)), [c.pk for c in mine])
                if any(getattr(programme, name) != values[name] for name in EVALUATION_FIELDS):
                    for name, value in values.items():
                        setattr(programme, name, value)
                    programme.updated_at = now
                    dirty.append(programme)
            Programme.objects.bulk_update(dirty, [*EVALUATION_FIELDS, "updated_at"], batch_size=500)
            changed += len(dirty)
    return changed


# ---------------------------------------------------------------- one programme


def _claim(programme: Programme, expected_version: int | None) -> Programme:
    """Take the programme for this edit: bump its version only if nobody else did since it was read."""
    expected = programme.version if expected_version is None else expected_version
    claimed = Programme.objects.filter(pk=programme.pk, version=expected).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if not claimed:
        raise ProgrammeVersionConflict(f"programme {programme.pk} changed since version {expected}")
    return Programme.objects.select_related("checkup").get(pk=programme.pk)


def _store_evaluation(programme: Programme, today: dt.date) -> Programme:
    contacts = list(programme.contacts.order_by("date", "pk"))
    values = evaluation_fields(evaluate(facts_of(programme, contacts, today)), [c.pk for c in contacts])
    for name, value in values.items():
        setattr(programme, name, value)
    programme.save(update_fields=[*EVALUATION_FIELDS, "updated_at"])
    return programme


def _sync_instance(target: Programme, source: Programme) -> None:
    """Let the caller's instance see the stored state (version included) after the edit."""
    for field in Programme._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


@transaction.atomic
def programme_evaluate(*, programme: Programme, today: dt.date | None = None) -> Programme:
    """Run the rules on the programme, its checkup and contacts, and store status, points, lines, next action."""
    fresh = Programme.objects.select_related("checkup").select_for_update(of=("self",)).get(pk=programme.pk)
    _store_evaluation(fresh, _today(today))
    _sync_instance(programme, fresh)
    return programme


def _decimal_or_none(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _contact_from_data(programme: Programme, data: Mapping[str, Any], actor: Actor) -> Contact:
    plan = ActionPlan.of(data.get("action_plan"))
    return Contact(
        programme=programme,
        kind=ContactKind(data["kind"]),
        form=ContactForm(int(data["form"])),
        date=data["date"],
        minutes=data.get("minutes"),
        automated=bool(data.get("automated", False)),
        has_guidance_content=bool(data.get("has_guidance_content", True)),
        weight_kg=_decimal_or_none(data.get("weight_kg")),
        waist_cm=_decimal_or_none(data.get("waist_cm")),
        systolic_mmhg=_decimal_or_none(data.get("systolic_mmhg")),
        diastolic_mmhg=_decimal_or_none(data.get("diastolic_mmhg")),
        participants=data.get("participants"),
        measurements_self_declared=bool(data.get("measurements_self_declared", False)),
        # SPEC §5.5: each changed behaviour with the day it began (a bare category has none and earns nothing)
        behaviour_changes=[change.as_json() for change in behaviour_changes(data.get("behaviour_changes") or ())],
        action_plan=plan.as_json() if plan is not None else {},
        staff_id=actor.user_id if actor.kind in (ActorKind.STAFF, ActorKind.SUPERUSER) else None,
        provider_id=actor.guidance_provider_id if actor.kind == ActorKind.GUIDANCE_PROVIDER else programme.provider_id,
        note=data.get("note", ""),
    )


def contact_check(
    *, programme: Programme, contacts: list[Contact], data: Mapping[str, Any], actor: Actor, today: dt.date
) -> tuple[Contact, list[RuleViolation]]:
    """The contact `data` describes (unsaved) and what the rules say about adding it after `contacts` — the one
    check the API, the admin and the guidance-file import share (SPEC §5.2–§5.8)."""
    contact = _contact_from_data(programme, data, actor)
    return contact, validate_contact(facts_of(programme, contacts, today), contact_facts(contact))


def _store_action_plan(programme: Programme, contact: Contact) -> None:
    """The plan sent with an initial interview becomes the programme's (SPEC §5.2); the contact keeps what was
    sent, so an earlier plan stays visible in its contact."""
    if contact.kind not in INITIAL_KINDS or not contact.action_plan:
        return
    plan = ActionPlan.of(contact.action_plan)
    assert plan is not None
    programme.behaviour_goals, programme.support_plan = list(plan.goals), plan.support_plan
    programme.action_plan_on = contact.date
    programme.save(update_fields=["behaviour_goals", "support_plan", "action_plan_on", "updated_at"])


@transaction.atomic
def contact_add(
    *,
    programme: Programme,
    data: Mapping[str, Any],
    actor: Actor,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> Contact:
    """Record a contact (SPEC §5.2) if the rules accept it, then re-evaluate the programme.

    Raises ContactRefused (blocking violations, nothing stored) or ProgrammeVersionConflict. Non-blocking warnings
    (accepted, earns nothing) are on the returned contact as `rule_warnings`.
    """
    today = _today(today)
    fresh = _claim(programme, expected_version)
    contacts = list(fresh.contacts.order_by("date", "pk"))
    contact, violations = contact_check(programme=fresh, contacts=contacts, data=data, actor=actor, today=today)
    if refused := blocking(violations):
        raise ContactRefused(refused)
    contact.save()
    _store_action_plan(fresh, contact)
    _store_evaluation(fresh, today)
    _sync_instance(programme, fresh)
    contact.rule_warnings = [v for v in violations if not v.blocking]
    return contact


@transaction.atomic
def programme_drop_out(
    *,
    programme: Programme,
    reason: str,
    date: dt.date,
    actor: Actor,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> Programme:
    """途中終了 with its reason (SPEC §5.6); support after `date` no longer counts."""
    today = _today(today)
    fresh = _claim(programme, expected_version)
    problems = _closing_problems(fresh, date, today)
    if reason not in DropoutReason.values:
        problems.append(
            _refuse("dropout_reason_unknown", "reason", "途中終了の理由が不明です", "Unknown reason", "§5.6")
        )
    if problems:
        raise GuidanceRefused(problems)
    fresh.dropped_out_on, fresh.dropout_reason = date, reason
    fresh.save(update_fields=["dropped_out_on", "dropout_reason", "updated_at"])
    _store_evaluation(fresh, today)
    _sync_instance(programme, fresh)
    return programme


@transaction.atomic
def programme_exclude(
    *,
    programme: Programme,
    cause: str,
    date: dt.date,
    actor: Actor,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> Programme:
    """対象外: medication started after the checkup (再確認 .24020 code 2) or after guidance began (.24030);
    the programme leaves the guidance denominator (SPEC §5.6)."""
    today = _today(today)
    fresh = _claim(programme, expected_version)
    problems = _closing_problems(fresh, date, today)
    if cause not in ExclusionCause.values:
        problems.append(_refuse("exclusion_cause_unknown", "cause", "対象外の理由が不明です", "Unknown cause", "§5.6"))
    elif cause == ExclusionCause.MEDICATION_AT_CHECKUP:
        problems.append(
            RuleViolation.of(
                "exclusion_needs_recheck",
                "cause",
                _("健診時の服薬中(再確認コード1)は保険者再確認として記録してください(健診結果を再判定します)"),
                "§5.6",
                value=cause,
            )
        )
    elif cause == ExclusionCause.MEDICATION_AFTER_GUIDANCE_START and (
        fresh.initial_on is None or date < fresh.initial_on
    ):
        problems.append(
            _refuse(
                "exclusion_before_guidance",
                "cause",
                "保健指導開始前の服薬開始は「健診後に服薬開始」です",
                "Medication before guidance began is 'after the checkup'",
                "§5.6",
            )
        )
    if problems:
        raise GuidanceRefused(problems)
    _set_excluded(fresh, cause, date, today)
    _sync_instance(programme, fresh)
    return programme


def _set_excluded(programme: Programme, cause: str, date: dt.date, today: dt.date) -> None:
    programme.excluded_cause, programme.excluded_on = cause, date
    programme.save(update_fields=["excluded_cause", "excluded_on", "updated_at"])
    _store_evaluation(programme, today)


@transaction.atomic
def programme_record_medication_recheck(
    *,
    programme: Programme,
    code: int,
    medication: str,
    date: dt.date,
    actor: Actor,
    user: Any,
    note: str = "",
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> MedicationRecheckRecord:
    """保険者再確認 of medication (再確認コード OID .24020, SPEC §5.6), recorded by insurer staff.

    Code 1: the checkup's answer to the medication question becomes はい and its 保険者再確認 item 1, both through
    the checkup correction (kept in its history), and the checkup is re-judged (SPEC §2.5a: 情報提供, 服薬中),
    so it leaves the guidance targets; the programme is kept as 対象外 (cause 健診時服薬中) before the correction,
    so its contacts stay. Code 2: the 保険者再確認 item becomes 2 and the programme 対象外 (健診後に服薬開始).
    """
    today = _today(today)
    fresh = _claim(programme, expected_version)
    problems = _closing_problems(fresh, date, today)
    effect = RECHECK_EFFECTS.get(code) if code in MedicationRecheck.values else None
    if effect is None:
        problems.append(
            RuleViolation.of(
                "recheck_code_unknown",
                "code",
                message(_("再確認コード %(code)s は 1 または 2 です"), code=code),
                "§5.6",
                value=code,
            )
        )
    if medication not in Medication.values:
        problems.append(
            RuleViolation.of(
                "recheck_medication_unknown",
                "medication",
                message(_("服薬の種類 %(value)s は blood_pressure・glucose・lipids のいずれかです"), value=medication),
                "§5.6",
                value=medication,
            )
        )
    if user is None:  # the checkup's correction history names a person (checkups.CheckupCorrection)
        problems.append(
            RuleViolation.of(
                "recheck_requires_staff_user",
                "actor",
                _("保険者再確認は保険者の職員(ログインした利用者)が記録します"),
                "§5.6",
            )
        )
    if problems:
        raise GuidanceRefused(problems)
    assert effect is not None
    checkup = fresh.checkup
    record = MedicationRecheckRecord.objects.create(
        programme=fresh,
        checkup=checkup,
        code=code,
        medication=medication,
        confirmed_on=date,
        note=note,
        recorded_by=user,
        recorded_by_label=actor.label[:60],
    )
    _set_excluded(fresh, effect.exclusion_cause, date, today)
    column, recheck_item = RECHECK_ITEMS[Medication(medication)]
    reason = f"保険者再確認 コード{code} ({date:%Y-%m-%d})"
    if effect.corrects_checkup:
        question = next(q for q in questions_for(checkup.fiscal_year) if q.field == column)
        checkup = checkup_correct_item(
            checkup=checkup, item_code=question.item_code, value=MEDICATION_YES, reason=reason, user=user
        )
    checkup_correct_item(checkup=checkup, item_code=recheck_item, value=str(code), reason=reason, user=user)
    fresh.refresh_from_db()
    _sync_instance(programme, fresh)
    return record


def programme_pending_level(programme: Programme) -> ProgrammeLevel | None:
    """The level the programme's (corrected) checkup now gives it, awaiting a staff decision (SPEC §5.6)."""
    checkup = programme.checkup
    return pending_level_change(
        current=programme.level,
        checkup_level=checkup.guidance_level,
        equivalent_allowed=checkup.consecutive_intensive_eligible,
        started=programme.contacts.exists(),
        decided_for=programme.level_decided_for,
    )


@transaction.atomic
def programme_decide_level(
    *,
    programme: Programme,
    decision: str,
    actor: Actor,
    user: Any = None,
    note: str = "",
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> LevelDecisionRecord:
    """Staff decide on a level change of a started programme (SPEC §5.6): keep its level, or switch to the one the
    corrected checkup gives; the contacts are kept either way and the decision is recorded."""
    fresh = _claim(programme, expected_version)
    offered = programme_pending_level(fresh)
    # the corrected checkup gives no level at all: staff keep the programme (or end it by a drop-out)
    lost = offered is None and pending_level_loss(
        checkup_level=fresh.checkup.guidance_level,
        started=fresh.contacts.exists(),
        decided_for=fresh.level_decided_for,
    )
    problems = []
    if offered is None and not lost:
        problems.append(
            RuleViolation.of("no_level_change", "decision", _("判断が必要な保健指導区分の変更はありません"), "§5.6")
        )
    if lost and decision == LevelDecision.SWITCH:
        problems.append(
            RuleViolation.of(
                "no_level_to_switch_to",
                "decision",
                _("修正後の健診結果には保健指導区分がありません。継続するか、途中終了を記録してください"),
                "§5.6",
                value=decision,
            )
        )
    if decision not in LevelDecision.values:
        problems.append(
            RuleViolation.of(
                "level_decision_unknown",
                "decision",
                message(_("判断 %(value)s は keep または switch です"), value=decision),
                "§5.6",
                value=decision,
            )
        )
    if problems:
        raise GuidanceRefused(problems)
    previous = ProgrammeLevel(fresh.level)
    offered = offered or previous  # a kept programme whose checkup gives no level: the record names its own
    new = offered if decision == LevelDecision.SWITCH else previous
    record = LevelDecisionRecord.objects.create(
        programme=fresh,
        decision=decision,
        previous_level=previous,
        offered_level=offered,
        checkup_guidance_level=fresh.checkup.guidance_level,
        new_level=new,
        note=note,
        decided_by=user,
        decided_by_label=actor.label[:60],
    )
    fresh.level, fresh.level_decided_for = new, fresh.checkup.guidance_level
    fresh.save(update_fields=["level", "level_decided_for", "updated_at"])
    _store_evaluation(fresh, _today(today))
    _sync_instance(programme, fresh)
    return record


def _closing_problems(programme: Programme, date: dt.date, today: dt.date) -> list[RuleViolation]:
    """Drop-out and exclusion need an open programme and a date between the exam and today (SPEC §5.6)."""
    problems = []
    if programme.status in CLOSED_STATUSES:
        problems.append(
            _refuse(
                "programme_closed", "status", "終了・途中終了・対象外のプログラムです", "Programme is closed", "§5.6"
            )
        )
    if date > today:
        problems.append(_refuse("date_in_future", "date", "未来の日付は登録できません", "Date in the future", "§5.6"))
    if date < programme.checkup.exam_date:
        problems.append(_refuse("date_before_exam", "date", "健診日より前の日付です", "Date before the exam", "§5.1"))
    return problems


@transaction.atomic
def programmes_assign(
    *,
    programme_ids: Iterable[int],
    staff: Any = None,
    provider: GuidanceProvider | None = None,
    actor: Actor,
) -> int:
    """Assign programmes the actor may see to a staff user and/or a provider, in one UPDATE; returns the count.
    A staff user is only assigned programmes of insurers they belong to."""
    queryset = Programme.objects.visible_to(actor).filter(pk__in=list(programme_ids))
    changes: dict[str, Any] = {}
    if staff is not None:
        queryset = queryset.filter(
            insurer_id__in=StaffMembership.objects.filter(user=staff).values_list("insurer_id", flat=True)
        )
        changes["assigned_staff"] = staff
    if provider is not None:
        changes["provider"] = provider
    if not changes:
        return 0
    return queryset.update(**changes, version=F("version") + 1, updated_at=timezone.now())


@transaction.atomic
def programme_set_equivalent_level(
    *, programme: Programme, actor: Actor, expected_version: int | None = None, today: dt.date | None = None
) -> Programme:
    """Staff choose 動機付け支援相当 for a second consecutive year of 積極的支援 with improvement (SPEC §2.8)."""
    fresh = _claim(programme, expected_version)
    problems = []
    if fresh.level != ProgrammeLevel.INTENSIVE or not fresh.checkup.consecutive_intensive_eligible:
        problems.append(
            _refuse(
                "equivalent_not_eligible",
                "level",
                "2年連続積極的支援で改善が見られる方のみ動機付け支援相当を選べます",
                "Only a flagged second year of intensive support may become motivational-equivalent",
                "§2.8",
            )
        )
    if fresh.status in CLOSED_STATUSES:
        problems.append(_refuse("programme_closed", "status", "終了したプログラムです", "Programme is closed", "§5.6"))
    if problems:
        raise GuidanceRefused(problems)
    fresh.level = ProgrammeLevel.MOTIVATIONAL_EQUIVALENT
    fresh.save(update_fields=["level", "updated_at"])
    _store_evaluation(fresh, _today(today))
    _sync_instance(programme, fresh)
    return programme


@transaction.atomic
def programme_set_goals(
    *,
    programme: Programme,
    actor: Actor,
    target_weight_kg: Decimal | None = None,
    target_waist_cm: Decimal | None = None,
    planned_outcome: int | None = None,
    behaviour_goals: list[str] | None = None,
    support_plan: str | None = None,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> Programme:
    """Goals set at the initial interview: target weight/waist, planned 2 cm·2 kg or 1 cm·1 kg, behaviours
    (SPEC §5.5, plan codes OID .24110 / .24120), and the action plan's goals and planned support (SPEC §5.2):
    an open programme is re-evaluated, since a programme without an action plan cannot complete."""
    fresh = _claim(programme, expected_version)
    fresh.target_weight_kg = target_weight_kg
    fresh.target_waist_cm = target_waist_cm
    if planned_outcome is not None:
        fresh.planned_outcome = planned_outcome
    if behaviour_goals is not None:
        fresh.behaviour_goals = [str(goal).strip() for goal in behaviour_goals if str(goal).strip()]
    if support_plan is not None:
        fresh.support_plan = support_plan.strip()
    fields = ["target_weight_kg", "target_waist_cm", "planned_outcome", "behaviour_goals", "support_plan"]
    fresh.save(update_fields=[*fields, "updated_at"])
    if fresh.status in OPEN_STATUSES:  # a closed programme keeps the state it was closed with
        _store_evaluation(fresh, _today(today))
    _sync_instance(programme, fresh)
    return programme
