import time

import pytest

from checkups.mhlw.errors import UnsafeXmlError
from checkups.mhlw.safe_xml import parse_xml, validate_against_xsd
from tests.checkups.mhlw_samples import SAMPLE_CDA, SAMPLE_INDEX

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<foo>&xxe;</foo>"""


def test_billion_laughs_is_rejected_fast() -> None:
    started = time.perf_counter()
    with pytest.raises(UnsafeXmlError) as caught:
        parse_xml(BILLION_LAUGHS)
    assert time.perf_counter() - started < 1.0
    assert "DOCTYPE" in caught.value.message_en


def test_external_entity_never_leaks_file_content() -> None:
    with pytest.raises(UnsafeXmlError) as caught:
        parse_xml(XXE)
    assert "root:" not in str(caught.value)
    assert "root:" not in caught.value.message_ja


def test_utf16_doctype_is_rejected() -> None:
    with pytest.raises(UnsafeXmlError):
        parse_xml(XXE.decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"').encode("utf-16"))


@pytest.mark.parametrize("data", [b"", b"<a>", b"<a></b>", b"not xml at all", b"<a>\x00</a>"])
def test_malformed_xml_raises_unsafe_xml_error(data: bytes) -> None:
    with pytest.raises(UnsafeXmlError):
        parse_xml(data)


def test_sample_files_validate_against_the_bundled_xsd() -> None:
    assert validate_against_xsd(SAMPLE_CDA, "hc") == []
    assert validate_against_xsd(SAMPLE_INDEX, "ix") == []


def test_xsd_validation_reports_errors() -> None:
    broken = SAMPLE_INDEX.replace(b'<interactionType code="6"/>', b"")
    errors = validate_against_xsd(broken, "ix")
    assert errors
    assert errors[0].startswith("line ")


def test_unknown_schema_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown schema kind"):
        validate_against_xsd(SAMPLE_INDEX, "zz")


def test_parser_itself_does_not_resolve_entities_even_without_the_doctype_check() -> None:
    from lxml import etree

    from checkups.mhlw import safe_xml

    root = etree.fromstring(XXE, safe_xml._parser())
    assert "root:" not in etree.tostring(root).decode()


def test_cda_with_external_entity_fails_without_leaking() -> None:
    from checkups.mhlw.cda import parse_cda
    from checkups.mhlw.errors import CdaError

    hostile = SAMPLE_CDA.replace(
        b"<ClinicalDocument", b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<ClinicalDocument', 1
    ).replace(b"\xe3\x82\xb1\xe3\x83\xb3\xe3\x82\xb7\xe3\x83\xb3\xe3\x82\xbf\xe3\x83\xad\xe3\x82\xa6", b"&e;")
    with pytest.raises(CdaError) as caught:
        parse_cda(hostile)
    assert "root:" not in caught.value.message_en + caught.value.message_ja
