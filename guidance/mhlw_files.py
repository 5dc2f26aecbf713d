"""Guidance files (特定保健指導情報ファイル, hg08, SPEC §9.6): a fiscal year's programmes as files and as a
4th-period archive (実施区分 2), each file validated against hg08_V08.xsd before it is handed out.

Public:
- `guidance_files_for_fiscal_year(insurer, fiscal_year)` → [(file name, bytes)]: one g…xml per programme that has
  something to report (報告区分 21 開始, 22 実績評価, 23 途中終了, 24 その他 (対象外), 25 初回未完了 by its state;
  a programme not started has no file). No access-log row: a caller that hands the files out logs (as below).
- `guidance_archive_for_fiscal_year(insurer=…, fiscal_year=…, actor=…)` → ExportResult: the ZIP (ix08, DATA/g…,
  XSD/), validated, with an EXPORT row in each person's access log.
"""

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from checkups.exports import ExportInvalid, ExportResult
from checkups.mhlw.archive import archive_root_name, data_file_name
from checkups.mhlw.archive_index import INDEX_FILE_NAME, INSURER_OID, build_index
from checkups.mhlw.safe_xml import XSD_DIR, parse_xml, validate_against_xsd
from members.actors import Actor
from members.audit import access_log_record
from members.models import AccessLog, Insurer

from .behaviour import behaviour_changes
from .codes import ContactForm, ContactKind, ExclusionCause, ProgrammeStatus
from .mhlw.document import REPORT_CATEGORY_BY_STATUS, GuidanceContactRecord, GuidanceDocument
from .mhlw.items import SERVICE_EVENT_GUIDANCE
from .mhlw.write import write_guidance_cda
from .models import Contact, MedicationRecheckRecord, Programme

INTERACTION_INSURER_TO_FUND = 10  # 種別 10 保険者→国(支払基金) (formats-notes §1.3), as the checkup export
EXPORT_BATCH = 1000
# 対象外 → what the file says (SPEC §5.6): 再確認コード .24020 1/2, or 保健指導時服薬確認 .24030
RECHECK_CODE_BY_CAUSE = {ExclusionCause.MEDICATION_AT_CHECKUP: 1, ExclusionCause.MEDICATION_AFTER_CHECKUP: 2}
# The early-interview bonus line (SPEC §5.5) → 健診後早期の初回面接 (.24070: 0 なし, 1 当日, 2 1週間以内)
EARLY_INTERVIEW_CODES = {"early_interview_exam_day": 1, "early_interview_within_week": 2, "early_interview_none": 0}
# The waist/weight line → 腹囲・体重の改善 (.24090: 0 未達成, 1 1cm・1kg, 2 2cm・2kg)
OUTCOME_CODES = {"outcome_2cm_2kg": 2, "outcome_weight_0024": 2, "outcome_1cm_1kg": 1, "outcome_not_met": 0}


def _points_by_contact(programme: Programme) -> dict[int, int]:
    points: dict[int, int] = {}
    for line in programme.evaluation.get("lines", []):
        if line.get("contact") is not None:
            points[line["contact"]] = points.get(line["contact"], 0) + int(line.get("points") or 0)
    return points


def _line_code(programme: Programme, codes: dict[str, int]) -> int | None:
    return next((codes[line["rule"]] for line in programme.evaluation.get("lines", []) if line["rule"] in codes), None)


def _contact_record(contact: Contact, points: dict[int, int]) -> GuidanceContactRecord:
    return GuidanceContactRecord(
        kind=ContactKind(contact.kind),
        form=ContactForm(contact.form),
        date=contact.date,
        minutes=contact.minutes,
        points=points.get(contact.pk, 0),
        weight_kg=contact.weight_kg,
        waist_cm=contact.waist_cm,
        systolic_mmhg=contact.systolic_mmhg,
        diastolic_mmhg=contact.diastolic_mmhg,
        participants=contact.participants,
        automated=contact.automated,
        has_guidance_content=contact.has_guidance_content,
        measurements_self_declared=contact.measurements_self_declared,
        behaviour_changes=behaviour_changes(contact.behaviour_changes or ()),
    )


def guidance_document(programme: Programme, *, created: dt.date | None = None) -> GuidanceDocument | None:
    """The file content of one programme (None when it has nothing to report: not started). The programme must
    come with person, checkup, insurer, provider, contacts (in date order) and medication_rechecks loaded."""
    category = REPORT_CATEGORY_BY_STATUS.get(ProgrammeStatus(programme.status))
    if category is None:
        return None
    person, checkup, provider = programme.person, programme.checkup, programme.provider
    points = _points_by_contact(programme)
    cause = ExclusionCause(programme.excluded_cause) if programme.excluded_cause else None
    rechecks = list(programme.medication_rechecks.all())
    recheck_on = rechecks[-1].confirmed_on if rechecks else programme.excluded_on
    return GuidanceDocument(
        report_category=category,
        insurer_number=programme.insurer.number,
        card_symbol=person.card_symbol,
        card_number=person.card_number,
        card_branch=person.card_branch,
        name_kana=person.name_kana,
        sex=person.sex,
        birth_date=person.birth_date,
        exam_date=checkup.exam_date,
        level=programme.level,
        document_date=created or timezone.localdate(),
        author_number=provider.number if provider else programme.insurer.number,
        author_name=provider.name if provider else programme.insurer.name,
        provider_number=provider.number if provider else "",
        provider_name=provider.name if provider else "",
        target_weight_kg=programme.target_weight_kg,
        target_waist_cm=programme.target_waist_cm,
        planned_outcome=programme.planned_outcome,
        goals=tuple(programme.behaviour_goals or ()),
        support_plan=programme.support_plan,
        plan_set_on=programme.action_plan_on,
        contacts=[_contact_record(contact, points) for contact in programme.contacts.all()],
        early_interview=_line_code(programme, EARLY_INTERVIEW_CODES),
        outcome=_line_code(programme, OUTCOME_CODES),
        outcome_points=programme.outcome_points,
        process_points=programme.process_points,
        total_points=programme.total_points,
        dropped_out_on=programme.dropped_out_on,
        dropout_reason=programme.dropout_reason,
        recheck_code=RECHECK_CODE_BY_CAUSE.get(cause) if cause else None,
        recheck_on=recheck_on if cause in RECHECK_CODE_BY_CAUSE else None,
        medication_during_on=programme.excluded_on if cause == ExclusionCause.MEDICATION_AFTER_GUIDANCE_START else None,
    )


def _programmes(insurer: Insurer, fiscal_year: int, actor: Actor | None) -> Iterator[Programme]:
    """The year's programmes with something to report, in batches, everything a file needs in 4 queries each."""
    base: QuerySet[Programme] = Programme.objects.visible_to(actor) if actor else Programme.objects.all()
    base = (
        base.filter(insurer=insurer, fiscal_year=fiscal_year, status__in=list(REPORT_CATEGORY_BY_STATUS))
        .select_related("person", "checkup", "insurer", "provider")
        .prefetch_related(
            Prefetch("contacts", queryset=Contact.objects.order_by("date", "pk")),
            Prefetch("medication_rechecks", queryset=MedicationRecheckRecord.objects.order_by("created_at", "pk")),
        )
        .order_by("pk")
    )
    last = 0
    while batch := list(base.filter(pk__gt=last)[:EXPORT_BATCH]):
        yield from batch
        last = batch[-1].pk


def _validated(name: str, data: bytes) -> bytes:
    errors = validate_against_xsd(parse_xml(data), "hg")
    if errors:
        raise ExportInvalid(name, errors)
    return data


def _files(
    insurer: Insurer, fiscal_year: int, *, actor: Actor | None, created: dt.date, serial: int
) -> tuple[list[tuple[str, bytes]], list[int]]:
    files: list[tuple[str, bytes]] = []
    person_ids: list[int] = []
    for programme in _programmes(insurer, fiscal_year, actor):
        document = guidance_document(programme, created=created)
        if document is None:
            continue
        name = data_file_name(insurer.number, created, serial, len(files), prefix="g")
        files.append((name, _validated(name, write_guidance_cda(document))))
        person_ids.append(programme.person_id)
    return files, person_ids


def guidance_files_for_fiscal_year(
    insurer: Insurer, fiscal_year: int, *, created: dt.date | None = None, serial: int = 0
) -> list[tuple[str, bytes]]:
    """The year's guidance files `[(g….xml, bytes)]`, each valid against hg08_V08.xsd (SPEC §9.6)."""
    files, _ = _files(insurer, fiscal_year, actor=None, created=created or timezone.localdate(), serial=serial)
    return files


def guidance_archive_for_fiscal_year(
    *,
    insurer: Insurer,
    fiscal_year: int,
    actor: Actor,
    request: Any = None,
    receiver: str = "",
    created: dt.date | None = None,
    serial: int = 0,
) -> ExportResult:
    """The year's guidance files as a 4th-period archive (SPEC §9.1, §9.6), validated, with access-log rows.

    ◆ As the checkup export: sender is the insurer, receiver defaults to the insurer's own number."""
    created = created or timezone.localdate()
    files, person_ids = _files(insurer, fiscal_year, actor=actor, created=created, serial=serial)
    root = archive_root_name(insurer.number, receiver or insurer.number, created, serial, SERVICE_EVENT_GUIDANCE)
    index = build_index(
        sender=insurer.number,
        receiver=receiver or insurer.number,
        receiver_oid=INSURER_OID,
        created=created,
        interaction_type=INTERACTION_INSURER_TO_FUND,
        service_event_type=SERVICE_EVENT_GUIDANCE,
        total_record_count=len(files),
    )
    errors = validate_against_xsd(parse_xml(index), "ix")
    if errors:
        raise ExportInvalid(INDEX_FILE_NAME, errors)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(f"{root}/{INDEX_FILE_NAME}", index)
        for name, data in files:
            archive.writestr(f"{root}/DATA/{name}", data)
        for path in sorted(XSD_DIR.rglob("*.xsd")):
            archive.write(path, f"{root}/XSD/{path.relative_to(XSD_DIR).as_posix()}")
    access_log_record(
        actor=actor,
        person_ids=person_ids,
        action=AccessLog.Action.EXPORT,
        target=f"guidance-export:{insurer.number}:{fiscal_year}",
        request=request,
    )
    return ExportResult(file_name=f"{root}.zip", data=buffer.getvalue(), count=len(files), person_ids=person_ids)
