"""Shared builders for the upload, API and export tests (deterministic ZIPs, the sample's person)."""

import datetime as dt
import io
import zipfile

from checkups.mhlw.cda import write_cda
from members.models import InsuredPerson, Insurer
from tests.checkups.documents import document
from tests.checkups.mhlw_samples import ROOT, SAMPLE_CDA, SAMPLE_INDEX
from tests.factories import PersonFactory

FIXED_TIME = (2026, 4, 1, 0, 0, 0)


def zip_fixed(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A ZIP whose bytes depend only on its entries (fixed timestamps), so the same content has one sha256."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = compression
            archive.writestr(info, data)
    return buffer.getvalue()


def archive_of(cdas: list[bytes], *, index: bytes = SAMPLE_INDEX, root: str = ROOT) -> bytes:
    entries = {f"{root}/ix08_V08.xml": index.replace(b'value="1"/>', f'value="{len(cdas)}"/>'.encode())}
    for number, cda in enumerate(cdas):
        entries[f"{root}/DATA/h9999999999202604010{number:06d}.xml"] = cda
    return zip_fixed(entries)


def sample_archive_fixed() -> bytes:
    return archive_of([SAMPLE_CDA])


def sample_person(insurer: Insurer) -> InsuredPerson:
    """The person of tests/fixtures/h99999999992026040101000000.xml (full-width 記号 ＡＢ１２ on the file)."""
    return PersonFactory(
        insurer=insurer,
        card_symbol="AB12",
        card_number="1234567",
        card_branch="01",
        name_kana="ケンシンタロウ",
        sex=1,
        birth_date=dt.date(1970, 1, 1),
    )


def cda(person=None, **overrides) -> bytes:
    """A complete 4th-period CDA (tests.checkups.documents) for `person`."""
    return write_cda(document(person, **overrides))


# Items the 事業者健診 column (XMLhc24tab CASE03) requires beyond COMPLETE_ITEMS (SPEC §9.4, §7.1)
EMPLOYER_ITEMS: dict[str, tuple[str, str, str, str]] = {
    "9N051000000000049": ("ST", "事務職", "", ""),
    "2A030000001930101": ("PQ", "14.2", "g/dL", ""),
    "2A020000001930101": ("PQ", "460", "10*4/mm3", ""),
    "9A110160700000011": ("CD", "2", "", "1.2.392.200119.6.2002"),
    "9A110161600000011": ("CD", "0", "", "1.2.392.200119.6.18120"),
    "6A010160706170411": ("CD", "2", "", "1.2.392.200119.6.2002"),
    "6A205000006171711": ("CO", "1", "", "1.2.392.200119.6.2102"),
    "6A205165606171711": ("CO", "1", "", "1.2.392.200119.6.2131"),
    "9D100163100000011": ("CD", "2", "", "1.2.392.200119.6.2002"),
    "9D100163200000011": ("CD", "2", "", "1.2.392.200119.6.2002"),
    "9D100163500000011": ("CD", "2", "", "1.2.392.200119.6.2002"),
    "9D100163600000011": ("CD", "2", "", "1.2.392.200119.6.2002"),
    "9D100164000000011": ("CD", "1", "", "1.2.392.200119.6.2301"),
    "9N521000000000049": ("ST", "就業上の措置は不要", "", ""),
    "9E160162100000001": ("PQ", "1.2", "", ""),
    "9E160162200000001": ("PQ", "1.0", "", ""),
    "9N206160700000011": ("CD", "2", "", "1.2.392.200119.6.2002"),
    "9N206160800000049": ("ST", "異常なし", "", ""),
    "9N211161100000049": ("ST", "20250610", "", ""),
    "9N211161200000049": ("ST", "F-001", "", ""),
}


def employer_cda(person=None, *, items: dict | None = None, **overrides) -> bytes:
    """A 事業者健診 (program 030) record with every CASE03 item; `items` overrides or removes (None) codes."""
    doc = document(person, program="030", items={**EMPLOYER_ITEMS, **(items or {})}, **overrides)
    opinion = doc.observation("9N521000000000049")
    if opinion is not None:
        opinion.author_name = "架空産業医"  # 9N526 意見を述べた医師の氏名 travels as its author (formats-notes §1.6)
    return write_cda(doc)
