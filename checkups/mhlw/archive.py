"""送付用アーカイブ (ZIP) reading and writing: SPEC §9.1, §9.3; formats-notes §1.2–§1.3.

Reading never touches the disk: every entry is checked (count, sizes, ratio, names, symlinks) before any member
is decompressed, and members are then read lazily into memory with a running size budget, so a ZIP whose
headers lie about sizes cannot exhaust memory.
"""

import datetime as dt
import io
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _
from lxml import etree

from checkups.mhlw.archive_index import (
    INDEX_FILE_NAME,
    INSURER_OID,
    NAMESPACE_PERIOD_3,
    ArchiveIndex,
    build_index,
    parse_index,
)
from checkups.mhlw.cda import write_cda
from checkups.mhlw.cda_codes import NS
from checkups.mhlw.document import CheckupDocument
from checkups.mhlw.errors import ArchiveError, MhlwFormatError
from checkups.mhlw.file_checks import archive_findings
from checkups.mhlw.safe_xml import XSD_DIR, parse_xml
from infra.i18n import Message, message

MB = 1024 * 1024
READ_CHUNK = 64 * 1024
RATIO_CHECK_MIN_BYTES = 64 * 1024  # tiny members cannot bomb; their ratio is noise
_DRIVE_LETTER = re.compile(r"^[A-Za-z]:")
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
SUMMARY_FILE_NAME = "su08_V08.xml"  # 集計情報ファイル, optional (SPEC §9.1)


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    """◆ Safety limits for uploads (project decision; a 10,000-person archive is ~150 MB uncompressed)."""

    max_entries: int = 20_000
    max_total_uncompressed: int = 500 * MB
    max_ratio: int = 200
    max_member: int = 20 * MB


def _reject(text: Message, name: str = "") -> ArchiveError:
    return ArchiveError.of(text, name)


def _check_name(info: zipfile.ZipInfo) -> None:
    name = info.filename
    parts = name.split("/")
    if (
        name.startswith("/")
        or "\\" in name
        or "\x00" in name
        or _DRIVE_LETTER.match(name)
        or any(part == ".." for part in parts)
    ):
        raise _reject(message(_("不正なパスを含むエントリがあります: %(name)s"), name=repr(name)), name)
    mode = info.external_attr >> 16
    if info.create_system == 3 and stat.S_ISLNK(mode):  # 3 = Unix
        raise _reject(message(_("シンボリックリンクは受け付けません: %(name)s"), name=repr(name)), name)


def _check_entries(infos: list[zipfile.ZipInfo], limits: ArchiveLimits) -> None:
    if len(infos) > limits.max_entries:
        text = _("エントリ数 %(count)s が上限 %(limit)s を超えています。")
        raise _reject(message(text, count=len(infos), limit=limits.max_entries))
    seen: set[str] = set()
    total = 0
    for info in infos:
        _check_name(info)
        if info.filename in seen:
            raise _reject(message(_("同名のエントリが重複しています: %(name)s"), name=info.filename), info.filename)
        seen.add(info.filename)
        if info.file_size > limits.max_member:
            text = _("%(name)s の展開後サイズ %(size)s が上限 %(limit)s を超えています。")
            raise _reject(
                message(text, name=info.filename, size=info.file_size, limit=limits.max_member), info.filename
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_CHECK_MIN_BYTES and ratio > limits.max_ratio:
            text = _("%(name)s の圧縮率 %(ratio)s が上限 %(limit)s を超えています。")
            shown = f"{ratio:.0f}"
            raise _reject(message(text, name=info.filename, ratio=shown, limit=limits.max_ratio), info.filename)
        total += info.file_size
    if total > limits.max_total_uncompressed:
        text = _("展開後の合計サイズ %(total)s が上限 %(limit)s を超えています。")
        raise _reject(message(text, total=total, limit=limits.max_total_uncompressed))


@dataclass
class Archive:
    """An opened upload: the parsed index (None for a single CDA) and lazily read DATA members."""

    index: ArchiveIndex | None
    root_name: str = ""
    warnings: list[dict[str, Any]] = field(default_factory=list)  # SPEC §9.5 findings (file_checks)
    _zip: zipfile.ZipFile | None = None
    _limits: ArchiveLimits = field(default_factory=ArchiveLimits)
    _data_names: list[str] = field(default_factory=list)
    _single: tuple[str, bytes] | None = None
    _read_total: int = 0

    def read_member(self, name: str) -> bytes:
        """Decompress one member, counting real output so lying headers cannot exceed the limits."""
        assert self._zip is not None
        chunks: list[bytes] = []
        size = 0
        try:
            with self._zip.open(name) as stream:
                while chunk := stream.read(READ_CHUNK):
                    size += len(chunk)
                    self._read_total += len(chunk)
                    if size > self._limits.max_member or self._read_total > self._limits.max_total_uncompressed:
                        raise _reject(message(_("%(name)s の展開後サイズが上限を超えました。"), name=name), name)
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
            # CRC or size mismatch: zipfile stops at the declared size, so a lying header ends here
            text = message(_("%(name)s を展開できません: %(error)s"), name=name, error=str(exc))
            raise _reject(text, name) from exc
        return b"".join(chunks)

    def data_names(self) -> list[str]:
        return [self._single[0]] if self._single else list(self._data_names)

    def checkup_names(self) -> list[str]:
        """The checkup files (h…) under DATA/, or the single file when it is not a guidance file."""
        return [n for n in self.data_names() if not self._is_guidance(n)]

    def guidance_names(self) -> list[str]:
        """The guidance files (g…, SPEC §9.6) under DATA/, or the single file when it is one."""
        return [n for n in self.data_names() if self._is_guidance(n)]

    def _is_guidance(self, name: str) -> bool:
        if self._single is None or is_guidance_file_name(name):
            return is_guidance_file_name(name)
        return single_file_is_guidance(self._single[1])

    def data_files(self, *, checkup_only: bool = True) -> Iterator[tuple[str, bytes]]:
        """(name, bytes) of every *.xml under DATA/; guidance files (g…) are skipped when checkup_only."""
        if self._single:
            yield self._single
            return
        for name in self._data_names:
            if checkup_only and is_guidance_file_name(name):
                continue
            yield name, self.read_member(name)


def _locate(names: list[str]) -> tuple[str, str | None, list[str], list[str]]:
    """(root folder, ix08 path, DATA xml paths, CLAIMS paths); the root folder is optional ◆."""
    files = [n for n in names if not n.endswith("/")]
    roots = {n.split("/", 1)[0] for n in files if "/" in n}
    root = roots.pop() if len(roots) == 1 and all("/" in n for n in files) else ""
    prefix = f"{root}/" if root else ""
    index = next((n for n in files if n == prefix + INDEX_FILE_NAME), None)
    data = [n for n in files if n.startswith(prefix + "DATA/") and n.lower().endswith(".xml")]
    claims = [n for n in files if n.startswith(prefix + "CLAIMS/") and n.lower().endswith(".xml")]
    return root, index, sorted(data), claims


def _root_namespace(data: bytes) -> str:
    """The namespace of a small file's root element ("" when it cannot be read: its content is not ours to judge)."""
    try:
        return etree.QName(parse_xml(data)).namespace or ""
    except MhlwFormatError:
        return ""


def _summary_count(archive: "Archive", name: str | None) -> int | None:
    """su08_V08.xml totalSubjectCount, None when the file is absent or unreadable (it is optional, SPEC §9.1)."""
    if name is None:
        return None
    try:
        root = parse_xml(archive.read_member(name))
    except MhlwFormatError:
        return None
    element = root.find(f"{{{etree.QName(root).namespace or ''}}}totalSubjectCount")
    raw = element.get("value", "") if element is not None else ""
    return int(raw) if raw.strip().isdigit() else None


def open_archive(data: bytes, limits: ArchiveLimits | None = None) -> Archive:
    limits = limits or ArchiveLimits()
    try:
        archive_zip = zipfile.ZipFile(io.BytesIO(data))
        infos = archive_zip.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as exc:
        raise _reject(message(_("ZIPファイルとして読めません: %(error)s"), error=str(exc))) from exc
    _check_entries(infos, limits)
    root, index_name, data_names, claims = _locate([info.filename for info in infos])
    summary_path = f"{root}/{SUMMARY_FILE_NAME}" if root else SUMMARY_FILE_NAME
    summary_name = summary_path if any(info.filename == summary_path for info in infos) else None
    archive = Archive(index=None, root_name=root, _zip=archive_zip, _limits=limits, _data_names=data_names)
    if index_name is None:
        raise _reject(message(_("%(file)s がありません (SPEC §9.1)。"), file=INDEX_FILE_NAME), root)
    archive.index = parse_index(archive.read_member(index_name))
    archive.warnings = archive_findings(
        root_name=root,
        index_sender=archive.index.sender,
        index_receiver=archive.index.receiver,
        index_service_event_type=archive.index.service_event_type,
        index_file_count=archive.index.total_record_count,
        data_names=data_names,
        claims_names=claims,
        claims_namespaces={name: _root_namespace(archive.read_member(name)) for name in claims},
        old_namespace=NAMESPACE_PERIOD_3,
        summary_subject_count=_summary_count(archive, summary_name),
    )
    return archive


GUIDANCE_REPORT_CATEGORIES = frozenset({"21", "22", "23", "24", "25"})  # 報告区分 of a guidance file (SPEC §9.6)
GUIDANCE_FILE_PREFIXES = ("g", "G")  # DATA/g….xml: 特定保健指導情報ファイル; h….xml: 特定健診情報ファイル (SPEC §9.1)


def is_guidance_file_name(name: str) -> bool:
    return name.rsplit("/", 1)[-1][:1] in GUIDANCE_FILE_PREFIXES


def single_file_is_guidance(data: bytes) -> bool:
    """A single XML sent without a g… name is a guidance file when its 報告区分 (ClinicalDocument/code) says so."""
    try:
        code = parse_xml(data).find("{" + NS + "}code")
    except MhlwFormatError:
        return False  # unreadable: the checkup path reports why
    return code is not None and code.get("code", "") in GUIDANCE_REPORT_CATEGORIES


def open_upload(data: bytes, filename: str, limits: ArchiveLimits | None = None) -> Archive:
    """A ZIP archive or a single CDA XML file, detected from the content (not trusting the name)."""
    limits = limits or ArchiveLimits()
    if data[:4] in _ZIP_MAGIC:
        return open_archive(data, limits)
    if len(data) > limits.max_member:
        text = _("%(name)s のサイズが上限 %(limit)s を超えています。")
        raise _reject(message(text, name=filename, limit=limits.max_member), filename)
    if not data.lstrip()[:1] == b"<" and not data.startswith(b"\xef\xbb\xbf"):
        raise _reject(message(_("%(name)s はZIPでもXMLでもありません。"), name=filename), filename)
    return Archive(index=None, _single=(filename, data))


# ---------------------------------------------------------------- writing

DATA_FILE_FLAG = "1"  # the constant digit after N in DATA file names (formats-notes §1.2, S1)


def archive_root_name(sender: str, receiver: str, created: dt.date, serial: int, service_event_type: int) -> str:
    """`<sender 10>_<receiver 8>_<YYYYMMDD><N>_<実施区分>` (SPEC §9.1); N is 0–9 per day."""
    if not 0 <= serial <= 9:
        raise ValueError("serial (同日分割送信回数) must be 0–9")
    return f"{sender.zfill(10)}_{receiver.zfill(8)}_{created:%Y%m%d}{serial}_{service_event_type}"


def data_file_name(sender: str, created: dt.date, serial: int, number: int, prefix: str = "h") -> str:
    """`h` + sender 10 + YYYYMMDD + N + 1 + 6-digit number = 26 digits (formats-notes §1.2)."""
    return f"{prefix}{sender.zfill(10)}{created:%Y%m%d}{serial}{DATA_FILE_FLAG}{number:06d}.xml"


def build_archive(
    sender: str,
    receiver: str,
    created: dt.date,
    service_event_type: int,
    documents: list[CheckupDocument],
    serial: int = 0,
    interaction_type: int = 10,
    *,
    receiver_oid: str = INSURER_OID,
) -> tuple[str, bytes]:
    """Build a 4th-period archive; returns (zip file name, bytes).

    ◆ interaction_type defaults to 10 = 保険者→国(支払基金) (formats-notes §1.3, 種別コード 別表1), the
    insurer's export; pass 6 for 健診機関→保険者. The sender OID follows its length (10 digits 健診機関 .102,
    otherwise 保険者 .101); the receiver OID defaults to 保険者 .101, pass .103 for a 代行機関.
    Members are stored uncompressed like the 2024 sample archive (formats-notes §1.2; deflate UNCONFIRMED).
    """
    root = archive_root_name(sender, receiver, created, serial, service_event_type)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive_zip:
        index = build_index(
            sender=sender,
            receiver=receiver,
            receiver_oid=receiver_oid,
            created=created,
            interaction_type=interaction_type,
            service_event_type=service_event_type,
            total_record_count=len(documents),
        )
        archive_zip.writestr(f"{root}/{INDEX_FILE_NAME}", index)
        for number, document in enumerate(documents):
            name = data_file_name(sender, created, serial, number)
            archive_zip.writestr(f"{root}/DATA/{name}", write_cda(document))
        for path in sorted(XSD_DIR.rglob("*.xsd")):
            archive_zip.write(path, f"{root}/XSD/{path.relative_to(XSD_DIR).as_posix()}")
    return f"{root}.zip", buffer.getvalue()
