"""Guidance files received (特定保健指導情報ファイル, g…xml, hg08, SPEC §9.6), from a guidance provider's API key,
a 代行機関's archive or `import_mhlw`.

Each file is validated against hg08_V08.xsd (SPEC §9.5), matched to its programme (`guidance.mhlw_match`), and
its goals, contacts and ending are recorded through the same services as the API (`programme_set_goals`, `contact_add`,
`programme_drop_out`, `programme_exclude`): a contact the rules refuse is reported with its rule and not stored.
The intake (intake.upload_chunks, the layer above) calls `guidance_files_receive` directly, so the per-record
report, the upload's idempotency and its progress are the checkup files'.

◆ Decisions where SPEC is silent:
- a file with no programme to report on is refused with one neutral reason (`guidance.mhlw_match`); the provider
  sends it again once the checkup is in;
- contacts already stored (same kind, date, form and minutes) are skipped, not refused: a final-evaluation file
  repeats the contacts of the start file;
- points are ours (the rules recompute them); a file whose points differ gets a warning naming both;
- 再確認コード 1 re-judges the checkup: the insurer's staff record it in the admin (SPEC §5.6); a file's code 1 is
  reported, not applied;
- a 代行機関
  sends with a provider's key or hands the archive to the insurer (`import_mhlw`, staff upload); a clinic's or
  employer's key cannot report guidance (it would write into any programme).
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from checkups.intake_types import Submitter
from checkups.mhlw.errors import MhlwFormatError
from checkups.mhlw.file_checks import check_schema
from checkups.mhlw.findings import RecordError, finding
from checkups.mhlw.safe_xml import parse_xml
from infra.i18n import Message, message
from members.actors import Actor, ActorKind, actor_for_user

from .codes import ContactKind, ExclusionCause, ProgrammeStatus
from .contacts import INITIAL_KINDS
from .mhlw.document import REPORT_CATEGORY_BY_STATUS, GuidanceContactRecord, GuidanceDocument
from .mhlw.read import parse_guidance_cda
from .mhlw_match import programmes_for_files
from .models import Contact, Programme
from .rules import RuleViolation
from .services import (
    GuidanceRefused,
    contact_add,
    programme_drop_out,
    programme_exclude,
    programme_set_goals,
)

GUIDANCE_SCHEMA = "hg"  # hg08_V08.xsd (SPEC §9.5)
STATUS_BY_REPORT_CATEGORY = {category: status for status, category in REPORT_CATEGORY_BY_STATUS.items()}
RECHECK_MEDICATION_AFTER_CHECKUP = 2  # 再確認コード .24020 2: 健診後に服薬開始 → 対象外 (SPEC §5.6)

POINTS_DIFFER: Message = _(
    "ファイルの%(what)s %(sent)s ポイントは、ルールで計算した %(ours)s ポイントと異なります(%(ours)s を使います)"
)
STATE_DIFFERS: Message = _("ファイルの報告区分は「%(sent)s」ですが、記録した結果の状態は「%(ours)s」です")
RECHECK_BY_STAFF: Message = _(
    "再確認コード1(健診時に服薬中)は健診結果を再判定するため、保険者の職員が管理画面で記録します(取り込みません)"
)
WRONG_SENDER: Message = _(
    "特定保健指導情報ファイルは保健指導機関のAPIキー(または保険者の職員の取込)で送ってください。"
    "健診機関・事業所のキーでは受け付けません"
)
POINT_NAMES: dict[str, Message] = {
    "total_points": _("合計"),
    "process_points": _("プロセス評価"),
    "outcome_points": _("アウトカム評価"),
}


@dataclass
class GuidanceFileOutcome:
    """What happened to one guidance file; its entry in the upload's per-record report."""

    status: str  # "accepted" | "rejected"
    insurer_number: str = ""
    programme_id: int | None = None
    created: bool = False  # the programme was created by this file
    contacts_recorded: int = 0
    contacts_unchanged: int = 0  # already stored (sent in an earlier file)
    errors: list[RecordError] = field(default_factory=list)  # refused file, or refused contacts of an accepted one
    warnings: list[RecordError] = field(default_factory=list)

    def to_entry(self, index: int, name: str) -> dict[str, Any]:
        entry: dict[str, Any] = {"index": index, "file": name, "status": self.status}
        if self.programme_id is not None:
            entry["programme"] = self.programme_id
            entry["created"] = self.created
            entry["contacts_recorded"] = self.contacts_recorded
            entry["contacts_unchanged"] = self.contacts_unchanged
        entry["errors"] = [asdict(e) for e in self.errors]
        entry["warnings"] = [asdict(w) for w in self.warnings]
        return entry


def _refused(error: RecordError, insurer_number: str = "") -> GuidanceFileOutcome:
    return GuidanceFileOutcome(status="rejected", insurer_number=insurer_number, errors=[error])


def guidance_files_receive(
    files: Sequence[tuple[str, bytes | None, RecordError | None]], submitter: Submitter, today: dt.date
) -> list[GuidanceFileOutcome]:
    """One outcome per file, in order. Matching is done for all files at once (a query each for insurers,
    persons, checkups and programmes); recording goes through the per-programme services."""
    if submitter.clinic is not None or submitter.employer is not None:
        refusal = finding("file", "guidance_file_sender", None, WRONG_SENDER)
        return [_refused(refusal) for _ in files]
    read = [_read(name, data, error) for name, data, error in files]
    documents = {i: doc for i, doc in enumerate(read) if isinstance(doc, GuidanceDocument)}
    found = programmes_for_files(documents, reporter=submitter.provider, today=today)
    actor = _actor(submitter)
    outcomes: list[GuidanceFileOutcome] = []
    for i, item in enumerate(read):
        if isinstance(item, GuidanceFileOutcome):
            outcomes.append(item)
            continue
        match = found[i]
        if isinstance(match, RecordError):
            outcomes.append(_refused(match, item.insurer_number))
        else:
            outcomes.append(_record(item, match.programme, match.created, actor, today))
    return outcomes


def _read(name: str, data: bytes | None, error: RecordError | None) -> GuidanceDocument | GuidanceFileOutcome:
    if error is not None or data is None:
        return _refused(error or RecordError("file", "unreadable_file", name, "", ""))
    try:
        root = parse_xml(data)
        schema_error = check_schema(root, GUIDANCE_SCHEMA)
        if schema_error is not None:
            raise schema_error
        return parse_guidance_cda(data, root)
    except MhlwFormatError as exc:
        return _refused(RecordError("file", exc.code, exc.location or None, exc.message_ja, exc.message_en))


def _actor(submitter: Submitter) -> Actor:
    """Who records the contacts: the provider, the staff user, or the operator of a command import."""
    if submitter.provider is not None:
        return Actor(
            kind=ActorKind.GUIDANCE_PROVIDER, guidance_provider_id=submitter.provider.pk, label=submitter.label
        )
    if submitter.user is not None:
        return actor_for_user(submitter.user)
    return Actor(kind=ActorKind.SUPERUSER, label=submitter.label)


# ---------------------------------------------------------------- recording one file


def _record(
    doc: GuidanceDocument, programme: Programme, created: bool, actor: Actor, today: dt.date
) -> GuidanceFileOutcome:
    """Goals, contacts and the ending of one file, in one savepoint; what the rules refuse is reported."""
    outcome = GuidanceFileOutcome(
        status="accepted", insurer_number=doc.insurer_number, programme_id=programme.pk, created=created
    )
    with transaction.atomic():
        _goals(doc, programme, actor, today, outcome)
        _contacts(doc, programme, actor, today, outcome)
        _ending(doc, programme, actor, today, outcome)
        programme.refresh_from_db()
        _compare(doc, programme, outcome)
    return outcome


def _violations(prefix: str, violations: Sequence[RuleViolation]) -> list[RecordError]:
    return [
        RecordError(
            f"{prefix}.{v.field}" if v.field else prefix,
            v.rule,
            None if v.value is None else str(v.value),
            v.message_ja,
            v.message_en,
        )
        for v in violations
    ]


def _goals(
    doc: GuidanceDocument, programme: Programme, actor: Actor, today: dt.date, outcome: GuidanceFileOutcome
) -> None:
    """The targets set at the initial interview (SPEC §5.5), when the file has them and they are new."""
    wanted = (doc.target_weight_kg, doc.target_waist_cm, doc.planned_outcome)
    if doc.target_weight_kg is None and doc.target_waist_cm is None:
        return
    if wanted == (programme.target_weight_kg, programme.target_waist_cm, programme.planned_outcome):
        return
    try:
        programme_set_goals(
            programme=programme,
            actor=actor,
            target_weight_kg=doc.target_weight_kg,
            target_waist_cm=doc.target_waist_cm,
            planned_outcome=doc.planned_outcome,
            today=today,
        )
    except GuidanceRefused as exc:
        outcome.errors.extend(_violations("goals", exc.violations))


def _contact_key(kind: str, date: dt.date, form: int, minutes: int | None) -> tuple[str, dt.date, int, int | None]:
    return kind, date, form, minutes


def _plan_position(doc: GuidanceDocument) -> int | None:
    """The contact the action plan (SPEC §5.2) was recorded with: the initial interview on the plan's date."""
    if not doc.goals and not doc.support_plan:
        return None
    initials = [i for i, c in enumerate(doc.contacts) if c.kind in INITIAL_KINDS]
    dated = [i for i in initials if doc.contacts[i].date == doc.plan_set_on]
    return next(iter(dated or initials), None)


def _contact_data(record: GuidanceContactRecord, plan: dict[str, Any] | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": ContactKind(record.kind).value,
        "form": int(record.form),
        "date": record.date,
        "minutes": record.minutes,
        "participants": record.participants,
        "automated": record.automated,
        "has_guidance_content": record.has_guidance_content,
        "measurements_self_declared": record.measurements_self_declared,
        "behaviour_changes": [change.as_json() for change in record.behaviour_changes],
    }
    for name in ("weight_kg", "waist_cm", "systolic_mmhg", "diastolic_mmhg"):
        value = getattr(record, name)
        if value is not None:
            data[name] = str(value)
    if plan is not None:
        data["action_plan"] = plan
    return data


def _contacts(
    doc: GuidanceDocument, programme: Programme, actor: Actor, today: dt.date, outcome: GuidanceFileOutcome
) -> None:
    stored = {
        _contact_key(kind, date, form, minutes)
        for kind, date, form, minutes in Contact.objects.filter(programme=programme).values_list(
            "kind", "date", "form", "minutes"
        )
    }
    plan_at = _plan_position(doc)
    plan = {"goals": list(doc.goals), "support_plan": doc.support_plan}
    for position, record in enumerate(doc.contacts):
        if _contact_key(str(record.kind), record.date, int(record.form), record.minutes) in stored:
            outcome.contacts_unchanged += 1
            continue
        data = _contact_data(record, plan if position == plan_at else None)
        try:
            contact = contact_add(programme=programme, data=data, actor=actor, today=today)
        except GuidanceRefused as exc:  # reported with its rule, not stored (SPEC §9.6)
            outcome.errors.extend(_violations(f"contacts[{position}]", exc.violations))
            continue
        outcome.contacts_recorded += 1
        outcome.warnings.extend(_violations(f"contacts[{position}]", getattr(contact, "rule_warnings", [])))


def _ending(
    doc: GuidanceDocument, programme: Programme, actor: Actor, today: dt.date, outcome: GuidanceFileOutcome
) -> None:
    """途中終了 and 対象外 as the file reports them (SPEC §5.6), through the same services as the API."""
    try:
        if doc.dropped_out_on is not None and programme.dropped_out_on is None:
            programme_drop_out(
                programme=programme,
                reason=doc.dropout_reason or "other",
                date=doc.dropped_out_on,
                actor=actor,
                today=today,
            )
        if doc.recheck_code == 1:
            outcome.errors.append(finding("recheck_code", "recheck_code_1_by_staff", "1", RECHECK_BY_STAFF))
        elif doc.recheck_code == RECHECK_MEDICATION_AFTER_CHECKUP and not programme.excluded_cause:
            programme_exclude(
                programme=programme,
                cause=ExclusionCause.MEDICATION_AFTER_CHECKUP,
                date=doc.recheck_on or doc.document_date,
                actor=actor,
                today=today,
            )
        if doc.medication_during_on is not None and not programme.excluded_cause:
            programme_exclude(
                programme=programme,
                cause=ExclusionCause.MEDICATION_AFTER_GUIDANCE_START,
                date=doc.medication_during_on,
                actor=actor,
                today=today,
            )
    except GuidanceRefused as exc:
        outcome.errors.extend(_violations("ending", exc.violations))


def _compare(doc: GuidanceDocument, programme: Programme, outcome: GuidanceFileOutcome) -> None:
    """Warnings where the file says otherwise than what the rules made of it (ours is kept)."""
    for name, label in POINT_NAMES.items():
        sent, ours = getattr(doc, name), getattr(programme, name)
        if sent is not None and int(sent) != ours:
            text = message(POINTS_DIFFER, what=label, sent=sent, ours=ours)
            outcome.warnings.append(finding(name, "guidance_points_differ", str(sent), text))
    expected = STATUS_BY_REPORT_CATEGORY.get(doc.report_category)
    if expected is not None and expected != programme.status:
        text = message(
            STATE_DIFFERS, sent=ProgrammeStatus(expected).label, ours=ProgrammeStatus(programme.status).label
        )
        outcome.warnings.append(finding("report_category", "guidance_state_differs", doc.report_category, text))
