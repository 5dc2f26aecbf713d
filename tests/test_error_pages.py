"""Error pages for the whole site (issue #18): Japanese (English on request), a way home, the help desk; the API
answers with its error envelope instead."""

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError
from django.test import Client, RequestFactory
from django.urls import reverse

from config import errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def help_desk(world):
    world.insurer_a.help_desk_name, world.insurer_a.help_desk_phone = "けんぽ相談室", "03-1111-2222"
    world.insurer_a.save()
    return world


def test_portal_404_is_japanese_with_a_way_home_and_the_help_desk(client: Client, help_desk) -> None:
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404 and '<html lang="ja">' in body
    assert "ページが見つかりません" in body and "Not Found" not in body
    assert f'href="{reverse("portal:home")}"' in body and "わたしの健診のトップへ" in body
    assert "03-1111-2222" in body  # the installation's one help desk (anonymous visitor)


def test_404_in_english_when_chosen(client: Client, help_desk) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/no-such-page/").content.decode()
    assert "Page not found" in body and '<html lang="en">' in body


def test_admin_404_leads_to_the_admin_home(alice_client: Client, world) -> None:
    response = alice_client.get(reverse("admin:members_insuredperson_change", args=[world.person_b.pk]))
    body = response.content.decode()
    assert response.status_code == 404  # another insurer's person looks like no person at all
    assert "ページが見つかりません" in body and f'href="{reverse("admin:index")}"' in body
    assert world.insurer_b.name not in body


def test_403_page(rf: RequestFactory, help_desk) -> None:
    request = rf.get("/me/")
    request.user = AnonymousUser()
    response = errors.permission_denied(request)
    assert response.status_code == 403 and "このページを表示する権限がありません" in response.content.decode()


def test_500_page_still_renders_when_the_database_fails(rf: RequestFactory, monkeypatch, help_desk) -> None:
    def broken(request):
        raise DatabaseError("down")

    monkeypatch.setattr(errors, "help_desk_for_request", broken)
    request = rf.get("/me/")
    response = errors.server_error(request)
    body = response.content.decode()
    assert response.status_code == 500 and "システムでエラーが起きました" in body and 'href="/"' in body


def test_csrf_failure_page(help_desk) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("portal:login"), {"username": "x", "password": "y"})
    body = response.content.decode()
    assert response.status_code == 403 and "画面の有効期限が切れました" in body
    assert "03-1111-2222" in body and "わたしの健診のトップへ" in body


def test_api_404_is_the_error_envelope(client: Client, world) -> None:
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    (error,) = response.json()["errors"]
    assert error["code"] == "not_found" and error["message_ja"] == "ページが見つかりません"
    assert error["message_en"] == "Page not found"
