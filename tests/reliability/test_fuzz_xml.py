"""Fuzzing the MHLW CDA importer with mutated copies of the synthetic sample (tests/fixtures).

Mutations: byte flips, truncations, element and attribute deletions, DOCTYPE / entity injection, huge and
non-finite numbers, impossible dates, and wrong encodings. Every input must end in a clear answer — a rejected
record or unreadable file with a Japanese and an English message, or a valid record — never an unhandled
exception, and a rejected input must leave the checkups, held records and programmes exactly as they were.

How many inputs were fuzzed is asserted at the end of each property (derandomized: the same inputs every run)
and recorded in docs/scaling.md.
"""

import datetime as dt
import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from checkups.intake_types import Submitter
from checkups.models import Checkup, HeldRecord, Upload
from guidance.models import Programme
from intake.records import prepare_member
from intake.uploads import upload_receive
from members.models import InsuredPerson
from tests.checkups.mhlw_samples import SAMPLE_CDA
from tests.factories import ClinicFactory, InsurerFactory, PersonFactory

TODAY = dt.date(2026, 11, 26)
PURE_EXAMPLES = 600  # parse + validate only
STORED_EXAMPLES = 150  # through upload_receive into the database
NAMESPACES = {"hl7": "urn:hl7-org:v3"}
HUGE_VALUES = ["1e309", "-1e309", "NaN", "Infinity", "-0", "9" * 400, "1" + "0" * 40, "0.000000000000000000001", ""]
ODD_DATES = ["00000000", "20261399", "99991231", "19000229", "2026-04-01", "2026040", "abcdefgh"]
DOCTYPES = [
    b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>',
    b'<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    b'<!DOCTYPE foo SYSTEM "http://127.0.0.1:9/evil.dtd">',
    b'<!DOCTYPE foo [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x"> %remote;]>',
]
ENCODINGS = ["utf-16", "utf-16-le", "shift_jis", "euc_jp", "latin-1", "cp932"]


# ---------------------------------------------------------------- mutations (each a function of a Random)


def _elements(data: bytes) -> tuple[etree._Element, list[etree._Element]]:
    root = etree.fromstring(data)
    return root, [e for e in root.iter() if isinstance(e.tag, str) and e is not root]


def flip_bytes(rng: random.Random, data: bytes) -> bytes:
    mutable = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        position = rng.randrange(len(mutable))
        mutable[position] ^= rng.choice([0x01, 0x20, 0x80, 0xFF, rng.randrange(1, 256)])
    return bytes(mutable)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data))]


def delete_element(rng: random.Random, data: bytes) -> bytes:
    root, elements = _elements(data)
    for _ in range(rng.randint(1, 3)):
        victim = rng.choice(elements)
        if victim.getparent() is not None:
            victim.getparent().remove(victim)
        elements = [e for e in root.iter() if isinstance(e.tag, str) and e is not root]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def delete_attribute(rng: random.Random, data: bytes) -> bytes:
    root, elements = _elements(data)
    with_attributes = [e for e in elements if e.attrib]
    for _ in range(rng.randint(1, 3)):
        element = rng.choice(with_attributes)
        if element.attrib:
            del element.attrib[rng.choice(list(element.attrib))]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def huge_number(rng: random.Random, data: bytes) -> bytes:
    root, _ = _elements(data)
    values = root.xpath("//hl7:value[@value]", namespaces=NAMESPACES)
    for element in rng.sample(values, k=min(len(values), rng.randint(1, 4))):
        element.set("value", rng.choice(HUGE_VALUES))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def odd_date(rng: random.Random, data: bytes) -> bytes:
    root, _ = _elements(data)
    dated = root.xpath(
        "//hl7:effectiveTime[@value] | //hl7:birthTime[@value] | //hl7:time[@value]", namespaces=NAMESPACES
    )
    for element in rng.sample(dated, k=min(len(dated), rng.randint(1, 3))):
        element.set("value", rng.choice(ODD_DATES))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def inject_doctype(rng: random.Random, data: bytes) -> bytes:
    declaration, _, rest = data.partition(b"?>")
    body = rest.replace(b"<ClinicalDocument ", b"<ClinicalDocument data='&lol2;' ", 1) if rng.random() < 0.5 else rest
    return declaration + b"?>" + rng.choice(DOCTYPES) + body


def wrong_encoding(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8")
    encoding = rng.choice(ENCODINGS)
    encoded = text.encode(encoding, errors="replace")
    if rng.random() < 0.5:  # declared as UTF-8 but sent in another encoding (or the other way round)
        return encoded
    return re.sub(rb'encoding="[^"]+"', f'encoding="{rng.choice(ENCODINGS)}"'.encode(), data)


MUTATIONS = [
    flip_bytes,
    truncate,
    delete_element,
    delete_attribute,
    huge_number,
    odd_date,
    inject_doctype,
    wrong_encoding,
]


@st.composite
def mutated_cda(draw: st.DrawFn) -> tuple[str, bytes]:
    rng = random.Random(draw(st.integers(min_value=0, max_value=2**32 - 1)))
    data = SAMPLE_CDA
    names = []
    for mutation in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=3)):
        try:
            data = mutation(rng, data)
        except (etree.XMLSyntaxError, ValueError, UnicodeDecodeError):
            continue  # an earlier mutation already broke the XML: keep what we have
        names.append(mutation.__name__)
    return "+".join(names) or "none", data


def _clear(errors) -> bool:
    return bool(errors) and all(getattr(e, "message_ja", "") and getattr(e, "message_en", "") for e in errors)


COUNTS: dict[str, int] = {}


# ---------------------------------------------------------------- properties


@pytest.mark.slow
def test_mutated_cda_files_get_a_clear_answer() -> None:
    """Parse + validate (no database): a rejected record with messages, or a valid document."""
    seen: list[str] = []

    @settings(
        max_examples=PURE_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=mutated_cda())
    def check(case: tuple[str, bytes]) -> None:
        name, data = case
        seen.append(name)
        prepared = prepare_member(f"h-{name}.xml", data, today=TODAY)  # any exception fails the test
        if prepared.failure is not None:
            assert prepared.failure.status == "rejected"
            assert _clear(prepared.failure.errors), (name, prepared.failure.errors)
        else:
            assert prepared.document is not None and prepared.items is not None

    check()
    COUNTS["parse"] = len(seen)
    assert len(seen) >= PURE_EXAMPLES * 0.9, len(seen)
    assert {m.__name__ for m in MUTATIONS} <= {part for name in seen for part in name.split("+")}


@pytest.fixture
def sample_world(db):
    """The sample file's insurer, clinic and person (card ＡＢ１２-1234567-01, born 1970-01-01, male)."""
    insurer = InsurerFactory(number="06999999")
    clinic = ClinicFactory(number="9999999999")
    PersonFactory(
        insurer=insurer,
        card_symbol="AB12",
        card_number="1234567",
        card_branch="01",
        sex=1,
        birth_date=dt.date(1970, 1, 1),
    )
    return Submitter(label=f"clinic:{clinic.pk}", clinic=clinic)


def _rows() -> tuple[int, int, int, int]:
    return Checkup.objects.count(), HeldRecord.objects.count(), Programme.objects.count(), InsuredPerson.objects.count()


@pytest.mark.slow
def test_mutated_uploads_never_write_partially(sample_world: Submitter) -> None:
    """Through upload_receive: an unreadable file is kept as a failed upload with its reason; a rejected record
    adds no row anywhere; an accepted one adds exactly its checkup (and programme), a held one its held record."""
    seen: list[str] = []

    @settings(
        max_examples=STORED_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=mutated_cda())
    def check(case: tuple[str, bytes]) -> None:
        name, data = case
        seen.append(name)
        before = _rows()
        intake = upload_receive(submitter=sample_world, data=data, file_name=f"h-{name}.xml")
        upload = Upload.objects.get(pk=intake.upload.pk)
        checkups, held, programmes, persons = (a - b for a, b in zip(_rows(), before, strict=True))
        assert persons == 0
        if not intake.created:  # the same bytes were sent before: the first answer, nothing new
            assert (checkups, held, programmes) == (0, 0, 0)
            return
        if upload.status == Upload.Status.FAILED:
            assert upload.error["message_ja"] and upload.error["message_en"], upload.error
            assert (checkups, held, programmes) == (0, 0, 0)
            return
        assert upload.status == Upload.Status.DONE, upload.status
        [entry] = upload.report
        if entry["status"] == "rejected":
            assert entry["errors"] and all(e["message_ja"] and e["message_en"] for e in entry["errors"]), entry
            assert (checkups, held, programmes) == (0, 0, 0)
        elif entry["status"] == "held":
            assert entry["message_ja"] and entry["message_en"]
            assert (checkups, held) == (0, 1)
        else:
            assert entry["status"] == "accepted"
            assert checkups == (1 if entry["created"] else 0) and held == 0 and programmes in (0, 1)

    check()
    COUNTS["stored"] = len(seen)
    assert len(seen) >= STORED_EXAMPLES * 0.9, len(seen)


def test_each_mutation_changes_the_file() -> None:
    rng = random.Random(7)
    for mutation in MUTATIONS:
        assert mutation(rng, SAMPLE_CDA) != SAMPLE_CDA, mutation.__name__


def test_the_unmutated_sample_is_accepted() -> None:
    prepared = prepare_member("h.xml", SAMPLE_CDA, today=TODAY)
    assert prepared.failure is None, prepared.failure
