"""Import MHLW archives (ZIP, 3rd or 4th period) or single CDA files: `import_mhlw PATH... [--json]`.

Each file becomes an Upload of the submitter "command" (or "user:<pk>" with --user, "provider:<pk>" with
--provider NUMBER for a guidance provider's files), so importing the same file twice stores its records once and
reports the first result. Archives may carry guidance files (g…xml, SPEC §9.6): each record of the summary then
names its programme and how many contacts were recorded.
"""

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from checkups.intake_types import Submitter
from checkups.models import Upload
from intake.services import upload_receive
from members.models import GuidanceProvider

COMMAND_SUBMITTER = "command"
RECORD_KEYS = (
    "index",
    "file",
    "status",
    "checkup",
    "held",
    "programme",
    "contacts_recorded",
    "contacts_unchanged",
    "errors",
)


def _summary(path: Path, upload: Upload, created: bool) -> dict[str, Any]:
    return {
        "file": str(path),
        "upload": upload.pk,
        "status": upload.status,
        "already_imported": not created,
        "total": upload.total,
        "accepted": upload.accepted,
        "rejected": upload.rejected,
        "held": upload.held,
        "error": upload.error,
        "records": [{k: r[k] for k in RECORD_KEYS if k in r} for r in upload.report],
    }


class Command(BaseCommand):
    help = "Import MHLW archives or CDA XML files (SPEC §9); prints a summary (--json for a machine-readable one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--json", action="store_true", dest="as_json")
        parser.add_argument("--user", default="", help="staff username recorded as the submitter")
        parser.add_argument(
            "--provider", default="", help="保健指導機関番号 of the guidance provider that sent the files"
        )

    def handle(self, *args: object, paths: list[Path], as_json: bool, user: str, provider: str, **options: Any) -> None:
        submitter = Submitter(label=COMMAND_SUBMITTER)
        if provider:
            organisation = GuidanceProvider.objects.filter(number=provider).first()
            if organisation is None:
                raise CommandError(f"no guidance provider {provider!r}")
            submitter = Submitter(label=f"provider:{organisation.pk}", provider=organisation)
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"no user {user!r}")
            submitter = Submitter(label=f"user:{account.pk}", user=account)
        results = []
        for path in paths:
            if not path.is_file():
                raise CommandError(f"{path}: not a file")
            intake = upload_receive(submitter=submitter, data=path.read_bytes(), file_name=path.name, process_now=True)
            upload = Upload.objects.defer("content").get(pk=intake.upload.pk)
            results.append(_summary(path, upload, intake.created))
        if as_json:
            self.stdout.write(json.dumps({"files": results}, ensure_ascii=False, indent=2))
            return
        for result in results:
            note = " (already imported; first result)" if result["already_imported"] else ""
            self.stdout.write(
                f"{result['file']}: {result['status']}{note} — {result['accepted']} accepted, "
                f"{result['rejected']} rejected, {result['held']} held of {result['total']}"
            )
            if result["error"]:
                self.stdout.write(f"  file error: {result['error']['message_en']}")
            for record in result["records"]:
                for error in record.get("errors", []):
                    self.stdout.write(f"  #{record['index']} {record['file']}: {error['message_en']}")
