"""Idle logout says why and returns; the session ends with the browser; the insurer's help desk is where a person
can get stuck (issue #18)."""

import datetime as dt
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from portal.access import SIGNED_IN_COOKIE
from portal.helpdesk import help_desk_for_request
from portal.services import invitation_issue

from .conftest import PASSWORD, make_checkup

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str = "hanako", **extra: str):
    return client.post(reverse("portal:login"), {"username": username, "password": PASSWORD, **extra})


def test_the_session_cookie_ends_with_the_browser(member_a) -> None:
    client = Client()
    response = _login(client)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert not cookie["expires"] and not cookie["max-age"]
    assert not response.cookies[SIGNED_IN_COOKIE]["max-age"]  # the hint goes with the browser too


def test_idle_logout_says_why_and_returns_to_the_page(member_a, world) -> None:
    make_checkup(world.person_a, dt.date(2025, 6, 2))
    client = Client()
    _login(client)
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore(client.session.session_key).delete()  # 30 idle minutes later: the server forgot it
    page = reverse("portal:checkup_year", args=[2025])
    response = client.get(page)
    assert response.status_code == 302 and response["Location"] == "/login/?next=%2Fme%2Fcheckups%2F2025%2F"
    login_page = client.get(response["Location"]).content.decode()
    assert "30分間操作がなかったため、安全のためログアウトしました" in login_page
    assert "見ていたページに戻ります" in login_page and f'name="next" value="{page}"' in login_page
    back = _login(client, next=page)
    assert back.status_code == 302 and back["Location"] == page
    assert client.get(page).status_code == 200


def test_an_explicit_logout_is_not_called_idle(member_a) -> None:
    client = Client()
    _login(client)
    client.post(reverse("portal:logout"))
    body = client.get(reverse("portal:login")).content.decode()
    assert "ログアウトしました。" in body and "操作がなかったため" not in body


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/me/", "/login/"])
def test_next_never_leaves_the_site(member_a, target: str) -> None:
    response = _login(Client(), next=target)
    assert response["Location"] == reverse("portal:me")


def test_lockout_page_has_the_help_desk(member_a, world) -> None:
    world.insurer_a.help_desk_phone = "03-1111-2222"
    world.insurer_a.save()
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("portal:login"), {"username": "hanako", "password": "wrong-password-1"})
    body = response.content.decode()
    assert "しばらくログインできません" in body and "03-1111-2222" in body


def test_an_expired_code_names_whom_to_ask(client: Client, help_desks) -> None:
    world = help_desks
    issued = invitation_issue(person=world.person_a, created_by=None)
    issued.invitation.created_at -= dt.timedelta(days=31)
    issued.invitation.expires_at -= dt.timedelta(days=31)  # 30 days: expired yesterday
    issued.invitation.save()
    data = {"code": issued.code, "birth_date": "1970-01-01", "username": "hanako", "password1": PASSWORD,
            "password2": PASSWORD}  # fmt: skip
    body = client.post(reverse("portal:register"), data).content.decode()
    assert "有効期限が切れています" in body and "03-1111-2222" in body and "06-9999-8888" not in body
    wrong = client.post(reverse("portal:register"), {**data, "birth_date": "1999-01-01"}).content.decode()
    assert "03-1111-2222" not in wrong and "保険証に書かれている保険者" in wrong  # a guessed code names no insurer


def test_whose_help_desk(rf, world, help_desks, member_a, alice) -> None:
    request = rf.get("/")
    request.user = member_a
    assert help_desk_for_request(request).phone == "03-1111-2222"
    request = rf.get("/")
    request.user = alice
    assert help_desk_for_request(request).insurer_name == world.insurer_a.name
    request = rf.get("/")
    request.user = AnonymousUser()
    assert help_desk_for_request(request) is None  # two insurers: name none to someone unknown
    world.insurer_b.help_desk_name = world.insurer_b.help_desk_phone = ""
    world.insurer_b.save()
    request = rf.get("/")
    request.user = AnonymousUser()
    assert help_desk_for_request(request).phone == "03-1111-2222"  # the installation's one help desk


def test_every_member_page_shows_the_help_desk(client_a: Client, help_desks) -> None:
    for name in ("portal:me", "portal:checkups", "portal:guidance", "portal:access_log", "portal:download"):
        body = client_a.get(reverse(name)).content.decode()
        assert "03-1111-2222" in body and 'href="tel:0311112222"' in body and "06-9999-8888" not in body, name
