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

from checkups.codes import GuidanceLevel
from checkups.models import Checkup
from infra.bulk import insert_rows
from members.actors import Actor, ActorKind
from members.models import GuidanceProvider, StaffMembership

from .codes import ContactForm, ContactKind, DropoutReason, ExclusionCause, ProgrammeLevel, ProgrammeStatus
from .facts import EVALUATION_FIELDS, evaluation_fields, facts_of, programme_facts, sustained_months_default
from .models import Contact, Programme
from .rules import ContactFacts, RuleViolation, blocking, evaluate, validate_contact

# SPEC §5.1: checkup level → programme level (動機付け支援相当 is a staff choice, SPEC §2.8)
LEVEL_FROM_CHECKUP: dict[int, ProgrammeLevel] = {
    GuidanceLevel.INTENSIVE: ProgrammeLevel.INTENSIVE,
    GuidanceLevel.MOTIVATIONAL: ProgrammeLevel.MOTIVATIONAL,
}
TARGET_AGE_MIN, TARGET_AGE_MAX = 40, 74  # SPEC §1.3: age basis 40–74
SYNC_CHUNK = 2000  # checkup ids per round trip: well below SQLite's bound-parameter limit
# What the rules read of a programme and its checkup (SPEC §5.5: exam-day weight and waist), and what they write
REFRESH_READS = (
    "level",
    "dropped_out_on",
    "dropout_reason",
    "excluded_cause",
    *EVALUATION_FIELDS,
    "updated_at",
    "checkup__exam_date",
    "checkup__weight_kg",
    "checkup__waist_cm",
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
    """Checkups that make a programme: guidance level 1 or 2, no medication exception, age basis 40–74, the
    record counted for its fiscal year (SPEC §1.3, §2.5, §5.1)."""
    return Checkup.objects.filter(
        pk__in=checkup_ids,
        guidance_level__in=list(LEVEL_FROM_CHECKUP),
        medication_excluded=False,
        age_at_fy_end__gte=TARGET_AGE_MIN,
        age_at_fy_end__lte=TARGET_AGE_MAX,
        counts_for_fiscal_year=True,
    )


def checkup_makes_programme(*, level: int | None, medication_excluded: bool, age_at_fy_end: int, counted: bool) -> bool:
    """`_eligible` for one checkup's values (the bulk restratification decides in Python which rows need a sync)."""
    return (
        level in LEVEL_FROM_CHECKUP
        and not medication_excluded
        and TARGET_AGE_MIN <= age_at_fy_end <= TARGET_AGE_MAX
        and counted
    )


def _desired_level(checkup_level: int, current: int | None, equivalent_allowed: bool) -> ProgrammeLevel:
    """A staff choice of 動機付け支援相当 survives a re-sync while the checkup still allows it (SPEC §2.8)."""
    wanted = LEVEL_FROM_CHECKUP[checkup_level]
    if current == ProgrammeLevel.MOTIVATIONAL_EQUIVALENT and wanted == ProgrammeLevel.INTENSIVE and equivalent_allowed:
        return ProgrammeLevel.MOTIVATIONAL_EQUIVALENT
    return wanted


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


def programmes_create_for_new_checkups(*, checkups: Iterable[Checkup], today: dt.date | None = None) -> int:
    """The programmes `programmes_sync_for_checkups` would create for checkups inserted in the caller's
    transaction (the bulk import), from the values the caller holds; returns how many were created.

    No programme can point at a checkup that is not committed yet, so the sync's look-ups (eligible checkups,
    existing programmes) and its conflict-tolerant insert are not needed: the eligible ones (SPEC §1.3, §2.5,
    §5.1, as `_eligible`) are written with one COPY, in the sync's order (the checkups' default ordering).
    """
    today = _today(today)
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
    behaviour = sorted(set(data.get("behaviour_changes") or ()))
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
        measurements_self_declared=bool(data.get("measurements_self_declared", False)),
        behaviour_changes=behaviour,
        behaviour_sustained_months=sustained_months_default(behaviour, data.get("behaviour_sustained_months")),
        staff_id=actor.user_id if actor.kind in (ActorKind.STAFF, ActorKind.SUPERUSER) else None,
        provider_id=actor.guidance_provider_id if actor.kind == ActorKind.GUIDANCE_PROVIDER else programme.provider_id,
        note=data.get("note", ""),
    )


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
    contact = _contact_from_data(fresh, data, actor)
    facts = ContactFacts(
        kind=contact.kind,
        form=contact.form,
        date=contact.date,
        minutes=contact.minutes,
        automated=contact.automated,
        weight_kg=contact.weight_kg,
        waist_cm=contact.waist_cm,
        behaviour_changes=frozenset(contact.behaviour_changes),
        behaviour_sustained_months=contact.behaviour_sustained_months,
        has_guidance_content=contact.has_guidance_content,
        measurements_self_declared=contact.measurements_self_declared,
    )
    violations = validate_contact(facts_of(fresh, contacts, today), facts)
    if refused := blocking(violations):
        raise ContactRefused(refused)
    contact.save()
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
    fresh.excluded_cause, fresh.excluded_on = cause, date
    fresh.save(update_fields=["excluded_cause", "excluded_on", "updated_at"])
    _store_evaluation(fresh, today)
    _sync_instance(programme, fresh)
    return programme


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
    expected_version: int | None = None,
) -> Programme:
    """Goals set at the initial interview: target weight/waist, planned 2 cm·2 kg or 1 cm·1 kg, behaviours
    (SPEC §5.5, plan codes OID .24110 / .24120)."""
    fresh = _claim(programme, expected_version)
    fresh.target_weight_kg = target_weight_kg
    fresh.target_waist_cm = target_waist_cm
    if planned_outcome is not None:
        fresh.planned_outcome = planned_outcome
    if behaviour_goals is not None:
        fresh.behaviour_goals = list(behaviour_goals)
    fresh.save(update_fields=["target_weight_kg", "target_waist_cm", "planned_outcome", "behaviour_goals"])
    _sync_instance(programme, fresh)
    return programme
