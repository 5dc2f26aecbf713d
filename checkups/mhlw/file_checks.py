"""SPEC §9.5 file checks: each CDA against its XSD, and an archive's parts compared with each other.

Pure functions over parsed files and names (no database): `parse_cda` calls `check_schema` for every received
file, `archive.open_archive` calls `archive_findings` for every archive, so JSON-free paths (API upload, command
import) share one implementation. Whether the receiver is one of our insurers needs the database: the caller asks
and refuses with `unknown_receiver_refusal`.
"""

from dataclasses import asdict
from typing import Any

from django.utils.translation import gettext_lazy as _
from lxml import etree

from checkups.mhlw.errors import ArchiveError, CdaError
from checkups.mhlw.findings import finding
from checkups.mhlw.safe_xml import XSD_FILES, schema_errors
from infra.i18n import Message, bilingual, message

CHECKUP_SCHEMA = "hc"  # hc08_V08.xsd (SPEC §9.5)
GUIDANCE_SCHEMA = "hg"  # hg08_V08.xsd (SPEC §9.5, §9.6)

SCHEMA_INVALID = "schema_invalid"
UNKNOWN_RECEIVER = "unknown_receiver"
SENDER_NUMBER_DIFFERS = "sender_number_differs"
FILE_COUNT_MISMATCH = "file_count_mismatch"
SERVICE_EVENT_TYPE_DIFFERS = "service_event_type_differs"
SUMMARY_COUNT_MISMATCH = "summary_count_mismatch"
CLAIMS_OLD_NAMESPACE = "claims_old_namespace"
ROOT_FOLDER_NAME_UNEXPECTED = "root_folder_name_unexpected"
NO_DATA_FILES = "no_data_files"

DATA_SENDER_SLICE = slice(1, 11)  # h/g + 10-digit sender number + … (formats-notes §1.2)


def check_schema(root: etree._Element, kind: str = CHECKUP_SCHEMA) -> CdaError | None:
    """The refusal of a file that fails its XSD: the schema's first message and its line (SPEC §9.5)."""
    errors = schema_errors(root, kind)
    if not errors:
        return None
    line, text = errors[0]
    more = len(errors) - 1
    message_ja, message_en = bilingual(
        message(
            _("%(schema)s に適合しません (%(line)s 行目: %(error)s; ほか %(more)s 件, SPEC §9.5)。"),
            schema=XSD_FILES[kind],
            line=line,
            error=text,
            more=more,
        )
    )
    return CdaError(message_ja, message_en, f"line {line}", code=SCHEMA_INVALID)


def unknown_receiver_refusal(receiver: str) -> ArchiveError:
    """An archive addressed to an insurer that is not ours is refused as a whole (SPEC §9.5)."""
    message_ja, message_en = bilingual(
        message(
            _("送付先の保険者番号 %(receiver)s はこのシステムの保険者ではありません (ix08_V08.xml, SPEC §9.5)。"),
            receiver=receiver,
        )
    )
    return ArchiveError(message_ja, message_en, "ix08_V08.xml", code=UNKNOWN_RECEIVER)


def _warning(field: str, code: str, value: str, text: Message) -> dict[str, Any]:
    return asdict(finding(field, code, value, text))


def parse_root_name(root: str) -> tuple[str, str, str] | None:
    """(sender, receiver, 実施区分) of `<sender 10>_<receiver 8>_<YYYYMMDD><N>_<実施区分>` (SPEC §9.1), else None."""
    parts = root.split("_")
    if len(parts) != 4 or not all(p.isdigit() for p in parts):
        return None
    sender, receiver, dated, service = parts
    if len(sender) != 10 or len(receiver) != 8 or len(dated) != 9:
        return None
    return sender, receiver, service


def _root_findings(root_name: str, data_names: list[str]) -> list[dict[str, Any]]:
    warnings: list[dict[str, Any]] = []
    if not data_names:
        warnings.append(_warning("archive", NO_DATA_FILES, "", _("DATA/ にXMLファイルがありません (SPEC §9.1)。")))
    if root_name and parse_root_name(root_name) is None:
        warnings.append(
            _warning(
                "archive",
                ROOT_FOLDER_NAME_UNEXPECTED,
                root_name,
                message(
                    _("ルートフォルダ名 %(name)s が 送付元_送付先_日付回数_実施区分 の形ではありません (SPEC §9.1)。"),
                    name=root_name,
                ),
            )
        )
    return warnings


def _sender_findings(
    root_name: str, parsed_root: tuple[str, str, str] | None, index_sender: str, data_names: list[str]
) -> list[dict[str, Any]]:
    warnings: list[dict[str, Any]] = []
    senders: dict[str, list[str]] = {}
    if parsed_root is not None:
        senders.setdefault(parsed_root[0], []).append(root_name)
    if index_sender:
        senders.setdefault(index_sender, []).append("ix08_V08.xml")
    for name in data_names:
        number = name.rsplit("/", 1)[-1][DATA_SENDER_SLICE]
        if number.isdigit():
            senders.setdefault(number, [])
            if "DATA/" not in senders[number]:
                senders[number].append("DATA/")
    if len(senders) > 1:
        where = "; ".join(f"{number}: {', '.join(places)}" for number, places in senders.items())
        warnings.append(
            _warning(
                "archive",
                SENDER_NUMBER_DIFFERS,
                ", ".join(senders),
                message(
                    _("送付元番号がフォルダ名・ix08・DATA で一致しません (%(where)s, SPEC §9.5)。"),
                    where=where,
                ),
            )
        )
    return warnings


def _folder_findings(
    parsed_root: tuple[str, str, str] | None, index_receiver: str, index_service_event_type: int
) -> list[dict[str, Any]]:
    warnings: list[dict[str, Any]] = []
    if parsed_root is not None and parsed_root[1] != index_receiver:
        warnings.append(
            _warning(
                "archive",
                "receiver_number_differs",
                parsed_root[1],
                message(
                    _("フォルダ名の送付先 %(folder)s と ix08 の送付先 %(index)s が異なります (SPEC §9.5)。"),
                    folder=parsed_root[1],
                    index=index_receiver,
                ),
            )
        )
    if parsed_root is not None and parsed_root[2] != str(index_service_event_type):
        warnings.append(
            _warning(
                "archive",
                SERVICE_EVENT_TYPE_DIFFERS,
                parsed_root[2],
                message(
                    _("フォルダ名の実施区分 %(folder)s と ix08 の実施区分 %(index)s が異なります (SPEC §9.5)。"),
                    folder=parsed_root[2],
                    index=index_service_event_type,
                ),
            )
        )
    return warnings


def _count_findings(
    index_file_count: int, data_names: list[str], claims_names: list[str], summary_subject_count: int | None
) -> list[dict[str, Any]]:
    warnings: list[dict[str, Any]] = []
    files = len(data_names) + len(claims_names)
    if index_file_count != files:
        warnings.append(
            _warning(
                "archive",
                FILE_COUNT_MISMATCH,
                str(index_file_count),
                message(
                    _("ix08 の総ファイル数 %(count)s と DATA・CLAIMS のファイル数 %(files)s が違います (SPEC §9.5)。"),
                    count=index_file_count,
                    files=files,
                ),
            )
        )
    if summary_subject_count is not None and summary_subject_count != len(data_names):
        warnings.append(
            _warning(
                "archive",
                SUMMARY_COUNT_MISMATCH,
                str(summary_subject_count),
                message(
                    _("su08_V08.xml の総数 %(count)s と DATA のファイル数 %(files)s が一致しません (SPEC §9.5)。"),
                    count=summary_subject_count,
                    files=len(data_names),
                ),
            )
        )
    return warnings


def _claims_findings(claims_namespaces: dict[str, str], old_namespace: str) -> list[dict[str, Any]]:
    warnings: list[dict[str, Any]] = []
    old = sorted(name.rsplit("/", 1)[-1] for name, ns in claims_namespaces.items() if ns == old_namespace)
    if old:
        warnings.append(
            _warning(
                "archive",
                CLAIMS_OLD_NAMESPACE,
                ", ".join(old),
                message(
                    _("CLAIMS の %(count)s 件が第3期の名前空間で書かれています (%(files)s, SPEC §9.3, §9.5)。"),
                    count=len(old),
                    files=", ".join(old),
                ),
            )
        )
    return warnings


def archive_findings(
    *,
    root_name: str,
    index_sender: str,
    index_receiver: str,
    index_service_event_type: int,
    index_file_count: int,
    data_names: list[str],
    claims_names: list[str],
    claims_namespaces: dict[str, str],
    old_namespace: str,
    summary_subject_count: int | None,
) -> list[dict[str, Any]]:
    """Warnings for every disagreement between the archive's parts (SPEC §9.5): not refusals, since real clinic
    systems write such archives (../real/) and a 代行機関 sends for many clinics."""
    parsed_root = parse_root_name(root_name) if root_name else None
    return [
        *_root_findings(root_name, data_names),
        *_sender_findings(root_name, parsed_root, index_sender, data_names),
        *_folder_findings(parsed_root, index_receiver, index_service_event_type),
        *_count_findings(index_file_count, data_names, claims_names, summary_subject_count),
        *_claims_findings(claims_namespaces, old_namespace),
    ]
