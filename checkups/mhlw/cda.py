"""Read and write the 特定健診情報ファイル (HL7 CDA R2, hc08_V08.xsd): SPEC §9.2–§9.3, formats-notes §1.5–§1.6.

Reading walks element children directly (no XPath) because a 10,000-person archive is parsed in one request.
"""

import datetime as dt
from collections.abc import Iterator

from lxml import etree

from checkups.mhlw.cda_codes import (
    FOURTH_PERIOD_START,
    NS,
    OID_CARD_BRANCH,
    OID_CARD_NUMBER,
    OID_CARD_SYMBOL,
    OID_CLINIC,
    OID_INSURER,
    OID_OUT_OF_RANGE,
    XSI,
)
from checkups.mhlw.cda_write import write_cda
from checkups.mhlw.document import SECTION_SPECIFIC, CheckupDocument, Observation
from checkups.mhlw.errors import CdaError, UnsafeXmlError
from checkups.mhlw.itemtable import ITEM_CODE_OID, item
from checkups.mhlw.safe_xml import parse_xml

__all__ = ["CdaError", "parse_cda", "write_cda"]

_V = "{" + NS + "}"
_XSI_TYPE = "{" + XSI + "}type"
_TAG_CODE = _V + "code"
_TAG_VALUE = _V + "value"
_TAG_INTERPRETATION = _V + "interpretationCode"
_TAG_METHOD = _V + "methodCode"
_TAG_AUTHOR = _V + "author"
_TAG_REFERENCE_RANGE = _V + "referenceRange"
_TAG_RELATIONSHIP = _V + "entryRelationship"
_TAG_ENTRY = _V + "entry"
_TAG_OBSERVATION = _V + "observation"


def _children(element: etree._Element, name: str) -> Iterator[etree._Element]:
    tag = _V + name
    for child in element:
        if child.tag == tag:
            yield child


def _child(element: etree._Element | None, name: str) -> etree._Element | None:
    if element is None:
        return None
    tag = _V + name
    for child in element:
        if child.tag == tag:
            return child
    return None


def _require(element: etree._Element | None, name: str, path: str) -> etree._Element:
    found = _child(element, name)
    if found is None:
        raise CdaError(f"必須要素 {path} がありません。", f"Required element {path} is missing.", path)
    return found


def _parse_date(value: str | None, path: str) -> dt.date | None:
    if not value:
        return None
    try:
        if len(value) < 8 or not value[:8].isdigit():
            raise ValueError(value)
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError as exc:
        raise CdaError(
            f"{path} の日付 '{value}' がYYYYMMDD形式ではありません。",
            f"Date '{value}' at {path} is not YYYYMMDD.",
            path,
        ) from exc


def _attr(element: etree._Element | None, name: str, default: str = "") -> str:
    if element is None:
        return default
    return element.get(name) or default


def _text(element: etree._Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def _own_text(element: etree._Element | None) -> str:
    """Text directly inside an element, without its children's text (addr = postalCode + address text)."""
    if element is None:
        return ""
    parts = [element.text or ""]
    parts.extend(child.tail or "" for child in element)
    return "".join(parts).strip()


def _value_type(value: etree._Element) -> str:
    return (value.get(_XSI_TYPE) or "").rpartition(":")[2]


def _parse_observation(
    element: etree._Element, section: str, relationships: list[etree._Element] | None = None
) -> Observation:
    observation = Observation(code="", value_type="", section=section, negated=element.get("negationInd") == "true")
    for child in element:
        tag = child.tag
        if tag == _TAG_CODE:
            observation.code = child.get("code", "")
            observation.display_name = child.get("displayName", "")
            observation.item_code_system = child.get("codeSystem") or ITEM_CODE_OID
        elif tag == _TAG_VALUE:
            _apply_value(observation, child)
        elif tag == _TAG_INTERPRETATION:
            observation.interpretation = child.get("code", "")
        elif tag == _TAG_METHOD:
            observation.method_code = child.get("code", "")
        elif tag == _TAG_AUTHOR:
            person = _child(_child(child, "assignedAuthor"), "assignedPerson")
            observation.author_name = _text(_child(person, "name"))
        elif tag == _TAG_REFERENCE_RANGE:
            _apply_reference_range(observation, child)
        elif tag == _TAG_RELATIONSHIP and relationships is not None:
            relationships.append(child)
    if not observation.value_type and observation.code:
        definition = item(observation.code)
        observation.value_type = definition.value_type if definition else ""
    return observation


def _apply_value(observation: Observation, value: etree._Element) -> None:
    value_type = _value_type(value)
    if value_type in ("CD", "CO") and value.get("codeSystem") == OID_OUT_OF_RANGE:
        observation.out_of_range = value.get("code")
        return
    observation.value_type = value_type
    if value.get("nullFlavor"):
        observation.null_flavor = value.get("nullFlavor", "")
    elif value_type == "PQ":
        observation.value = value.get("value")
        observation.unit = value.get("unit", "")
    elif value_type in ("CD", "CO"):
        observation.value = value.get("code")
        observation.code_system = value.get("codeSystem", "")
    else:
        observation.value = value.text or ""


def _apply_reference_range(observation: Observation, reference: etree._Element) -> None:
    value = _child(_child(reference, "observationRange"), "value")
    observation.reference_low = _attr(_child(value, "low"), "value") or None
    observation.reference_high = _attr(_child(value, "high"), "value") or None


def _parse_entry_observation(element: etree._Element, section: str) -> list[Observation]:
    relationships: list[etree._Element] = []
    observation = _parse_observation(element, section, relationships)
    if not relationships or observation.code:
        return [observation]
    members: list[Observation] = []
    for relationship in relationships:
        inner = _child(relationship, "observation")
        if inner is None:
            continue
        member = _parse_observation(inner, section)
        member.relation = relationship.get("typeCode") or "COMP"
        members.append(member)
    group = next((d.group_id for m in members if (d := item(m.code)) and d.group_id), None)
    group = group or (members[0].code if members else None)
    for member in members:
        member.group_code = group
    return members


def _parse_body(root: etree._Element) -> list[Observation]:
    body = _child(_require(root, "component", "/ClinicalDocument/component"), "structuredBody")
    if body is None:
        raise CdaError("structuredBody がありません。", "structuredBody is missing.", "/ClinicalDocument/component")
    observations: list[Observation] = []
    for component in _children(body, "component"):
        section = _child(component, "section")
        if section is None:
            continue
        section_code = _attr(_child(section, "code"), "code", SECTION_SPECIFIC)
        for entry in section:
            if entry.tag != _TAG_ENTRY:
                continue
            for element in entry:
                if element.tag == _TAG_OBSERVATION:
                    observations.extend(_parse_entry_observation(element, section_code))
    return observations


def parse_cda(data: bytes, *, period: int | None = None) -> CheckupDocument:
    """Parse a 3rd- or 4th-period CDA; raise CdaError/UnsafeXmlError when it cannot be used."""
    try:
        root = parse_xml(data)
    except UnsafeXmlError as exc:
        raise CdaError(exc.message_ja, exc.message_en, exc.location) from exc
    if root.tag != _V + "ClinicalDocument":
        raise CdaError(
            f"ルート要素が ClinicalDocument ({NS}) ではありません: {root.tag}",
            f"Root element is not ClinicalDocument in {NS}: {root.tag}",
            "/",
        )
    doc = CheckupDocument(observations=_parse_body(root))
    code = _child(root, "code")
    doc.report_category = code.get("code", "") if code is not None else ""
    doc.document_date = _parse_date(_attr(_child(root, "effectiveTime"), "value"), "/ClinicalDocument/effectiveTime")
    _parse_patient(root, doc)
    _parse_author(root, doc)
    _parse_participant(root, doc)
    _parse_service_event(root, doc)
    doc.period = period or (4 if doc.exam_date and doc.exam_date >= FOURTH_PERIOD_START else 3)
    return doc


def _parse_patient(root: etree._Element, doc: CheckupDocument) -> None:
    path = "/ClinicalDocument/recordTarget/patientRole"
    role = _require(_require(root, "recordTarget", "/ClinicalDocument/recordTarget"), "patientRole", path)
    for identifier in _children(role, "id"):
        oid, extension = identifier.get("root"), identifier.get("extension", "")
        if oid == OID_INSURER:
            doc.insurer_number = extension
        elif oid == OID_CARD_SYMBOL:
            doc.card_symbol = extension
        elif oid == OID_CARD_NUMBER:
            doc.card_number = extension
        elif oid == OID_CARD_BRANCH:
            doc.card_branch = extension
    if not doc.insurer_number:
        raise CdaError(
            "保険者番号 (id root=1.2.392.200119.6.101) がありません。",
            "Insurer number (id root=1.2.392.200119.6.101) is missing.",
            path + "/id",
        )
    address = _child(role, "addr")
    if address is not None:
        doc.postal_code = _text(_child(address, "postalCode"))
        doc.address = _own_text(address)
    patient = _require(role, "patient", path + "/patient")
    doc.name_kana = _text(_child(patient, "name"))
    sex = _attr(_child(patient, "administrativeGenderCode"), "code")
    doc.sex = int(sex) if sex.isdigit() else None
    birth = _child(patient, "birthTime")
    doc.birth_date = _parse_date(birth.get("value") if birth is not None else None, path + "/patient/birthTime")


def _organization_fields(organization: etree._Element | None) -> tuple[str, str, str, str, str]:
    if organization is None:
        return "", "", "", "", ""
    number = next((i.get("extension", "") for i in _children(organization, "id") if i.get("root") == OID_CLINIC), "")
    telecom = _attr(_child(organization, "telecom"), "value").removeprefix("tel:")
    address = _child(organization, "addr")
    postal = _text(_child(address, "postalCode"))
    text = _own_text(address)
    return number, _text(_child(organization, "name")), telecom, postal, text


def _parse_author(root: etree._Element, doc: CheckupDocument) -> None:
    organization = _child(_child(_child(root, "author"), "assignedAuthor"), "representedOrganization")
    doc.author_org_number, doc.author_org_name, *_ = _organization_fields(organization)


def _parse_participant(root: etree._Element, doc: CheckupDocument) -> None:
    for participant in _children(root, "participant"):
        if participant.get("typeCode") != "HLD":
            continue
        function = _child(participant, "functionCode")
        doc.ticket_type = function.get("code", "1") if function is not None else "1"
        high = _child(_child(participant, "time"), "high")
        path = "/ClinicalDocument/participant/time/high"
        doc.ticket_expiry = _parse_date(high.get("value") if high is not None else None, path)
        identifier = _child(_child(participant, "associatedEntity"), "id")
        doc.ticket_number = identifier.get("extension", "") if identifier is not None else ""


def _parse_service_event(root: etree._Element, doc: CheckupDocument) -> None:
    path = "/ClinicalDocument/documentationOf/serviceEvent"
    event = _require(_require(root, "documentationOf", "/ClinicalDocument/documentationOf"), "serviceEvent", path)
    code = _child(event, "code")
    doc.program = code.get("code", "") if code is not None else ""
    time = _require(event, "effectiveTime", path + "/effectiveTime")
    doc.exam_date = _parse_date(time.get("value"), path + "/effectiveTime")
    if doc.exam_date is None:
        raise CdaError("健診実施日がありません。", "Exam date is missing.", path + "/effectiveTime/@value")
    organization = _child(_child(_child(event, "performer"), "assignedEntity"), "representedOrganization")
    fields = _organization_fields(organization)
    doc.clinic_number, doc.clinic_name, doc.clinic_phone, doc.clinic_postal_code, doc.clinic_address = fields
