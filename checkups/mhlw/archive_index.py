"""交換用基本情報ファイル ix08_V08.xml: read 3rd- and 4th-period, write 4th-period (SPEC §9.1, §9.3).

formats-notes §1.3: element order interactionType, creationTime, sender, receiver?, serviceEventType,
totalRecordCount (number of DATA + CLAIMS files).
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from lxml import etree

from checkups.mhlw.errors import ArchiveError, UnsafeXmlError
from checkups.mhlw.safe_xml import parse_xml
from infra.i18n import message

INDEX_FILE_NAME = "ix08_V08.xml"
NAMESPACE_PERIOD_3 = "http://tokuteikenshin.jp/checkup/2007"  # SPEC §9.3
NAMESPACE_PERIOD_4 = "https://www.mhlw.go.jp/stf/seisakunitsuite/bunya/0000161103.html"  # SPEC §9.3
PERIOD_BY_NAMESPACE = {NAMESPACE_PERIOD_3: 3, NAMESPACE_PERIOD_4: 4}
XSI = "http://www.w3.org/2001/XMLSchema-instance"
CLINIC_OID = "1.2.392.200119.6.102"  # 健診機関番号, 10 digits (formats-notes §1.3)
INSURER_OID = "1.2.392.200119.6.101"  # 保険者番号, 8 digits
AGENCY_OID = "1.2.392.200119.6.103"  # 代行機関番号, 8 digits
CLINIC_NUMBER_LENGTH = 10


@dataclass(frozen=True, slots=True)
class ArchiveIndex:
    period: int  # 3 or 4, from the namespace
    interaction_type: int  # 種別コード (別表1)
    creation_date: dt.date | None
    sender: str
    sender_oid: str
    receiver: str
    service_event_type: int  # 実施区分 (別表3): 1 特定健診, 2 保健指導, 4 他の健診結果の受領分
    total_record_count: int


def _int_attribute(root: etree._Element, namespace: str, name: str, attribute: str) -> int:
    element = root.find(f"{{{namespace}}}{name}")
    raw = element.get(attribute, "") if element is not None else ""
    if not raw.strip().isdigit():
        text = _("%(file)s の %(name)s/@%(attribute)s がありません、または数値ではありません: %(raw)s")
        where = f"/index/{name}/@{attribute}"
        raise ArchiveError.of(message(text, file=INDEX_FILE_NAME, name=name, attribute=attribute, raw=repr(raw)), where)
    return int(raw)


def parse_index(data: bytes) -> ArchiveIndex:
    try:
        root = parse_xml(data)
    except UnsafeXmlError as exc:
        raise ArchiveError(exc.message_ja, exc.message_en, INDEX_FILE_NAME) from exc
    namespace = etree.QName(root).namespace or ""
    if etree.QName(root).localname != "index" or namespace not in PERIOD_BY_NAMESPACE:
        raise ArchiveError.of(
            message(
                _("%(file)s の名前空間 %(namespace)s は第3期・第4期のいずれでもありません。"),
                file=INDEX_FILE_NAME,
                namespace=repr(namespace),
            ),
            "/index",
        )
    sender = root.find(f"{{{namespace}}}sender/{{{namespace}}}id")
    receiver = root.find(f"{{{namespace}}}receiver/{{{namespace}}}id")
    created = root.find(f"{{{namespace}}}creationTime")
    created_raw = created.get("value", "") if created is not None else ""
    try:
        creation_date = dt.datetime.strptime(created_raw, "%Y%m%d").date() if created_raw else None  # noqa: DTZ007
    except ValueError:
        creation_date = None
    return ArchiveIndex(
        period=PERIOD_BY_NAMESPACE[namespace],
        interaction_type=_int_attribute(root, namespace, "interactionType", "code"),
        creation_date=creation_date,
        sender=sender.get("extension", "") if sender is not None else "",
        sender_oid=sender.get("root", "") if sender is not None else "",
        receiver=receiver.get("extension", "") if receiver is not None else "",
        service_event_type=_int_attribute(root, namespace, "serviceEventType", "code"),
        total_record_count=_int_attribute(root, namespace, "totalRecordCount", "value"),
    )


def build_index(
    *,
    sender: str,
    receiver: str,
    receiver_oid: str,
    created: dt.date,
    interaction_type: int,
    service_event_type: int,
    total_record_count: int,
) -> bytes:
    """A 4th-period ix08_V08.xml; sender OID by number length (健診機関 10 digits, else 保険者)."""
    ns = NAMESPACE_PERIOD_4
    root = etree.Element(f"{{{ns}}}index", nsmap={None: ns, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{ns} ./XSD/ix08_V08.xsd")
    etree.SubElement(root, f"{{{ns}}}interactionType", code=str(interaction_type))
    etree.SubElement(root, f"{{{ns}}}creationTime", value=created.strftime("%Y%m%d"))
    sender_oid = CLINIC_OID if len(sender) == CLINIC_NUMBER_LENGTH else INSURER_OID
    etree.SubElement(etree.SubElement(root, f"{{{ns}}}sender"), f"{{{ns}}}id", root=sender_oid, extension=sender)
    receiver_element = etree.SubElement(root, f"{{{ns}}}receiver")
    etree.SubElement(receiver_element, f"{{{ns}}}id", root=receiver_oid, extension=receiver)
    etree.SubElement(root, f"{{{ns}}}serviceEventType", code=str(service_event_type))
    etree.SubElement(root, f"{{{ns}}}totalRecordCount", value=str(total_record_count))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
