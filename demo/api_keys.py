"""Demo API keys (issue #15): both guidance providers and the clinic that sent the held records, so the provider
API and the clinic API can be tried at once after `make run`.

Keys are stored hashed (shown once), so each key is printed when it is created, with a curl line; a later run
says how to make another with `create_api_key`.
"""

import datetime as dt
from typing import Any

from checkups.models import HeldRecord
from demo.guidance import DEMO_PROVIDER, DEMO_REMOTE_PROVIDER
from demo.held import HELD_CLINIC_NUMBER
from members.models import ApiKey, Clinic, GuidanceProvider

DEMO_KEY_NAME = "デモ用キー"
BASE_URL = "http://127.0.0.1:8000/api/v1/"
PROVIDER_NUMBERS = (DEMO_PROVIDER[0], DEMO_REMOTE_PROVIDER[0])


def create_key_hint() -> str:
    commands = [f"manage.py create_api_key guidance_provider {number}" for number in PROVIDER_NUMBERS]
    commands.append(f"manage.py create_api_key clinic {HELD_CLINIC_NUMBER}")
    return "another API key: " + " | ".join(commands)


def seed(population: Any, *, today: dt.date) -> str:
    lines = [_provider_key(number) for number in PROVIDER_NUMBERS]
    lines.append(_clinic_key(population.insurer))
    printed = [line for line in lines if line]
    return "\n".join(printed) if printed else create_key_hint()


def _provider_key(number: str) -> str:
    provider = GuidanceProvider.objects.filter(number=number).first()
    if provider is None or _has_key(guidance_provider=provider):
        return ""
    _, key = ApiKey.objects.create_key(
        name=DEMO_KEY_NAME, kind=ApiKey.Kind.GUIDANCE_PROVIDER, guidance_provider=provider
    )
    return _printed(provider.name, key, f"{BASE_URL}guidance/programmes/")


def _clinic_key(insurer: Any) -> str:
    clinic = Clinic.objects.filter(number=HELD_CLINIC_NUMBER).first()
    if clinic is None or _has_key(clinic=clinic):
        return ""
    _, key = ApiKey.objects.create_key(name=DEMO_KEY_NAME, kind=ApiKey.Kind.CLINIC, clinic=clinic)
    held = HeldRecord.objects.filter(insurer=insurer, submitted_by_clinic=clinic).order_by("pk").first()
    # a clinic reads the state of a record it sent (held → linked once staff link it)
    url = f"{BASE_URL}held/{held.pk}/" if held else f"{BASE_URL}uploads/"
    return _printed(clinic.name, key, url)


def _has_key(**owner: Any) -> bool:
    return ApiKey.objects.filter(name=DEMO_KEY_NAME, revoked=False, **owner).exists()


def _printed(owner_name: str, key: str, url: str) -> str:
    return f"API key of {owner_name} (shown once): {key}\n  try: curl -H 'Authorization: Api-Key {key}' {url}"
