"""Export of a fiscal year's counted checkups as a 4th-period MHLW archive (SPEC §9.1, §9.3, §2.9).

Each record is rebuilt from the stored items; 保健指導レベル (9N506) and メタボ判定 (9N501) carry OUR judgments, not
what the clinic sent (SPEC §2.9). Every written CDA and the index are validated against the bundled XSDs and
the export fails loudly if one is invalid. Every exported person gets an EXPORT row in the access log.
"""

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from infra.jobs import Progress
from members.actors import Actor
from members.audit import access_log_record
from members.models import AccessLog, Insurer

from .mhlw.archive import build_archive
from .mhlw.archive_index import INDEX_FILE_NAME
from .mhlw.document import SECTION_SPECIFIC, CheckupDocument, Observation
from .mhlw.itemtable import item
from .mhlw.safe_xml import parse_xml, validate_against_xsd
from .models import Checkup

GUIDANCE_LEVEL_ITEM = "9N506000000000011"  # 保健指導レベル, OID .3001 (SPEC §2.7)
GUIDANCE_LEVEL_OID = "1.2.392.200119.6.3001"
METABOLIC_ITEM = "9N501000000000011"  # メタボリックシンドローム判定, OID .1008 (SPEC §3)
METABOLIC_OID = "1.2.392.200119.6.1008"
SERVICE_EVENT_CHECKUP = 1  # 実施区分 1 特定健診情報 (formats-notes §1.3)
INTERACTION_INSURER_TO_FUND = 10  # 種別 10 保険者→国(支払基金) (formats-notes §1.3)
EXPORT_BATCH = 2000


class ExportInvalid(Exception):
    """A written file does not validate against the 4th-period XSDs (SPEC §9.3): nothing is handed out."""

    def __init__(self, name: str, errors: list[str]) -> None:
        super().__init__(f"{name} does not validate against the XSD: {'; '.join(errors[:5])}")
        self.name, self.errors = name, errors


@dataclass(frozen=True)
class ExportResult:
    file_name: str
    data: bytes
    count: int
    person_ids: list[int]


def _observation(code: str, stored: dict[str, Any]) -> Observation:
    return Observation.from_item(code, stored, display_name=definition.name if (definition := item(code)) else "")


def _judgment(code: str, oid: str, value: int | None, previous: dict[str, Any] | None) -> Observation:
    """Our result (SPEC §2.9) in the place of the clinic's, keeping its section."""
    return Observation(
        code=code,
        value_type="CD",
        value=str(value),
        code_system=oid,
        section=(previous or {}).get("section") or SECTION_SPECIFIC,
        display_name=definition.name if (definition := item(code)) else "",
    )


def checkup_document(checkup: Checkup) -> CheckupDocument:
    """The CDA content of one stored checkup (person header from the roster, items as stored)."""
    person, clinic = checkup.person, checkup.clinic
    items = dict(checkup.items)
    observations = [
        _observation(code, stored)
        for code, stored in items.items()
        if code not in (GUIDANCE_LEVEL_ITEM, METABOLIC_ITEM)
    ]
    if checkup.metabolic_judgment:
        observations.append(
            _judgment(METABOLIC_ITEM, METABOLIC_OID, checkup.metabolic_judgment, items.get(METABOLIC_ITEM))
        )
    if checkup.guidance_level:
        observations.append(
            _judgment(GUIDANCE_LEVEL_ITEM, GUIDANCE_LEVEL_OID, checkup.guidance_level, items.get(GUIDANCE_LEVEL_ITEM))
        )
    return CheckupDocument(
        insurer_number=checkup.insurer.number,
        card_symbol=person.card_symbol,
        card_number=person.card_number,
        card_branch=person.card_branch,
        name_kana=person.name_kana,
        sex=person.sex,
        birth_date=person.birth_date,
        author_org_number=clinic.number if clinic else "",
        author_org_name=clinic.name if clinic else "",
        clinic_number=clinic.number if clinic else "",
        clinic_name=clinic.name if clinic else "",
        exam_date=checkup.exam_date,
        program=checkup.program,
        observations=observations,
        document_date=timezone.localdate(),
    )


def exported_checkups(*, insurer: Insurer, fiscal_year: int, actor: Actor) -> QuerySet[Checkup]:
    """What the export of a year holds: its counted checkups (SPEC §6.1), narrowed to what the actor may see."""
    return Checkup.objects.visible_to(actor).filter(
        insurer=insurer, fiscal_year=fiscal_year, counts_for_fiscal_year=True
    )


def _checkups(*, insurer: Insurer, fiscal_year: int, actor: Actor) -> Iterator[Checkup]:
    base = (
        exported_checkups(insurer=insurer, fiscal_year=fiscal_year, actor=actor)
        .select_related("person", "clinic", "insurer")
        .order_by("pk")
    )
    last = 0
    while batch := list(base.filter(pk__gt=last)[:EXPORT_BATCH]):
        yield from batch
        last = batch[-1].pk


def _validate(file_name: str, data: bytes) -> None:
    validate_checkup_archive(file_name, data)


def validate_checkup_archive(file_name: str, data: bytes) -> None:
    """Every CDA (hc08) and the index (ix08) of the archive against the 4th-period XSDs (SPEC §9.3)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if "/DATA/" in name:
                kind = "hc"
            elif name.endswith("/" + INDEX_FILE_NAME):
                kind = "ix"
            else:
                continue
            errors = validate_against_xsd(parse_xml(archive.read(name)), kind)
            if errors:
                raise ExportInvalid(f"{file_name}:{name}", errors)


def checkups_export_mhlw(
    *,
    insurer: Insurer,
    fiscal_year: int,
    actor: Actor,
    request: Any = None,
    receiver: str = "",
    created: dt.date | None = None,
    serial: int = 0,
    on_progress: Progress | None = None,
) -> ExportResult:
    """Write the archive, validate it, then log an EXPORT access for every person in it.

    ◆ The receiver defaults to the insurer's own number: 支払基金's receiver number is not in the material we
    have (formats-notes §1.3); pass `receiver` when it is known.
    """
    progress = on_progress or (lambda percent, stage: None)
    progress(5, "健診結果の読み込み")
    checkups = list(_checkups(insurer=insurer, fiscal_year=fiscal_year, actor=actor))
    documents = []
    for number, checkup in enumerate(checkups, start=1):
        documents.append(checkup_document(checkup))
        if number % EXPORT_BATCH == 0:
            progress(10 + 60 * number // len(checkups), "特定健診情報ファイル")
    progress(70, "送付用アーカイブ")
    file_name, data = build_archive(
        sender=insurer.number,
        receiver=receiver or insurer.number,
        created=created or timezone.localdate(),
        service_event_type=SERVICE_EVENT_CHECKUP,
        documents=documents,
        serial=serial,
        interaction_type=INTERACTION_INSURER_TO_FUND,
    )
    progress(80, "XSD検証")
    _validate(file_name, data)
    person_ids = [c.person_id for c in checkups]
    access_log_record(
        actor=actor,
        person_ids=person_ids,
        action=AccessLog.Action.EXPORT,
        target=f"export:{insurer.number}:{fiscal_year}",
        request=request,
    )
    return ExportResult(file_name=file_name, data=data, count=len(checkups), person_ids=person_ids)
