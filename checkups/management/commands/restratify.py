"""python manage.py restratify --fiscal-year YEAR [--fiscal-year YEAR …] [--insurer NUMBER] [--processes N]

Re-judge every checkup of the given fiscal years (past ones included) in this process: the age basis is
recomputed from the birth dates (SPEC §1.2, `members.age_basis`), the level with the year's rules (SPEC §2,
§2.5b), and not-started guidance programmes follow the new level (started ones keep theirs, SPEC §5.6). Unchanged
rows are not written, so running it twice is harmless. The admin's 「再階層化」 action does the same in the
background (Celery). Afterwards, recompute the year's rates (`compute_rates --fiscal-year YEAR`).
"""

from collections import Counter

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from checkups.codes import GuidanceLevel
from checkups.models import Checkup
from intake.services import checkups_restratify
from members.models import Insurer


def _levels(fiscal_year: int, insurer_id: int | None) -> Counter:
    rows = Checkup.objects.filter(fiscal_year=fiscal_year)
    if insurer_id is not None:
        rows = rows.filter(insurer_id=insurer_id)
    counted = rows.values_list("guidance_level").annotate(n=Count("pk")).order_by()
    return Counter(dict(counted))


def _describe(levels: Counter) -> str:
    names = {level.value: str(level.label) for level in GuidanceLevel}
    return ", ".join(
        f"{names.get(level, '未判定')} {n}" for level, n in sorted(levels.items(), key=lambda i: i[0] or 9)
    )


class Command(BaseCommand):
    help = "Restratify (再階層化) every checkup of one or more fiscal years, for one insurer or all (SPEC §1.2, §2)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--fiscal-year", type=int, action="append", required=True, help="年度 (repeatable): past years too"
        )
        parser.add_argument("--insurer", help="保険者番号 (8 digits); all insurers when omitted")
        parser.add_argument("--processes", type=int, default=1, help="parallel processes (PostgreSQL only)")

    def handle(
        self, *args: object, fiscal_year: list[int], insurer: str | None, processes: int, **options: object
    ) -> None:
        insurer_id = None
        if insurer:
            found = Insurer.objects.filter(number=insurer).values_list("pk", flat=True).first()
            if found is None:
                raise CommandError(f"保険者番号 {insurer} はありません / no insurer {insurer}")
            insurer_id = found
        for year in sorted(set(fiscal_year)):
            before = _levels(year, insurer_id)

            def progress(done: int, total: int, year: int = year) -> None:
                self.stdout.write(f"{year}年度: {done}/{total}")

            judged = checkups_restratify(
                fiscal_year=year, insurer_id=insurer_id, processes=processes, on_progress=progress
            )
            after = _levels(year, insurer_id)
            self.stdout.write(
                f"{year}年度: {judged}件を再階層化しました / restratified {judged} checkups. "
                f"保健指導レベル (before → after): {_describe(before)} → {_describe(after)}"
            )
