"""Write a 特定保健指導情報ファイル (g…xml) that validates against hg08_V08.xsd (SPEC §9.3, §9.6).

Header: the checkup file's (formats-notes §1.5) with プログラム種別 100 and 報告区分 21–25; serviceEvent/effectiveTime
is the exam date of the checkup the programme came from ◆ and the performer the guidance provider. Body: one
section; programme items as `entry/observation`, each contact as `entry/act` (code = 実施内容 .18150,
effectiveTime = the day) whose items are `entryRelationship[@typeCode='COMP']/observation`. Item codes come
only from `guidance.mhlw.items` (the one table; unconfirmed codes are marked there).
"""

import datetime as dt
from decimal import Decimal

from lxml import etree

from checkups.mhlw.cda_codes import NS, OID_SECTION, XSI
from checkups.mhlw.cda_write import write_header
from checkups.mhlw.document import CheckupDocument
from guidance.codes import ja_name
from guidance.mhlw.document import GuidanceContactRecord, GuidanceDocument
from guidance.mhlw.items import (
    CONTACT_KIND_CODES,
    ITEMS,
    KIND_GROUPS,
    OID_CONTACT_KIND,
    PROGRAM_GUIDANCE,
    SECTION_GUIDANCE,
    SECTION_NAME,
)

_V = "{" + NS + "}"
_XSI_TYPE = "{" + XSI + "}type"
SCHEMA_LOCATION = f"{NS} ../XSD/hg08_V08.xsd"  # relative to DATA/ (formats-notes §1.5)
MEASUREMENTS = ("weight_kg", "waist_cm", "systolic_mmhg", "diastolic_mmhg")
Value = Decimal | int | str | bool | dt.date


def _el(parent: etree._Element, name: str, text: str | None = None, **attributes: str | None) -> etree._Element:
    element = etree.SubElement(parent, _V + name, {k: v for k, v in attributes.items() if v is not None})
    if text is not None:
        element.text = text
    return element


def _observation(parent: etree._Element, key: str, value: Value | None, *, on: dt.date | None = None) -> None:
    """One item of the table (`key`), as an observation under `parent` (an entry or an entryRelationship)."""
    item = ITEMS[key]
    observation = _el(parent, "observation", classCode="OBS", moodCode=item.mood)
    _el(observation, "code", code=item.code, displayName=item.name)
    if on is not None:
        _el(observation, "effectiveTime", value=f"{on:%Y%m%d}")
    if value is None:
        return
    match item.value_type:
        case "PQ":
            element = _el(observation, "value", value=f"{Decimal(str(value)):f}", unit=item.unit or None)
        case "INT":
            element = _el(observation, "value", value=str(int(value)))  # type: ignore[arg-type]  # an INT item holds an int, Decimal or str
        case "CD":
            element = _el(observation, "value", code=str(value), codeSystem=item.oid or None)
        case "TS":
            element = _el(observation, "value", value=f"{value:%Y%m%d}")
        case "BL":
            element = _el(observation, "value", value="true" if value else "false")
        case _:
            element = _el(observation, "value", str(value))
    element.set(_XSI_TYPE, item.value_type)


def _entry(section: etree._Element, key: str, value: Value | None, *, on: dt.date | None = None) -> None:
    _observation(_el(section, "entry"), key, value, on=on)


def _contact(section: etree._Element, contact: GuidanceContactRecord) -> None:
    kind = contact.kind
    act = _el(_el(section, "entry"), "act", classCode="ACT", moodCode="EVN")
    _el(act, "code", code=CONTACT_KIND_CODES[kind], codeSystem=OID_CONTACT_KIND, displayName=ja_name(kind))
    _el(act, "effectiveTime", value=f"{contact.date:%Y%m%d}")
    group = KIND_GROUPS[kind]

    def item(key: str, value: Value | None, *, on: dt.date | None = None) -> None:
        _observation(_el(act, "entryRelationship", typeCode="COMP"), key, value, on=on)

    item(f"{group}.form", int(contact.form))
    if contact.minutes is not None and f"{group}.minutes" in ITEMS:
        item(f"{group}.minutes", contact.minutes)
    if contact.points is not None and f"{group}.points" in ITEMS:
        item(f"{group}.points", contact.points)
    for name in MEASUREMENTS:
        value = getattr(contact, name)
        if value is not None:
            item(f"{group}.{name}", value)
    if contact.participants is not None:
        item("contact.participants", contact.participants)
    if contact.automated:
        item("contact.automated", True)
    if not contact.has_guidance_content:
        item("contact.no_guidance_content", True)
    if contact.measurements_self_declared:
        item("contact.self_declared", True)
    for change in contact.behaviour_changes:
        item(f"behaviour.{change.category}", "1", on=change.since)  # 1 達成 (.24100 / .24130)


def _header(doc: GuidanceDocument) -> CheckupDocument:
    return CheckupDocument(
        report_category=doc.report_category,
        document_date=doc.document_date,
        insurer_number=doc.insurer_number,
        card_symbol=doc.card_symbol,
        card_number=doc.card_number,
        card_branch=doc.card_branch,
        name_kana=doc.name_kana,
        sex=doc.sex,
        birth_date=doc.birth_date,
        author_org_number=doc.author_number,
        author_org_name=doc.author_name,
        clinic_number=doc.provider_number or doc.author_number,
        clinic_name=doc.provider_name or doc.author_name,
        exam_date=doc.exam_date,
        program=PROGRAM_GUIDANCE,
    )


def write_guidance_cda(doc: GuidanceDocument) -> bytes:
    """Serialise one programme as a guidance file (UTF-8, formats-notes §1.4)."""
    root = etree.Element(_V + "ClinicalDocument", nsmap={None: NS, "xsi": XSI})
    root.set("{" + XSI + "}schemaLocation", SCHEMA_LOCATION)
    write_header(root, _header(doc))
    section = _el(_el(_el(_el(root, "component"), "structuredBody"), "component"), "section")
    _el(section, "code", code=SECTION_GUIDANCE, codeSystem=OID_SECTION, displayName=SECTION_NAME)
    _el(section, "text")
    _entry(section, "level", doc.level)
    if doc.provider_number:
        _entry(section, "provider_number", doc.provider_number)
        if doc.provider_name:
            _entry(section, "provider_name", doc.provider_name)
    for key in ("target_waist_cm", "target_weight_kg", "planned_outcome"):
        if (value := getattr(doc, key)) is not None:
            _entry(section, key, value)
    for goal in doc.goals:
        _entry(section, "plan_goal", goal)
    if doc.goals:
        _entry(section, "behaviour_plan", "1")
    if doc.support_plan:
        _entry(section, "support_plan", doc.support_plan)
    if doc.plan_set_on:
        _entry(section, "plan_set_on", doc.plan_set_on)
    for contact in sorted(doc.contacts, key=lambda c: c.date):
        _contact(section, contact)
    for key in ("early_interview", "outcome", "outcome_points", "process_points", "total_points"):
        if (value := getattr(doc, key)) is not None:
            _entry(section, key, value)
    if doc.dropped_out_on:
        _entry(section, "dropout_reason", doc.dropout_reason or "other", on=doc.dropped_out_on)
    if doc.recheck_code:
        _entry(section, "recheck", doc.recheck_code, on=doc.recheck_on)
    if doc.medication_during_on:
        _entry(section, "medication_during", "1", on=doc.medication_during_on)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
