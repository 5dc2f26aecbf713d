"""Shared sample bytes and in-memory archive builders for the MHLW format tests."""

import io
import zipfile
from pathlib import Path

FIXTURES = Path(__file__).parents[1] / "fixtures"
SAMPLE_CDA = (FIXTURES / "h99999999992026040101000000.xml").read_bytes()
SAMPLE_INDEX = (FIXTURES / "ix08_V08.xml").read_bytes()
ROOT = "9999999999_06999999_202604010_1"
NAMESPACE_PERIOD_3 = b"http://tokuteikenshin.jp/checkup/2007"
NAMESPACE_PERIOD_4 = b"https://www.mhlw.go.jp/stf/seisakunitsuite/bunya/0000161103.html"


def zip_bytes(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def sample_archive(*, index: bytes = SAMPLE_INDEX, documents: int = 1) -> bytes:
    entries = {f"{ROOT}/ix08_V08.xml": index.replace(b'value="1"/>', f'value="{documents}"/>'.encode())}
    for number in range(documents):
        entries[f"{ROOT}/DATA/h999999999920260401010{number:05d}.xml"] = SAMPLE_CDA
    return zip_bytes(entries)
