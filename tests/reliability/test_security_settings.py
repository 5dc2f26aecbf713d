"""Security settings: `check --deploy` is clean under production settings, and the headers, cookies, CSP, staff
second factor, admin URL and secrets are what production needs.

CSP comes from Django 6's own ContentSecurityPolicyMiddleware (SECURE_CSP in config/settings/base.py), which does
what django-csp did before Django 6.0, so django-csp is not installed.
"""

import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from django.conf import settings as django_settings
from django.http import HttpResponse
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.template import RequestContext, Template
from django.test import RequestFactory

from tests.portal.conftest import make_member

PROJECT = Path(__file__).resolve().parents[2]
SECRET = "reliability-test-secret-" + "x" * 40
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": SECRET,
    "DJANGO_ALLOWED_HOSTS": "kenshin.example.jp",
    "DJANGO_ADMIN_URL": "kanri-7f3a/",
}
# Production facts gathered in one fresh interpreter (settings cannot be swapped inside this one).
PROBE = """
import io, json, django
from django.core.management import call_command
django.setup()
from django.conf import settings
from django.urls import reverse
out = io.StringIO()
try:
    call_command("check", deploy=True, fail_level="WARNING", stdout=out, stderr=out)
    check = "ok"
except Exception as exc:
    check = f"{type(exc).__name__}: {exc}"
print(json.dumps({"check": check, "output": out.getvalue(), "admin": reverse("admin:index"),
                  "otp": settings.STAFF_REQUIRE_OTP, "debug": settings.DEBUG}))
"""


@pytest.fixture(scope="module")
def production_probe() -> dict:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "STAFF_"))}
    environment.update(PRODUCTION_ENV)
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=PROJECT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_with_production_settings(production_probe: dict) -> None:
    assert production_probe["check"] == "ok", production_probe["output"]
    assert production_probe["debug"] is False


def test_admin_url_comes_from_the_environment(production_probe: dict) -> None:
    assert production_probe["admin"] == "/kanri-7f3a/"


def test_staff_second_factor_is_required_in_production(production_probe: dict) -> None:
    assert production_probe["otp"] is True


def _production(monkeypatch: pytest.MonkeyPatch, **env: str) -> ModuleType:
    for name in ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY_FILE", "STAFF_REQUIRE_OTP", "DJANGO_SECURE_SSL_REDIRECT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in {**PRODUCTION_ENV, **env}.items():
        monkeypatch.setenv(name, value)
    sys.modules.pop("config.settings.production", None)
    try:
        return importlib.import_module("config.settings.production")
    finally:
        sys.modules.pop("config.settings.production", None)


def test_production_transport_and_cookies(monkeypatch) -> None:
    production = _production(monkeypatch)
    assert production.DEBUG is False
    assert production.SECURE_SSL_REDIRECT is True
    assert production.SECURE_HSTS_SECONDS >= 365 * 24 * 3600
    assert production.SECURE_HSTS_INCLUDE_SUBDOMAINS and production.SECURE_HSTS_PRELOAD
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    assert production.SESSION_COOKIE_HTTPONLY
    assert production.SECURE_CONTENT_TYPE_NOSNIFF
    assert production.X_FRAME_OPTIONS == "DENY"
    assert production.SECURE_REFERRER_POLICY in ("same-origin", "strict-origin", "no-referrer")
    assert production.STAFF_REQUIRE_OTP is True
    assert production.ALLOWED_HOSTS == ["kenshin.example.jp"]


def test_secret_from_the_environment_or_a_file(monkeypatch, tmp_path) -> None:
    assert _production(monkeypatch).SECRET_KEY == SECRET
    secret_file = tmp_path / "django_secret"
    secret_file.write_text("from-a-mounted-secret-file-" + "y" * 40 + "\n", encoding="utf-8")
    monkeypatch.delenv("DJANGO_SECRET_KEY")
    production = _production(monkeypatch, DJANGO_SECRET_KEY_FILE=str(secret_file))
    assert production.SECRET_KEY == "from-a-mounted-secret-file-" + "y" * 40  # newline stripped


def test_production_refuses_to_start_without_a_secret(monkeypatch) -> None:
    monkeypatch.setenv("DJANGO_SECRET_KEY", "")
    for name, value in PRODUCTION_ENV.items():
        if name != "DJANGO_SECRET_KEY":
            monkeypatch.setenv(name, value)
    sys.modules.pop("config.settings.production", None)
    with pytest.raises(RuntimeError, match="DJANGO_SECRET_KEY"):
        importlib.import_module("config.settings.production")
    sys.modules.pop("config.settings.production", None)


# ---------------------------------------------------------------- headers on real responses

PRODUCTION_HEADERS = {
    "SECURE_HSTS_SECONDS": 31_536_000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}
SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def _assert_secure_headers(response, nonce_required: bool = False) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    policy = dict(
        [*part.strip().split(" ", 1), ""][:2] for part in response["Content-Security-Policy"].split(";") if part
    )
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    script_src = policy["script-src"].split()
    assert "'self'" in script_src and "'unsafe-inline'" not in script_src and "*" not in script_src
    nonces = {s[len("'nonce-") : -1] for s in script_src if s.startswith("'nonce-")}
    if nonce_required:
        assert nonces
    for attributes in SCRIPT.findall(response.content.decode()):
        if "src=" in attributes or 'type="application/json"' in attributes:
            continue  # same-origin file, or data (json_script): allowed by 'self' / not executed
        found = re.search(r'nonce="([^"]+)"', attributes)
        assert found and found.group(1) in nonces, f"inline script without the response's nonce: {attributes}"


@pytest.fixture
def production_like(settings):
    for name, value in PRODUCTION_HEADERS.items():
        setattr(settings, name, value)
    return settings


@pytest.mark.parametrize("path", ["/admin/login/", "/admin/", "/admin/checkups/checkup/", "/admin/rates/"])
def test_admin_pages_send_the_security_headers(production_like, alice_client, path) -> None:
    response = alice_client.get(path, secure=True, follow=False)
    assert response.status_code in (200, 302), path
    _assert_secure_headers(response)


@pytest.mark.parametrize("path", ["/login/", "/me/", "/me/checkups/", "/me/guidance/", "/me/access-log/"])
def test_portal_pages_send_the_security_headers(production_like, world, client, path) -> None:
    member = make_member(world.person_a, "hanako")
    if path != "/login/":
        client.force_login(member)
    response = client.get(path, secure=True)
    assert response.status_code == 200, path
    _assert_secure_headers(response)
    if path.startswith("/me/"):
        assert "no-store" in response["Cache-Control"]


def test_api_answers_send_the_security_headers(production_like, world, staff_key_a) -> None:
    from tests.conftest import key_client

    _assert_secure_headers(key_client(staff_key_a).get("/api/v1/persons/", secure=True))


def test_session_and_csrf_cookies_are_secure_and_http_only(production_like, world, client) -> None:
    make_member(world.person_a, "hanako")
    page = client.get("/login/", secure=True)
    response = client.post(
        "/login/",
        {
            "username": "hanako",
            "password": "Kenshin-portal-2026!",
            "csrfmiddlewaretoken": page.cookies["csrftoken"].value,
        },
        secure=True,
    )
    assert response.status_code == 302
    for name in (django_settings.SESSION_COOKIE_NAME, django_settings.CSRF_COOKIE_NAME):
        cookie = client.cookies[name]
        assert cookie["secure"] and cookie["httponly"], name
        assert cookie["samesite"].lower() == "lax", name


def test_a_script_nonce_used_by_a_template_is_sent_in_the_policy(rf: RequestFactory) -> None:
    """Templates put `nonce="{{ csp_nonce }}"` on inline scripts; the middleware sends that nonce in script-src."""
    request = rf.get("/")
    rendered: list[str] = []

    def view(request):
        html = Template('<script nonce="{{ csp_nonce }}">1</script>').render(RequestContext(request))
        rendered.append(re.search(r'nonce="([^"]+)"', html).group(1))
        return HttpResponse(html)

    response = ContentSecurityPolicyMiddleware(view)(request)
    assert rendered[0] and f"'nonce-{rendered[0]}'" in response["Content-Security-Policy"]


@pytest.mark.slow
def test_static_files_collect_with_the_production_manifest_storage(settings, tmp_path) -> None:
    """Production serves hashed static files (a manifest); collecting them fails on any broken reference inside
    a CSS or JS file (e.g. a source map that is not shipped), which would stop a deployment."""
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text(encoding="utf-8"))
    assert "vendor/chart.umd.min.js" in manifest["paths"]
