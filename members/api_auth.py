"""DRF authentication by `Authorization: Api-Key <key>` and per-key throttling."""

from typing import Any, cast

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from .actors import actor_for_api_key, cache_actor
from .models import ApiKey

KEYWORD = "Api-Key"


class ApiKeyUser:
    """A stand-in user for a machine client; `request.auth` carries the key."""

    is_authenticated = True
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None

    def __init__(self, key: ApiKey) -> None:
        self.key = key

    def __str__(self) -> str:
        return f"api-key:{self.key.prefix}"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, ApiKey] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header.startswith(f"{KEYWORD} "):
            return None
        raw = header[len(KEYWORD) + 1 :].strip()
        try:
            key = cast(ApiKey, ApiKey.objects.get_from_key(raw))  # the manager returns the concrete model
        except ApiKey.DoesNotExist:
            key = None
        if key is None or not key.is_valid(raw) or key.has_expired:
            raise exceptions.AuthenticationFailed("Invalid or revoked API key / APIキーが無効です")
        cache_actor(request, actor_for_api_key(key))
        return ApiKeyUser(key), key

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD


class ApiKeyRateThrottle(SimpleRateThrottle):
    """One bucket per API key (or per session user / IP when no key is used)."""

    scope = "api_key"

    def get_cache_key(self, request: Request, view: Any) -> str:
        auth = getattr(request, "auth", None)
        ident = f"key:{auth.prefix}" if isinstance(auth, ApiKey) else self.get_ident(request)
        if getattr(request.user, "is_authenticated", False) and getattr(request.user, "pk", None):
            ident = f"user:{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ApiKeySchemeExtension(OpenApiAuthenticationExtension):
    """Documents `Authorization: Api-Key <key>` in the OpenAPI schema."""

    target_class = "members.api_auth.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>` (created with `manage.py create_api_key`, shown once)",
        }
