from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from members.models import Insurer
from members.roster import roster_apply, roster_prepare


class Command(BaseCommand):
    help = "Import a roster CSV (UTF-8 or Shift_JIS). Any bad row rejects the whole file; nothing is written."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--insurer", required=True, help="保険者番号 (8 digits)")

    def handle(self, *args: object, file: Path, insurer: str, **options: object) -> None:
        target = Insurer.objects.filter(number=insurer).first()
        if target is None:
            raise CommandError(f"unknown insurer {insurer} / 保険者 {insurer} は登録されていません")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        record, plan = roster_prepare(data=data, file_name=file.name, insurer=target)
        if plan is None:
            for error in record.errors:
                self.stderr.write(
                    f"line {error['line']}, column {error['column']}, value {error['value']!r}: "
                    f"{error['message_ja']} / {error['message_en']}"
                )
            raise CommandError(f"rejected: {len(record.errors)} error(s); nothing was written")
        roster_apply(plan=plan, insurer=target, roster_import=record)
        self.stdout.write(
            f"{record.row_count} rows: {record.created_count} new, {record.updated_count} updated, "
            f"{record.unchanged_count} unchanged, {len(plan.new_enrollments)} new enrollment periods"
        )
