"""Staff two-factor authentication: with STAFF_REQUIRE_OTP the admin opens only after a TOTP token."""

from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def test_admin_requires_a_verified_second_factor(world, alice, client, settings) -> None:
    settings.STAFF_REQUIRE_OTP = True
    client.force_login(alice)
    assert client.get(reverse("admin:index")).status_code == 302  # password alone is not enough
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    client.logout()
    token = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    response = client.post(
        reverse("admin:login"),
        {
            "username": "alice",
            "password": "correct-horse-battery",
            "otp_device": device.persistent_id,
            "otp_token": f"{token:06d}",
            "next": reverse("admin:index"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert client.get(reverse("admin:index")).status_code == 200


def test_without_the_setting_the_password_suffices(world, alice_client, settings) -> None:
    settings.STAFF_REQUIRE_OTP = False
    assert alice_client.get(reverse("admin:index")).status_code == 200


def test_production_settings_require_otp(monkeypatch) -> None:
    import importlib
    import sys

    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 50)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "example.jp")
    sys.modules.pop("config.settings.production", None)
    production = importlib.import_module("config.settings.production")
    assert production.STAFF_REQUIRE_OTP is True
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    assert production.SECURE_HSTS_SECONDS >= 31536000


def test_production_settings_have_no_default_secret(monkeypatch) -> None:
    import importlib
    import sys

    import pytest

    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)
    monkeypatch.delenv("DJANGO_SECRET_KEY_FILE", raising=False)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "example.jp")
    sys.modules.pop("config.settings.production", None)
    with pytest.raises(RuntimeError, match="DJANGO_SECRET_KEY"):
        importlib.import_module("config.settings.production")


def test_secret_from_a_file(monkeypatch, tmp_path) -> None:
    from config.settings.base import env_secret

    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("DJANGO_SECRET_KEY_FILE", str(secret))
    assert env_secret("DJANGO_SECRET_KEY") == "from-a-file"


def test_create_totp_device_prints_the_url(world, alice, capsys) -> None:
    call_command("create_totp_device", "alice")
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("otpauth://totp/")
