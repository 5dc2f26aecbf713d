"""Write a fiscal year's guidance programmes as 特定保健指導情報ファイル in a 4th-period archive (SPEC §9.6).

`export_guidance --insurer 06999999 --fiscal-year 2025 --out FILE.zip`: one g…xml per programme with something to
report (報告区分 21/22/23/24/25 by its state), each validated against hg08_V08.xsd. Every exported person gets an
EXPORT row in the access log (actor: the command, or --user).
"""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from checkups.exports import ExportInvalid
from guidance.mhlw_files import guidance_archive_for_fiscal_year
from members.actors import Actor, ActorKind, actor_for_user
from members.models import Insurer


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--insurer", required=True, help="保険者番号 (8 digits)")
        parser.add_argument("--fiscal-year", required=True, type=int, dest="fiscal_year")
        parser.add_argument("--out", required=True, type=Path)
        parser.add_argument("--receiver", default="", help="送付先番号 (8 digits); default: the insurer's number")
        parser.add_argument("--user", default="", help="staff username recorded in the access log")

    def handle(
        self, *args: object, insurer: str, fiscal_year: int, out: Path, receiver: str, user: str, **options: Any
    ) -> None:
        insurer_object = Insurer.objects.filter(number=insurer).first()
        if insurer_object is None:
            raise CommandError(f"no insurer with number {insurer!r}")
        actor = Actor(kind=ActorKind.SUPERUSER, label="command:export_guidance")
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"no user {user!r}")
            actor = actor_for_user(account)
        try:
            result = guidance_archive_for_fiscal_year(
                insurer=insurer_object, fiscal_year=fiscal_year, actor=actor, receiver=receiver
            )
        except ExportInvalid as exc:
            raise CommandError(f"export refused, a file is invalid: {exc}") from exc
        out.write_bytes(result.data)
        self.stdout.write(f"wrote {out} ({result.file_name}): {result.count} guidance files, validated (hg08)")
