"""axe-core on every page of わたしの健診 at both sizes (390 px and 1280 px): 0 serious or critical violations,
including the error pages, the printable pages, the doctor's document and the letter (issue #18).

With PORTAL_SCREENSHOTS=docs/screenshots the same run writes portal-<page>-phone.png and portal-<page>-desktop.png
(`make portal-screenshots`); nothing scrolls sideways at either size.
"""

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory

from config import errors
from members.auth_backend import BACKEND
from portal.services import invitation_issue

from ..browser.axe import assert_no_serious_violations
from ..browser.chromium import SIZES
from ..factories import staff_user
from .conftest import make_member, rich_history

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(context, base: str, user) -> None:
    """A logged-in browser without typing (the login form itself is checked as a page of its own)."""
    client = Client()
    client.force_login(user, backend=BACKEND)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": value, "url": base}])


def _look(page, name: str, size: str) -> None:
    """axe, no sideways scrolling, and the screenshot when asked for."""
    page.wait_for_load_state("networkidle")
    assert_no_serious_violations(page, f"{name} at {size}")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= SIZES[size]["width"], f"{name} scrolls sideways at {size}: {width} px"
    folder = os.environ.get("PORTAL_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/portal-{name}-{size}.png", full_page=True)


@pytest.fixture
def people(world):
    rich_history(world)
    member = make_member(world.person_a, "hanako")
    staff = staff_user(world.insurer_a, "alice")
    return {"member": member, "staff": staff, "person": world.person_a}


def _anonymous_pages(page, base: str, size: str) -> None:
    page.goto(f"{base}/login/")
    _look(page, "login", size)
    page.goto(f"{base}/register/")
    _look(page, "register", size)
    page.locator("#id_code").fill("AAAA-BBBB-CCCC")
    page.locator("#id_birth_date").fill("1970-01-01")
    page.locator("#id_password1").fill("Kenshin-portal-2026!")
    page.locator("#id_password2").fill("Kenshin-portal-2026!")
    page.get_by_role("button", name="登録する").click()
    page.wait_for_url("**/register/")
    _look(page, "register-refused", size)
    page.context.add_cookies([{"name": "portal_signed_in", "value": "1", "url": base}])
    page.goto(f"{base}/login/?next=/me/guidance/")
    assert "操作がなかったため" in page.content()
    _look(page, "login-idle", size)
    page.goto(f"{base}/no-such-page/")
    _look(page, "error-404", size)
    page.goto(f"{base}/login/")
    page.context.clear_cookies(name="csrftoken")
    page.locator("#id_username").fill("x")
    page.locator("#id_password").fill("y")
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()
    assert "画面の有効期限が切れました" in page.content()
    _look(page, "error-csrf", size)
    html = errors.server_error(_request_for("/me/")).content.decode()
    page.route("**/boom/", lambda route: route.fulfill(status=500, body=html, content_type="text/html; charset=utf-8"))
    page.goto(f"{base}/boom/")
    _look(page, "error-500", size)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto(f"{base}/login/")
        page.locator("#id_username").fill(f"nobody-{size}")
        page.locator("#id_password").fill("wrong-password-1")
        page.get_by_role("button", name="ログイン").click()
        page.wait_for_load_state()
    assert "しばらくログインできません" in page.content()
    _look(page, "lockout", size)


def _request_for(path: str):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return request


MEMBER_PAGES: list[tuple[str, str]] = [
    ("home", "/me/"),
    ("trends", "/me/checkups/"),
    ("report", "/me/checkups/2025/"),
    ("report-2024", "/me/checkups/2024/"),
    ("document", "/me/checkups/2025/document/"),
    ("guidance", "/me/guidance/"),
    ("employer", "/me/employer-checkups/"),
    ("access-log", "/me/access-log/"),
    ("download", "/me/download/"),
    ("print", "/me/download/print/"),
]


def _member_pages(page, base: str, size: str) -> None:
    for name, path in MEMBER_PAGES:
        page.goto(f"{base}{path}")
        _look(page, name, size)
    page.goto(f"{base}/me/guidance/")
    page.locator("#id_weight_kg").fill("500")
    page.get_by_role("button", name="記録する").click()
    page.wait_for_load_state()
    _look(page, "guidance-error", size)
    page.goto(f"{base}/me/guidance/")
    page.locator("#log-table a").first.click()
    page.wait_for_url("**/delete/")
    _look(page, "delete-confirm", size)


def _staff_pages(page, base: str, size: str, person) -> None:
    page.goto(f"{base}/{settings.ADMIN_URL}portal/document/{person.pk}/")
    _look(page, "staff-document", size)
    page.goto(f"{base}/{settings.ADMIN_URL}members/insuredperson/999999/change/")
    assert "ページが見つかりません" in page.content()
    _look(page, "error-404-admin", size)
    page.goto(f"{base}/{settings.ADMIN_URL}portal/invitation/issue/{person.pk}/")
    page.get_by_role("button", name="発行して招待状を表示").click()
    page.wait_for_url("**/letter/")
    _look(page, "letter", size)


@pytest.mark.parametrize("size", list(SIZES))
def test_every_page_has_no_serious_accessibility_problem(browser, live_server, people, size: str) -> None:
    steps: list[tuple[object | None, Callable[..., None]]] = [
        (None, lambda p: _anonymous_pages(p, live_server.url, size)),
        (people["member"], lambda p: _member_pages(p, live_server.url, size)),
        (people["staff"], lambda p: _staff_pages(p, live_server.url, size, people["person"])),
    ]
    invitation_issue(person=people["person"], created_by=None)  # an earlier letter: the next one is a reset
    for user, visit in steps:
        context = browser.new_context(viewport=SIZES[size], locale="ja-JP")
        page = context.new_page()
        page.set_default_timeout(15_000)
        if user is not None:
            sign_in(context, live_server.url, user)
        try:
            visit(page)
        finally:
            context.close()
