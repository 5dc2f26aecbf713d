from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from members.codes import InsurerType
from members.models import Insurer


class Command(BaseCommand):
    help = "Create or rename an insurer (保険者): --number 06999999 --name NAME --type single_kenpo"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--number", required=True, help="保険者番号 (8 digits)")
        parser.add_argument("--name", required=True)
        parser.add_argument("--type", required=True, choices=InsurerType.values, dest="insurer_type")

    def handle(self, *args: object, number: str, name: str, insurer_type: str, **options: object) -> None:
        insurer = Insurer.objects.filter(number=number).first() or Insurer(number=number)
        insurer.name, insurer.insurer_type = name, insurer_type
        try:
            insurer.full_clean()
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {', '.join(v)}" for k, v in exc.message_dict.items())) from exc
        created = insurer.pk is None
        insurer.save()
        self.stdout.write(f"{'created' if created else 'updated'} insurer {insurer.number} {insurer.name}")
