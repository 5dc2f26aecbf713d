"""Create an API key for a machine client; the key is printed once, on the last line, and stored hashed.

KIND and IDENTIFIER:
  clinic             健診機関番号 (10 digits); the clinic must exist, or give --create-organisation NAME
  employer           保険者番号:事業所コード, e.g. 06999999:E001 (the employer must exist)
  guidance_provider  保健指導機関番号 (10 digits); must exist, or give --create-organisation NAME
  staff              保険者番号 (8 digits; the insurer must exist)
An unknown clinic or provider is never created silently (a typo would make a second organisation).
Revoke a key in the admin (APIキー → 失効).
"""

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from members.models import ApiKey, Clinic, Employer, GuidanceProvider, Insurer

ORG_NUMBER = re.compile(r"^\d{10}$")  # 健診機関番号 / 保健指導機関番号 (SPEC §9.1)
INSURER_NUMBER = re.compile(r"^\d{8}$")  # 保険者番号 (SPEC §1.5)


def _target(kind: str, identifier: str, org_name: str) -> dict[str, Any]:
    if kind in (ApiKey.Kind.CLINIC, ApiKey.Kind.GUIDANCE_PROVIDER):
        if not ORG_NUMBER.match(identifier):
            raise CommandError(f"{kind}: IDENTIFIER must be a 10-digit number, got {identifier!r}")
        model = Clinic if kind == ApiKey.Kind.CLINIC else GuidanceProvider
        target = model.objects.filter(number=identifier).first()
        if target is None:
            if not org_name:
                raise CommandError(
                    f"{kind}: no {kind} with number {identifier!r}; to create it, give --create-organisation NAME"
                )
            target = model.objects.create(number=identifier, name=org_name)
        return {kind: target}
    if kind == ApiKey.Kind.EMPLOYER:
        insurer_number, _, code = identifier.partition(":")
        employer = Employer.objects.filter(insurer__number=insurer_number, code=code).first()
        if not INSURER_NUMBER.match(insurer_number) or not code or employer is None:
            raise CommandError(f"employer: no employer {identifier!r} (expected INSURER:CODE, e.g. 06999999:E001)")
        return {"employer": employer}
    insurer = Insurer.objects.filter(number=identifier).first()
    if insurer is None:
        raise CommandError(f"staff: no insurer with number {identifier!r}")
    return {"insurer": insurer}


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=ApiKey.Kind.values)
        parser.add_argument("identifier")
        parser.add_argument("--name", default="", help="label shown in the admin")
        parser.add_argument(
            "--create-organisation",
            "--org-name",  # the older spelling, still accepted
            dest="org_name",
            default="",
            metavar="NAME",
            help="create the clinic / guidance provider with this name when its number is unknown",
        )

    @transaction.atomic
    def handle(self, *args: object, kind: str, identifier: str, name: str, org_name: str, **options: Any) -> None:
        target = _target(kind, identifier.strip(), org_name)
        key_object, key = ApiKey.objects.create_key(name=name or f"{kind} {identifier}", kind=kind, **target)
        self.stdout.write(f"created {kind} key {key_object.prefix} for {identifier}; it is shown only once:")
        self.stdout.write(key)
