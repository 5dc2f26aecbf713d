"""Write a fiscal year's counted checkups as a 4th-period MHLW archive validated against the XSDs (SPEC §9).

`export_mhlw --insurer 06999999 --fiscal-year 2025 --out FILE.zip`. Every exported person gets an EXPORT row
in the access log (actor: the command, or --user).
"""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from checkups.export_runs import export_run_sequence_issue
from checkups.exports import ExportInvalid, checkups_export_mhlw
from checkups.models import ExportRunKind
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
        actor = Actor(kind=ActorKind.SUPERUSER, label="command:export_mhlw")
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"no user {user!r}")
            actor = actor_for_user(account)
        day = timezone.localdate()
        serial = export_run_sequence_issue(  # the day's next archive number, shared with the admin page (SPEC §9.1)
            insurer=insurer_object, fiscal_year=fiscal_year, actor=actor, day=day, kind=ExportRunKind.COMMAND
        )
        try:
            result = checkups_export_mhlw(
                insurer=insurer_object,
                fiscal_year=fiscal_year,
                actor=actor,
                receiver=receiver,
                created=day,
                serial=serial,
            )
        except ExportInvalid as exc:
            raise CommandError(f"export refused, a file is invalid: {exc}") from exc
        out.write_bytes(result.data)
        self.stdout.write(f"wrote {out} ({result.file_name}): {result.count} checkups, validated against the XSDs")
