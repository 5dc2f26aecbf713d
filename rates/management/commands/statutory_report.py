"""python manage.py statutory_report --insurer N --fiscal-year Y [--json] [--csv FILE]: the 法定報告 figures."""

import csv
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from members.models import Insurer
from rates.statutory_format import as_json, csv_rows, text_table
from rates.statutory_report import statutory_report


class Command(BaseCommand):
    help = "Statutory report figures (法定報告, SPEC §6.6) per sex × 5-year band, with totals and rates."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--insurer", required=True, help="保険者番号 (8 digits)")
        parser.add_argument("--fiscal-year", type=int, required=True)
        parser.add_argument("--json", action="store_true", help="print the figures as JSON (issue #17)")
        parser.add_argument("--csv", metavar="FILE", help="also write them as CSV (UTF-8 with BOM, Japanese headers)")

    def handle(self, *args: object, insurer: str, fiscal_year: int, **options: object) -> None:
        found = Insurer.objects.filter(number=insurer).first()
        if found is None:
            raise CommandError(f"保険者番号 {insurer} の保険者はありません / no insurer {insurer}")
        report = statutory_report(insurer=found, fiscal_year=fiscal_year)
        if options["csv"]:
            with Path(str(options["csv"])).open("w", encoding="utf-8-sig", newline="") as handle:
                csv.writer(handle).writerows(csv_rows(report))
        if options["json"]:
            self.stdout.write(json.dumps(as_json(report), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(text_table(report))
