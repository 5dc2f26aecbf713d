"""Write a fiscal year's under-40 employer checkups as a 4th-period archive (SPEC §7.1, §9.3; formats-notes §3)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from employer_data.export import PAYMENT_FUND_RECEIVER, export_under_40
from members.models import Insurer


class Command(BaseCommand):
    help = "Export employer checkups (事業主健診) of people under 40 as an MHLW archive (ZIP)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--insurer", required=True, help="保険者番号 (8 digits)")
        parser.add_argument("--fiscal-year", type=int, required=True)
        parser.add_argument("--under-40", action="store_true", required=True, help="only the under-40 records")
        parser.add_argument("--receiver", default=PAYMENT_FUND_RECEIVER, help="receiver number (8 digits)")
        parser.add_argument("--out", required=True, help="output ZIP file")

    def handle(self, *args: object, **options: Any) -> None:
        insurer = Insurer.objects.filter(number=str(options["insurer"])).first()
        if insurer is None:
            raise CommandError(f"unknown insurer {options['insurer']}")
        name, data, persons = export_under_40(
            insurer=insurer,
            fiscal_year=int(options["fiscal_year"]),
            created=timezone.localdate(),
            receiver=str(options["receiver"]),
        )
        Path(str(options["out"])).write_bytes(data)
        self.stdout.write(f"{len(persons)} records written to {options['out']} (archive {name})")
