"""Read and write the 特定健診情報ファイル (HL7 CDA R2, hc08_V08.xsd): SPEC §9.2–§9.3, formats-notes §1.5–§1.6.

Reading is one pass over the parsed tree (a 10,000-person archive is parsed in one import): each element is
visited once, children are selected by their Clark-notation tag in lxml's C iterators (one compiled XPath picks a
section's observations; no ElementPath), attributes are read with `.get`, and each observation is built once
from local values.
"""

import datetime as dt

from django.utils.translation import gettext_lazy as _
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
from checkups.mhlw.file_checks import CHECKUP_SCHEMA, check_schema
from checkups.mhlw.itemtable import ITEM_CODE_OID, item
from checkups.mhlw.safe_xml import parse_xml
from infra.i18n import message

__all__ = ["CdaError", "parse_cda", "write_cda"]

_V = "{" + NS + "}"
_XSI_TYPE = "{" + XSI + "}type"
_TAG_ROOT = _V + "ClinicalDocument"
_TAG_CODE = _V + "code"
_TAG_VALUE = _V + "value"
_TAG_INTERPRETATION = _V + "interpretationCode"
_TAG_METHOD = _V + "methodCode"
_TAG_AUTHOR = _V + "author"
_TAG_REFERENCE_RANGE = _V + "referenceRange"
_TAG_RELATIONSHIP = _V + "entryRelationship"
_TAG_COMPONENT = _V + "component"
_TAG_ENTRY = _V + "entry"
_TAG_OBSERVATION = _V + "observation"
_TAG_ID = _V + "id"
_TAG_PARTICIPANT = _V + "participant"
_TAG_ADDR = _V + "addr"
_TAG_PATIENT = _V + "patient"
_TAG_NAME = _V + "name"
_TAG_TELECOM = _V + "telecom"
_CODED = frozenset({"CD", "CO"})
# entry/observation of a section, selected in C (no proxy object per entry); compiled once, thread-safe in lxml
_ENTRY_OBSERVATIONS = etree.XPath("v:entry/v:observation", namespaces={"v": NS}, smart_strings=False)


def _child(element: etree._Element | None, name: str) -> etree._Element | None:
    """First child named `name` in the HL7 namespace (lxml filters by tag in C, no proxy per other child)."""
    if element is None:
        return None
    for child in element.iterchildren(_V + name):
        return child
    return None


def _children(element: etree._Element) -> dict[str, etree._Element]:
    """The first child of each tag (Clark notation), in one pass: cheaper than a `_child` per wanted tag."""
    found: dict[str, etree._Element] = {}
    for child in element:
        found.setdefault(str(child.tag), child)
    return found


def _missing(path: str) -> CdaError:
    return CdaError.of(message(_("必須要素 %(path)s がありません。"), path=path), path)


def _require(element: etree._Element | None, name: str, path: str) -> etree._Element:
    found = _child(element, name)
    if found is None:
        raise _missing(path)
    return found


def _required(children: dict[str, etree._Element], name: str, path: str) -> etree._Element:
    found = children.get(_V + name)
    if found is None:
        raise _missing(path)
    return found


def _parse_date(value: str | None, path: str) -> dt.date | None:
    if not value:
        return None
    try:
        if len(value) < 8 or not value[:8].isdigit():
            raise ValueError(value)
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError as exc:
        raise CdaError.of(
            message(_("%(path)s の日付 '%(value)s' がYYYYMMDD形式ではありません。"), path=path, value=value), path
        ) from exc


def _attr(element: etree._Element | None, name: str, default: str = "") -> str:
    if element is None:
        return default
    return element.get(name) or default


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    if not len(element):  # no children: the text is the element's own (no iterator needed)
        return (element.text or "").strip()
    return "".join(element.itertext()).strip()


def _own_text(element: etree._Element | None) -> str:
    """Text directly inside an element, without its children's text (addr = postalCode + address text)."""
    if element is None:
        return ""
    parts = [element.text or ""]
    parts.extend(child.tail or "" for child in element)
    return "".join(parts).strip()


def _read_value(
    child: etree._Element,
    value_type: str,
    value: str | None,
    unit: str,
    code_system: str,
    null_flavor: str,
    out_of_range: str | None,
) -> tuple[str, str | None, str, str, str, str | None]:
    """An observation's `value` child applied to what was read so far (a later duplicate overrides what it sets):
    (value type, value, unit, code system, nullFlavor, out-of-range mark)."""
    get = child.get
    kind = get(_XSI_TYPE) or ""
    if ":" in kind:
        kind = kind.rpartition(":")[2]
    if kind == "PQ":  # most results: one branch, no OID comparison
        flavor = get("nullFlavor")
        if flavor:
            return kind, value, unit, code_system, flavor, out_of_range
        return kind, get("value"), get("unit", ""), code_system, null_flavor, out_of_range
    coded = kind in _CODED
    if coded and get("codeSystem") == OID_OUT_OF_RANGE:
        return value_type, value, unit, code_system, null_flavor, get("code")  # 入力範囲外 L/H (formats-notes §1.6)
    flavor = get("nullFlavor")
    if flavor:
        return kind, value, unit, code_system, flavor, out_of_range
    if coded:
        return kind, get("code"), unit, get("codeSystem", ""), null_flavor, out_of_range
    return kind, child.text or "", unit, code_system, null_flavor, out_of_range


def _parse_observation(
    element: etree._Element, section: str, relationships: list[etree._Element] | None = None
) -> Observation:
    """One observation from its children, read in document order (a later duplicate child overrides)."""
    code = display_name = value_type = unit = method_code = code_system = interpretation = null_flavor = ""
    author_name = ""
    item_code_system = ITEM_CODE_OID
    value = out_of_range = reference_low = reference_high = None
    for child in element:
        tag = child.tag
        if tag == _TAG_VALUE:
            value_type, value, unit, code_system, null_flavor, out_of_range = _read_value(
                child, value_type, value, unit, code_system, null_flavor, out_of_range
            )
        elif tag == _TAG_CODE:
            get = child.get
            code, display_name = get("code", ""), get("displayName", "")
            item_code_system = get("codeSystem") or ITEM_CODE_OID
        elif tag == _TAG_METHOD:
            method_code = child.get("code", "")
        elif tag == _TAG_INTERPRETATION:
            interpretation = child.get("code", "")
        elif tag == _TAG_AUTHOR:
            author_name = _text(_child(_child(_child(child, "assignedAuthor"), "assignedPerson"), "name"))
        elif tag == _TAG_REFERENCE_RANGE:
            range_value = _child(_child(child, "observationRange"), "value")
            reference_low = _attr(_child(range_value, "low"), "value") or None
            reference_high = _attr(_child(range_value, "high"), "value") or None
        elif tag == _TAG_RELATIONSHIP and relationships is not None:
            relationships.append(child)
    if not value_type and code:
        definition = item(code)
        value_type = definition.value_type if definition else ""
    # positional: one call per observation, in Observation's field order
    return Observation(
        code,
        value_type,
        value,
        unit,
        method_code,
        code_system,
        interpretation,
        null_flavor,
        element.get("negationInd") == "true",
        out_of_range,
        section,
        None,  # group_code
        None,  # relation
        author_name,
        display_name,
        item_code_system,
        reference_low,
        reference_high,
    )


def _parse_group(relationships: list[etree._Element], section: str) -> list[Observation]:
    """The members of a series group (一連検査グループ): an observation without a code whose members are its
    entryRelationship observations; the group is named by the item table's group id of a member."""
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


def _parse_body(top: dict[str, etree._Element]) -> list[Observation]:
    body = _child(_required(top, "component", "/ClinicalDocument/component"), "structuredBody")
    if body is None:
        raise CdaError.of(_("structuredBody がありません。"), "/ClinicalDocument/component")
    observations: list[Observation] = []
    append = observations.append
    for component in body.iterchildren(_TAG_COMPONENT):
        section = _child(component, "section")
        if section is None:
            continue
        section_code = _attr(_child(section, "code"), "code", SECTION_SPECIFIC)
        for element in _ENTRY_OBSERVATIONS(section):
            relationships: list[etree._Element] = []
            observation = _parse_observation(element, section_code, relationships)
            if relationships and not observation.code:
                observations.extend(_parse_group(relationships, section_code))
            else:
                append(observation)
    return observations


def parse_cda(data: bytes, *, period: int | None = None, schema: str | None = CHECKUP_SCHEMA) -> CheckupDocument:
    """Parse a 3rd- or 4th-period CDA; raise CdaError/UnsafeXmlError when it cannot be used.

    Every received file is first validated against its XSD (SPEC §9.5: `hc08_V08.xsd`; pass `schema="hg"` for a
    guidance file, None only for a file this project wrote itself): a failing file is refused with the schema's
    first message and line (CdaError code `schema_invalid`).
    """
    try:
        root = parse_xml(data)
    except UnsafeXmlError as exc:
        raise CdaError(exc.message_ja, exc.message_en, exc.location) from exc
    if root.tag != _TAG_ROOT:
        raise CdaError.of(
            message(_("ルート要素が ClinicalDocument (%(ns)s) ではありません: %(tag)s"), ns=NS, tag=str(root.tag)), "/"
        )
    if schema is not None:
        schema_error = check_schema(root, schema)
        if schema_error is not None:
            raise schema_error
    top = _children(root)
    doc = CheckupDocument(observations=_parse_body(top))
    code = top.get(_TAG_CODE)
    doc.report_category = code.get("code", "") if code is not None else ""
    effective = top.get(_V + "effectiveTime")
    doc.document_date = _parse_date(_attr(effective, "value"), "/ClinicalDocument/effectiveTime")
    _parse_patient(top, doc)
    _parse_author(top, doc)
    _parse_participant(root, doc)
    _parse_service_event(top, doc)
    doc.period = period or (4 if doc.exam_date and doc.exam_date >= FOURTH_PERIOD_START else 3)
    return doc


def _parse_patient(top: dict[str, etree._Element], doc: CheckupDocument) -> None:
    path = "/ClinicalDocument/recordTarget/patientRole"
    role = _require(_required(top, "recordTarget", "/ClinicalDocument/recordTarget"), "patientRole", path)
    address = patient = None  # the first of each, read after the ids (one pass over the children)
    for child in role:
        tag = child.tag
        if tag == _TAG_ID:
            oid, extension = child.get("root"), child.get("extension", "")
            if oid == OID_INSURER:
                doc.insurer_number = extension
            elif oid == OID_CARD_SYMBOL:
                doc.card_symbol = extension
            elif oid == OID_CARD_NUMBER:
                doc.card_number = extension
            elif oid == OID_CARD_BRANCH:
                doc.card_branch = extension
        elif tag == _TAG_ADDR:
            address = child if address is None else address
        elif tag == _TAG_PATIENT:
            patient = child if patient is None else patient
    if not doc.insurer_number:
        raise CdaError.of(_("保険者番号 (id root=1.2.392.200119.6.101) がありません。"), path + "/id")
    if address is not None:
        doc.postal_code = _text(_child(address, "postalCode"))
        doc.address = _own_text(address)
    if patient is None:
        raise _missing(path + "/patient")
    person = _children(patient)
    doc.name_kana = _text(person.get(_TAG_NAME))
    sex = _attr(person.get(_V + "administrativeGenderCode"), "code")
    doc.sex = int(sex) if sex.isdigit() else None
    birth = person.get(_V + "birthTime")
    doc.birth_date = _parse_date(birth.get("value") if birth is not None else None, path + "/patient/birthTime")


def _organization_fields(organization: etree._Element | None) -> tuple[str, str, str, str, str]:
    if organization is None:
        return "", "", "", "", ""
    number = None  # the first id with the clinic OID; the first telecom, addr and name (one pass)
    telecom = address = name = None
    for child in organization:
        tag = child.tag
        if tag == _TAG_ID:
            if number is None and child.get("root") == OID_CLINIC:
                number = child.get("extension", "")
        elif tag == _TAG_TELECOM:
            telecom = child if telecom is None else telecom
        elif tag == _TAG_ADDR:
            address = child if address is None else address
        elif tag == _TAG_NAME:
            name = child if name is None else name
    postal = _text(_child(address, "postalCode"))
    text = _own_text(address)
    return number or "", _text(name), _attr(telecom, "value").removeprefix("tel:"), postal, text


def _parse_author(top: dict[str, etree._Element], doc: CheckupDocument) -> None:
    organization = _child(_child(top.get(_TAG_AUTHOR), "assignedAuthor"), "representedOrganization")
    doc.author_org_number, doc.author_org_name, *_ = _organization_fields(organization)


def _parse_participant(root: etree._Element, doc: CheckupDocument) -> None:
    for participant in root.iterchildren(_TAG_PARTICIPANT):
        if participant.get("typeCode") != "HLD":
            continue
        function = _child(participant, "functionCode")
        doc.ticket_type = function.get("code", "1") if function is not None else "1"
        high = _child(_child(participant, "time"), "high")
        path = "/ClinicalDocument/participant/time/high"
        doc.ticket_expiry = _parse_date(high.get("value") if high is not None else None, path)
        identifier = _child(_child(participant, "associatedEntity"), "id")
        doc.ticket_number = identifier.get("extension", "") if identifier is not None else ""


def _parse_service_event(top: dict[str, etree._Element], doc: CheckupDocument) -> None:
    path = "/ClinicalDocument/documentationOf/serviceEvent"
    documentation = _required(top, "documentationOf", "/ClinicalDocument/documentationOf")
    event = _children(_require(documentation, "serviceEvent", path))
    code = event.get(_TAG_CODE)
    doc.program = code.get("code", "") if code is not None else ""
    time = _required(event, "effectiveTime", path + "/effectiveTime")
    doc.exam_date = _parse_date(time.get("value"), path + "/effectiveTime")
    if doc.exam_date is None:
        raise CdaError.of(_("健診実施日がありません。"), path + "/effectiveTime/@value")
    organization = _child(_child(event.get(_V + "performer"), "assignedEntity"), "representedOrganization")
    fields = _organization_fields(organization)
    doc.clinic_number, doc.clinic_name, doc.clinic_phone, doc.clinic_postal_code, doc.clinic_address = fields
