"""A demo API key for the guidance provider (issue #15), so its API can be tried at once after `make run`.

Keys are stored hashed (shown once), so the key is printed when it is created; a later run says how to make
another with `create_api_key`.
"""

import datetime as dt
from typing import Any

from demo.guidance import DEMO_PROVIDER
from members.models import ApiKey, GuidanceProvider

DEMO_PROVIDER_KEY_NAME = "デモ用 保健指導機関キー"
PROGRAMMES_URL = "http://127.0.0.1:8000/api/v1/guidance/programmes/"


def create_key_hint() -> str:
    return f"another provider key: manage.py create_api_key guidance_provider {DEMO_PROVIDER[0]}"


def seed(population: Any, *, today: dt.date) -> str:
    provider = GuidanceProvider.objects.filter(number=DEMO_PROVIDER[0]).first()
    if provider is None:
        return "no demo provider: no key"
    if ApiKey.objects.filter(guidance_provider=provider, name=DEMO_PROVIDER_KEY_NAME, revoked=False).exists():
        return create_key_hint()
    _, key = ApiKey.objects.create_key(
        name=DEMO_PROVIDER_KEY_NAME, kind=ApiKey.Kind.GUIDANCE_PROVIDER, guidance_provider=provider
    )
    return (
        f"provider API key ({provider.name}, shown once): {key}\n"
        f"  try: curl -H 'Authorization: Api-Key {key}' {PROGRAMMES_URL}"
    )
