"""manage.py create_api_key: key printed once on the last line, stored hashed, revocable; kinds and identifiers."""

import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from members.models import ApiKey, Clinic, GuidanceProvider
from tests.factories import EmployerFactory


def _create(*args: str) -> tuple[str, str]:
    out = io.StringIO()
    call_command("create_api_key", *args, stdout=out)
    text = out.getvalue()
    return text, text.strip().splitlines()[-1]


def _client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def test_clinic_key_is_printed_last_and_stored_hashed(db) -> None:
    text, key = _create("clinic", "1311111111", "--name", "X clinic uploads", "--org-name", "X健診")
    stored = ApiKey.objects.get()
    assert (stored.kind, stored.name, stored.clinic.number, stored.clinic.name) == (
        "clinic",
        "X clinic uploads",
        "1311111111",
        "X健診",
    )
    assert key.startswith(stored.prefix + ".")
    assert key not in stored.hashed_key and stored.hashed_key != key
    assert ApiKey.objects.get_from_key(key) == stored
    assert "shown only once" in text


def test_key_authenticates_and_revoked_key_is_refused(world) -> None:
    _, key = _create("staff", "06999999")
    assert _client(key).get("/api/v1/persons/").status_code == 200
    ApiKey.objects.update(revoked=True)
    assert _client(key).get("/api/v1/persons/").status_code in (401, 403)


def test_wrong_key_is_refused(world) -> None:
    _, key = _create("staff", "06999999")
    assert _client(key[:-1] + ("A" if key[-1] != "A" else "B")).get("/api/v1/persons/").status_code in (401, 403)


def test_employer_identifier_is_insurer_colon_code(world) -> None:
    employer = EmployerFactory(insurer=world.insurer_a, code="E001")
    _create("employer", "06999999:E001")
    assert ApiKey.objects.get().employer == employer
    with pytest.raises(CommandError, match="INSURER:CODE"):
        _create("employer", "06999999:NOPE")


@pytest.mark.parametrize(("kind", "model"), [("clinic", Clinic), ("guidance_provider", GuidanceProvider)])
def test_unknown_organisation_is_refused_without_create_organisation(db, kind, model) -> None:
    """Issue #13: a mistyped number must not silently become a second clinic or provider."""
    with pytest.raises(CommandError, match=r"no .* with number '2711111111'.*--create-organisation NAME"):
        _create(kind, "2711111111")
    assert not model.objects.exists()
    assert not ApiKey.objects.exists()


def test_guidance_provider_is_created_with_create_organisation(db) -> None:
    _create("guidance_provider", "2711111111", "--create-organisation", "みなみ保健指導センター")
    provider = GuidanceProvider.objects.get(number="2711111111")
    assert ApiKey.objects.get().guidance_provider == provider
    assert provider.name == "みなみ保健指導センター"


def test_create_organisation_does_not_rename_an_existing_one(db) -> None:
    clinic = Clinic.objects.create(number="1322222222", name="既存")
    _create("clinic", "1322222222", "--create-organisation", "別名")
    assert ApiKey.objects.get().clinic == clinic
    assert Clinic.objects.get(number="1322222222").name == "既存"


def test_existing_clinic_is_reused(db) -> None:
    clinic = Clinic.objects.create(number="1322222222", name="既存")
    _create("clinic", "1322222222")
    assert ApiKey.objects.get().clinic == clinic
    assert Clinic.objects.get(number="1322222222").name == "既存"


@pytest.mark.parametrize(
    ("kind", "identifier", "message"),
    [
        ("clinic", "12345", "10-digit"),
        ("guidance_provider", "abcdefghij", "10-digit"),
        ("staff", "01234567", "no insurer"),
        ("employer", "nonsense", "INSURER:CODE"),
    ],
)
def test_bad_identifiers_are_refused(db, kind, identifier, message) -> None:
    with pytest.raises(CommandError, match=message):
        _create(kind, identifier)
    assert not ApiKey.objects.exists()


def test_revocation_in_the_admin(world, django_user_model) -> None:
    from django.test import Client

    _create("staff", "06999999")
    admin_user = django_user_model.objects.create_superuser("root", "root@example.jp", "correct-horse-battery")
    client = Client()
    client.force_login(admin_user)
    stored = ApiKey.objects.get()
    page = client.get(f"/admin/members/apikey/{stored.pk}/change/")
    assert page.status_code == 200
    assert "revoked" in page.content.decode()
