"""Write a 4th-period 特定健診情報ファイル that validates against hc08_V08.xsd (SPEC §9.3).

Element order follows the XSD sequences (formats-notes §1.5 table). Series groups are re-assembled from
`group_code`/`relation`; doctors' names go to observation/author (formats-notes §1.6).
"""

import datetime as dt

from lxml import etree

from checkups.mhlw.cda_codes import (
    CDA_TYPE_ID_EXTENSION,
    CDA_TYPE_ID_ROOT,
    NS,
    OID_CARD_BRANCH,
    OID_CARD_NUMBER,
    OID_CARD_SYMBOL,
    OID_CLINIC,
    OID_INSURER,
    OID_OUT_OF_RANGE,
    OID_PROGRAM,
    OID_REPORT_CATEGORY,
    OID_SECTION,
    OID_SEX,
    OID_TICKET_PREFIX,
    OID_TICKET_TYPE,
    OUT_OF_RANGE_LABELS,
    SECTION_NAMES,
    XSI,
)
from checkups.mhlw.document import CheckupDocument, Observation
from checkups.mhlw.itemtable import ITEM_CODE_OID

_V = "{" + NS + "}"
_XSI_TYPE = "{" + XSI + "}type"
SCHEMA_LOCATION = f"{NS} ../XSD/hc08_V08.xsd"  # relative to DATA/ (formats-notes §1.5)


def _el(parent: etree._Element, name: str, text: str | None = None, **attributes: str | None) -> etree._Element:
    element = etree.SubElement(parent, _V + name, {k: v for k, v in attributes.items() if v is not None})
    if text is not None:
        element.text = text
    return element


def _ymd(value: dt.date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


def _organization(parent: etree._Element, number: str, name: str, phone: str, postal: str, address: str) -> None:
    organization = _el(parent, "representedOrganization")
    _el(organization, "id", extension=number, root=OID_CLINIC)
    if name:
        _el(organization, "name", name)
    if phone:
        _el(organization, "telecom", value=f"tel:{phone}")
    if postal or address:
        addr = _el(organization, "addr")
        if postal:
            _el(addr, "postalCode", postal).tail = address or None
        else:
            addr.text = address


def write_header(root: etree._Element, doc: CheckupDocument) -> None:
    """The CDA header (formats-notes §1.5) of `doc`; shared with the guidance file (hg08, SPEC §9.6)."""
    _el(root, "typeId", root=CDA_TYPE_ID_ROOT, extension=CDA_TYPE_ID_EXTENSION)
    _el(root, "id", nullFlavor="NI")
    _el(root, "code", code=doc.report_category or "10", codeSystem=OID_REPORT_CATEGORY)
    _el(root, "effectiveTime", value=_ymd(doc.document_date or doc.exam_date))
    _el(root, "confidentialityCode", code="N")
    role = _el(_el(root, "recordTarget"), "patientRole")
    _el(role, "id", extension=doc.insurer_number, root=OID_INSURER)
    for oid, value in ((OID_CARD_SYMBOL, doc.card_symbol), (OID_CARD_NUMBER, doc.card_number)):
        if value:
            _el(role, "id", extension=value, root=oid)
    if doc.card_branch:
        _el(role, "id", extension=doc.card_branch, root=OID_CARD_BRANCH)
    if doc.postal_code or doc.address:
        addr = _el(role, "addr")
        if doc.postal_code:
            _el(addr, "postalCode", doc.postal_code).tail = doc.address or None
        else:
            addr.text = doc.address
    patient = _el(role, "patient")
    _el(patient, "name", doc.name_kana)
    if doc.sex is not None:
        _el(patient, "administrativeGenderCode", code=str(doc.sex), codeSystem=OID_SEX)
    if doc.birth_date:
        _el(patient, "birthTime", value=_ymd(doc.birth_date))
    author = _el(root, "author")
    _el(author, "time", value=_ymd(doc.document_date or doc.exam_date))
    assigned = _el(author, "assignedAuthor")
    _el(assigned, "id", nullFlavor="NI")
    _organization(
        assigned,
        doc.author_org_number or doc.clinic_number,
        doc.author_org_name or doc.clinic_name,
        doc.clinic_phone,
        doc.clinic_postal_code,
        doc.clinic_address,
    )
    custodian = _el(_el(_el(root, "custodian"), "assignedCustodian"), "representedCustodianOrganization")
    _el(custodian, "id", nullFlavor="NI")
    if doc.ticket_number:
        _write_ticket(root, doc)
    event = _el(_el(root, "documentationOf"), "serviceEvent")
    _el(event, "code", code=doc.program, codeSystem=OID_PROGRAM)
    _el(event, "effectiveTime", value=_ymd(doc.exam_date))
    entity = _el(_el(event, "performer", typeCode="PRF"), "assignedEntity")
    _el(entity, "id", nullFlavor="NI")
    _organization(
        entity, doc.clinic_number, doc.clinic_name, doc.clinic_phone, doc.clinic_postal_code, doc.clinic_address
    )


def _write_ticket(root: etree._Element, doc: CheckupDocument) -> None:
    participant = _el(root, "participant", typeCode="HLD")
    _el(participant, "functionCode", code=doc.ticket_type or "1", codeSystem=OID_TICKET_TYPE)
    if doc.ticket_expiry:
        _el(_el(participant, "time"), "high", value=_ymd(doc.ticket_expiry))
    entity = _el(participant, "associatedEntity", classCode="IDENT")
    _el(entity, "id", extension=doc.ticket_number, root=OID_TICKET_PREFIX + doc.insurer_number.zfill(8))
    _el(_el(entity, "scopingOrganization"), "id", extension=doc.insurer_number, root=OID_INSURER)


def _write_observation(parent: etree._Element, observation: Observation) -> None:
    element = _el(parent, "observation", classCode="OBS", moodCode="EVN")
    if observation.negated:
        element.set("negationInd", "true")
    code_system = None if observation.item_code_system == ITEM_CODE_OID else observation.item_code_system
    _el(
        element,
        "code",
        code=observation.code,
        codeSystem=code_system,
        displayName=observation.display_name or None,
    )
    if not observation.negated:
        _write_values(element, observation)
    if observation.interpretation:
        _el(element, "interpretationCode", code=observation.interpretation)
    if observation.method_code:
        _el(element, "methodCode", code=observation.method_code)
    if observation.author_name:
        author = _el(element, "author")
        _el(author, "time", nullFlavor="NI")
        assigned = _el(author, "assignedAuthor")
        _el(assigned, "id", nullFlavor="NI")
        _el(_el(assigned, "assignedPerson"), "name", observation.author_name)
    if observation.reference_low is not None or observation.reference_high is not None:
        _write_reference_range(element, observation)


def _write_values(element: etree._Element, observation: Observation) -> None:
    value_type = observation.value_type
    if observation.null_flavor:
        _el(element, "value", nullFlavor=observation.null_flavor).set(_XSI_TYPE, value_type)
    elif observation.value is not None:
        if value_type == "PQ":
            value = _el(element, "value", value=observation.value, unit=observation.unit or None)
        elif value_type in ("CD", "CO"):
            value = _el(element, "value", code=observation.value, codeSystem=observation.code_system or None)
        else:
            value = _el(element, "value", observation.value)
        value.set(_XSI_TYPE, value_type)
    if observation.out_of_range in OUT_OF_RANGE_LABELS:
        label = OUT_OF_RANGE_LABELS[observation.out_of_range]
        value = _el(element, "value", code=observation.out_of_range, codeSystem=OID_OUT_OF_RANGE, displayName=label)
        value.set(_XSI_TYPE, "CD")


def _write_reference_range(element: etree._Element, observation: Observation) -> None:
    observation_range = _el(_el(element, "referenceRange"), "observationRange", classCode="OBS", moodCode="EVN.CRT")
    value = _el(observation_range, "value")
    value.set(_XSI_TYPE, "IVL_PQ")
    for name, bound in (("low", observation.reference_low), ("high", observation.reference_high)):
        if bound is not None:
            _el(value, name, value=bound, unit=observation.unit or None)


def _write_sections(body: etree._Element, observations: list[Observation]) -> None:
    sections: dict[str, etree._Element] = {}
    groups: dict[tuple[str, str], etree._Element] = {}
    for observation in observations:
        section = sections.get(observation.section)
        if section is None:
            section = _el(_el(body, "component"), "section")
            name = SECTION_NAMES.get(observation.section)
            _el(section, "code", code=observation.section, codeSystem=OID_SECTION, displayName=name)
            _el(section, "text")
            sections[observation.section] = section
        if not observation.group_code:
            _write_observation(_el(section, "entry"), observation)
            continue
        key = (observation.section, observation.group_code)
        group = groups.get(key)
        if group is None:
            group = _el(_el(section, "entry"), "observation", classCode="OBS", moodCode="EVN")
            _el(group, "code", nullFlavor="NA")
            groups[key] = group
        relationship = _el(group, "entryRelationship", typeCode=observation.relation or "COMP")
        _write_observation(relationship, observation)


def write_cda(doc: CheckupDocument) -> bytes:
    """Serialise a document as a 4th-period CDA (UTF-8, formats-notes §1.4)."""
    root = etree.Element(_V + "ClinicalDocument", nsmap={None: NS, "xsi": XSI})
    root.set("{" + XSI + "}schemaLocation", SCHEMA_LOCATION)
    write_header(root, doc)
    _write_sections(_el(_el(root, "component"), "structuredBody"), doc.observations)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
