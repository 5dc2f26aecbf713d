"""Error pages for the whole site (portal and admin): Japanese (English on request), a way back, the help desk.

Wired in `config.urls` (handler404/403/500) and `CSRF_FAILURE_VIEW`. Under the API prefix the answer is the API's
error envelope (JSON) instead of a page.
"""

from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from infra.i18n import Message, bilingual
from members.actors import actor_from_request
from portal.helpdesk import help_desk_for_request

API_PREFIX = "/api/"
_PAGES: dict[int, tuple[str, Message, Message]] = {  # status → (code, title, what happened and what to do)
    404: (
        "not_found",
        _("ページが見つかりません"),
        _("アドレスが間違っているか、ページが移動・削除された可能性があります。"),
    ),
    403: (
        "forbidden",
        _("このページを表示する権限がありません"),
        _("ログインし直すか、ご利用のアカウントでこのページを使えるかをご確認ください。"),
    ),
    500: (
        "server_error",
        _("システムでエラーが起きました"),
        _(
            "ご迷惑をおかけしています。入力した内容は保存されていない可能性があります。しばらくしてからもう一度お試しください。"
        ),
    ),
}
CSRF_PAGE: tuple[str, Message, Message] = (
    "csrf_failed",
    _("画面の有効期限が切れました"),
    _(
        "しばらく操作がなかったか、ブラウザのCookieが無効になっているため、送信を受け付けられませんでした。"
        "ページを開き直してから、もう一度入力してください。"
    ),
)


def _in_admin(request: HttpRequest) -> bool:
    return request.path.startswith(f"/{settings.ADMIN_URL}")


def _home(request: HttpRequest) -> tuple[str, Message]:
    if _in_admin(request) and actor_from_request(request).is_staff:
        return reverse("admin:index"), _("管理画面のトップへ")
    return reverse("portal:home"), _("わたしの健診のトップへ")


def _render(request: HttpRequest, status: int, page: tuple[str, Message, Message]) -> HttpResponse:
    code, title, detail = page
    if request.path.startswith(API_PREFIX):
        message_ja, message_en = bilingual(title)
        error = {"field": None, "code": code, "value": None, "message_ja": message_ja, "message_en": message_en}
        return JsonResponse({"errors": [error]}, status=status)
    try:
        help_desk = help_desk_for_request(request)
        home_url, home_label = _home(request)
    except DatabaseError:  # the error may be the database itself: the page must still render
        help_desk, home_url, home_label = None, "/", _("トップページへ")
    context: dict[str, Any] = {
        "status": status,
        "title": title,
        "detail": detail,
        "home_url": home_url,
        "home_label": home_label,
        "help_desk": help_desk,
        "admin_area": _in_admin(request),
    }
    html = render_to_string("errors/error.html", context, request=request)
    return HttpResponse(html, status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, 404, _PAGES[404])


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, 403, _PAGES[403])


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        return _render(request, 500, _PAGES[500])
    except Exception:
        return HttpResponse(_STATIC_500, status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _render(request, 403, CSRF_PAGE)


_STATIC_500 = (
    '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><meta name="viewport" '
    'content="width=device-width, initial-scale=1"><title>エラー</title></head><body><main>'
    "<h1>システムでエラーが起きました</h1><p>しばらくしてからもう一度お試しください。</p>"
    '<p><a href="/">トップページへ</a></p></main></body></html>'
)
