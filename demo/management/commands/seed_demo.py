"""Build the demo insurer: people, enrollment, and (from the other apps) checkups, guidance, employer data, rates."""

import time

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from demo import api_keys, checkups, contracts, employer_data, guidance, held, outcomes, portal, rates, rechecks
from demo.population import DEMO_INSURER_NUMBER, DEMO_STAFF_PASSWORD, DEMO_STAFF_USERNAME, seed_population
from members.models import Insurer

# Each later step is a `seed(population, today=...)` function, run in this order.
DEMO_STEPS = (checkups, guidance, outcomes, rechecks, contracts, held, employer_data, rates, portal, api_keys)


class Command(BaseCommand):
    help = "Load the synthetic demo population (idempotent: does nothing when the demo insurer exists)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=2400)

    def handle(self, *args: object, persons: int, **options: object) -> None:
        if Insurer.objects.filter(number=DEMO_INSURER_NUMBER).exists():
            self.stdout.write("demo data already loaded")
            self.stdout.write(api_keys.create_key_hint())
        else:
            started = time.monotonic()
            today = timezone.localdate()
            population = seed_population(persons=persons, today=today)
            self.stdout.write(f"{population.person_count} insured persons")
            for step in DEMO_STEPS:
                summary = step.seed(population, today=today)
                self.stdout.write(f"{step.__name__}: {summary}")
            self.stdout.write(f"demo data loaded in {time.monotonic() - started:.1f} s")
        self.stdout.write(f"Demo staff login: {DEMO_STAFF_USERNAME} / {DEMO_STAFF_PASSWORD}")
        self.stdout.write(  # issue #14: the demo's checkups were judged this way; members 88-88xxxx are the age edges
            f"Re-judge a past year: manage.py restratify --fiscal-year 2025 --insurer {DEMO_INSURER_NUMBER}"
        )
