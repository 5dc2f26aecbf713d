"""The one place that parses untrusted XML, plus XSD validation against the bundled 4th-period schemas.

Files come from clinics and employers, so the parser is locked down: no DTD, no entity expansion, no network,
no huge trees, and any document declaring a DOCTYPE is refused outright (billion laughs, XXE).
"""

import functools
import re
import threading
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _
from lxml import etree

from checkups.mhlw.errors import UnsafeXmlError
from infra.i18n import message

XSD_DIR = (Path(__file__).parent / "data" / "xsd-v4").resolve()
# SPEC §9.3: the schema files of the 4th-period set (formats-notes §1.2).
XSD_FILES = {
    "hc": "hc08_V08.xsd",
    "hg": "hg08_V08.xsd",
    "ix": "ix08_V08.xsd",
    "su": "su08_V08.xsd",
    "cc": "cc08_V08.xsd",
    "gc": "gc08_V08.xsd",
}
MAX_REPORTED_SCHEMA_ERRORS = 50

_DOCTYPE_MARKERS = tuple(
    marker.encode(encoding) for marker in ("<!DOCTYPE", "<!ENTITY") for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
# The same test for a file without NUL bytes (no UTF-16 marker can be in it): one regex pass instead of six scans
_DOCTYPE_MARKERS_UTF8 = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
_local = threading.local()


def _declares_doctype(data: bytes) -> bool:
    """Whether any DOCTYPE/ENTITY marker (UTF-8, UTF-16 LE/BE) occurs anywhere in the bytes."""
    if b"\x00" in data:
        return any(marker in data for marker in _DOCTYPE_MARKERS)
    return _DOCTYPE_MARKERS_UTF8.search(data) is not None


def _parser() -> etree.XMLParser:
    # lxml parsers must not be shared between threads; one per thread, reused for speed.
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
            remove_blank_text=True,  # fewer nodes to build and walk; mixed-content tails are not blank
            collect_ids=False,
        )
        _local.parser = parser
    return parser


def parse_xml(data: bytes) -> etree._Element:
    """Parse untrusted bytes; raise UnsafeXmlError for malformed XML or any DOCTYPE/ENTITY declaration."""
    if _declares_doctype(data):
        raise UnsafeXmlError.of(_("DOCTYPE宣言(DTD・実体参照)を含むXMLは受け付けません。"))
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise UnsafeXmlError.of(
            message(_("XMLの形式が正しくありません: %(error)s"), error=exc.msg),
            f"line {exc.lineno}" if exc.lineno else "",
        ) from exc
    if root.getroottree().docinfo.doctype:
        raise UnsafeXmlError.of(_("DOCTYPE宣言を含むXMLは受け付けません。"))
    return root


class _LocalXsdResolver(etree.Resolver):
    """Serves schema includes only from XSD_DIR; everything else resolves to nothing (no network, no disk)."""

    def resolve(self, system_url: str | None, public_id: str | None, context: object) -> Any:
        candidate = Path((system_url or "").removeprefix("file://")).resolve()
        if candidate.is_file() and candidate.is_relative_to(XSD_DIR):
            return self.resolve_filename(str(candidate), context)
        return self.resolve_empty(context)


@functools.cache
def _schema(kind: str) -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    parser.resolvers.add(_LocalXsdResolver())
    document = etree.parse(str(XSD_DIR / XSD_FILES[kind]), parser)
    return etree.XMLSchema(document)


def schema_errors(element: etree._Element, kind: str) -> list[tuple[int, str]]:
    """(line, message) of each schema error of a parsed document against the bundled 4th-period XSD."""
    if kind not in XSD_FILES:
        raise ValueError(f"unknown schema kind {kind!r}; expected one of {sorted(XSD_FILES)}")
    schema = _schema(kind)
    if schema.validate(element):
        return []
    return [(error.line, error.message) for error in schema.error_log][:MAX_REPORTED_SCHEMA_ERRORS]


def validate_against_xsd(doc: etree._Element | bytes, kind: str) -> list[str]:
    """Schema errors ("line N: message") of a document against the bundled 4th-period XSD (SPEC §9.3)."""
    if kind not in XSD_FILES:
        raise ValueError(f"unknown schema kind {kind!r}; expected one of {sorted(XSD_FILES)}")
    element = parse_xml(doc) if isinstance(doc, bytes) else doc
    return [f"line {line}: {text}" for line, text in schema_errors(element, kind)]
