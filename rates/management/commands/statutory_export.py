"""python manage.py statutory_export --insurer N --fiscal-year Y --out FILE.zip: the year's report archive.

The checkup archive (実施区分 1) of every checkup the statutory report counts, the guidance archive (実施区分 2) of
the year's programmes, and a summary whose figures are the statutory_report's (SPEC §6.6, §9), every file
validated against the 4th-period XSDs. Every exported person gets an EXPORT row in the access log (actor: the
command, or --user).
"""

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from checkups.exports import ExportInvalid
from members.actors import Actor, ActorKind, actor_for_user
from members.models import Insurer
from rates.statutory_export import statutory_archive


class Command(BaseCommand):
    help = "The year's statutory report archive (SPEC §6.6, §9): checkup and guidance files and a summary."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--insurer", required=True, help="保険者番号 (8 digits)")
        parser.add_argument("--fiscal-year", required=True, type=int, dest="fiscal_year")
        parser.add_argument("--out", required=True, type=Path)
        parser.add_argument("--user", default="", help="staff username recorded in the access log")

    def handle(self, *args: object, insurer: str, fiscal_year: int, out: Path, user: str, **options: Any) -> None:
        found = Insurer.objects.filter(number=insurer).first()
        if found is None:
            raise CommandError(f"保険者番号 {insurer} の保険者はありません / no insurer {insurer}")
        actor = Actor(kind=ActorKind.SUPERUSER, label="command:statutory_export")
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"no user {user!r}")
            actor = actor_for_user(account)
        try:
            built = statutory_archive(insurer=found, fiscal_year=fiscal_year, actor=actor)
        except ExportInvalid as exc:
            raise CommandError(f"export refused, a file is invalid: {exc}") from exc
        Path(out).write_bytes(built.data)
        files = built.summary["files"]
        self.stdout.write(
            f"wrote {out}: {files['checkup_files']} checkup files ({files['checkup_archive']}), "
            f"{files['guidance_files']} guidance files ({files['guidance_archive']}), validated; summary: "
            + json.dumps(built.summary["totals"], ensure_ascii=False)
        )
