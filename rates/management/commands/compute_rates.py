"""python manage.py compute_rates --fiscal-year YEAR [--insurer NUMBER]: compute snapshots in this process."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from members.models import Insurer
from rates.models import RateSnapshot
from rates.services import rate_snapshot_compute_now


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


class Command(BaseCommand):
    help = "Compute implementation-rate snapshots (SPEC §6) for one fiscal year, for one insurer or all."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fiscal-year", type=int, required=True)
        parser.add_argument("--insurer", help="保険者番号 (8 digits); all insurers when omitted")

    def handle(self, *args: object, fiscal_year: int, insurer: str | None, **options: object) -> None:
        insurers = Insurer.objects.order_by("number")
        if insurer:
            insurers = insurers.filter(number=insurer)
            if not insurers.exists():
                raise CommandError(f"no insurer {insurer}")
        failed = 0
        for each in insurers:
            snapshot = rate_snapshot_compute_now(insurer=each, fiscal_year=fiscal_year)
            if snapshot.status != RateSnapshot.Status.DONE:
                failed += 1
                self.stderr.write(f"{each.number} FY{fiscal_year}: {snapshot.error}")
                continue
            self.stdout.write(
                f"{each.number} FY{fiscal_year}: "
                f"checkup {snapshot.checkup_numerator}/{snapshot.checkup_denominator} "
                f"({_percent(snapshot.checkup_rate)}), "
                f"guidance {snapshot.guidance_numerator}/{snapshot.guidance_denominator} "
                f"({_percent(snapshot.guidance_rate)}), "
                f"reduction {_percent(snapshot.metabolic_reduction)} in {snapshot.duration_ms} ms"
            )
        if failed:
            raise CommandError(f"{failed} snapshot(s) failed")
