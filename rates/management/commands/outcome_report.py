"""python manage.py outcome_report --insurer N --fiscal-year Y --json: outcome visibility (見える化, SPEC §6.7)."""

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from members.models import Insurer
from rates.outcome_format import as_json
from rates.outcome_report import outcome_report


class Command(BaseCommand):
    help = "Outcomes of the guidance of one fiscal year (見える化, SPEC §6.7): by level, provider, mode, year after."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--insurer", required=True, help="保険者番号 (8 digits)")
        parser.add_argument("--fiscal-year", type=int, required=True)
        parser.add_argument("--json", action="store_true", help="print JSON (issue #17); the default output too")

    def handle(self, *args: object, insurer: str, fiscal_year: int, **options: object) -> None:
        found = Insurer.objects.filter(number=insurer).first()
        if found is None:
            raise CommandError(f"保険者番号 {insurer} の保険者はありません / no insurer {insurer}")
        report = outcome_report(insurer=found, fiscal_year=fiscal_year)
        self.stdout.write(json.dumps(as_json(report), ensure_ascii=False, indent=2))
